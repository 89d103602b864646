import Dispatch

/// `map` over all cores, with results in index order (so reductions over them are
/// deterministic). The one place the project writes the concurrentPerform pattern.
public enum Parallel {
    /// `[body(0), body(1), ..., body(count - 1)]`, computed concurrently.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress
            DispatchQueue.concurrentPerform(iterations: count) { k in base![k] = body(k) }
        }
        return results.map { $0! }
    }

    /// `items.map(transform)`, computed concurrently.
    public static func map<Item, T>(_ items: [Item], _ transform: (Item) -> T) -> [T] {
        map(items.count) { transform(items[$0]) }
    }
}
