import Tabular

/// One feature as a table stores it, read without converting the column: 8-byte numbers,
/// or booleans as bytes (the indicators `encode onehot` and `impute … indicator` make,
/// which would be eight times the memory as numbers).
public enum FeatureVector: Sendable, Equatable {
    case numbers([Double])
    /// 0 or 1, and `Column.missingBoolean` for missing (read as NaN).
    case flags([UInt8])

    /// The feature of a number or boolean column; nil for text and dates.
    public init?(_ column: Column) {
        switch column.data {
        case .number(let values): self = .numbers(values)
        case .boolean(let flags): self = .flags(flags)
        case .text, .date: return nil
        }
    }

    public var count: Int {
        switch self {
        case .numbers(let values): return values.count
        case .flags(let flags): return flags.count
        }
    }

    /// Calls `body` with the values, read as numbers by subscript.
    @inlinable
    public func withValues<R>(_ body: (FeatureValues) throws -> R) rethrows -> R {
        switch self {
        case .numbers(let values): return try values.withUnsafeBufferPointer { try body(FeatureValues(doubles: $0.baseAddress, bytes: nil)) }
        case .flags(let flags): return try flags.withUnsafeBufferPointer { try body(FeatureValues(doubles: nil, bytes: $0.baseAddress)) }
        }
    }

    /// The values as numbers (a copy for booleans).
    public var numbers: [Double] {
        switch self {
        case .numbers(let values): return values
        case .flags(let flags): return flags.map { $0 == Column.missingBoolean ? .nan : Double($0) }
        }
    }
}

/// A feature's values by row, as numbers. The storage test per element is the same branch
/// every time, which the processor predicts.
public struct FeatureValues {
    @usableFromInline let doubles: UnsafePointer<Double>?
    @usableFromInline let bytes: UnsafePointer<UInt8>?

    @usableFromInline init(doubles: UnsafePointer<Double>?, bytes: UnsafePointer<UInt8>?) {
        self.doubles = doubles
        self.bytes = bytes
    }

    @inlinable @inline(__always)
    public subscript(row: Int) -> Double {
        if let doubles { return doubles[row] }
        let flag = bytes.unsafelyUnwrapped[row]
        return flag == Column.missingBoolean ? .nan : Double(flag)
    }
}
