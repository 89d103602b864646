#if canImport(Glibc)
import Glibc
#endif

/// Large arrays that are written once in full (a prepared column, a design matrix) spend
/// much of their filling time in 4 KB page faults. Linux's transparent huge pages, often
/// in `madvise` mode, back such buffers with 2 MB pages when asked.
public enum HugePages {
    /// 2 MB, the x86-64 huge page.
    public static let size = 2 << 20

    /// Asks for huge pages over the 2 MB-aligned interior of a buffer not yet touched.
    /// A hint only: without transparent huge pages it does nothing.
    public static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let start = buffer.baseAddress, buffer.count >= 2 * size else { return }
        let alignedStart = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let alignedEnd = (Int(bitPattern: start) + buffer.count) & ~(size - 1)
        guard alignedEnd > alignedStart, let pointer = UnsafeMutableRawPointer(bitPattern: alignedStart) else { return }
        _ = madvise(pointer, alignedEnd - alignedStart, MADV_HUGEPAGE)
        #endif
    }
}

extension Array {
    /// `map` into a fresh array backed by huge pages when it is large.
    @inlinable
    public func mapIntoHugePages<T>(_ transform: (Element) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            withUnsafeBufferPointer { source in
                guard let target = buffer.baseAddress else { return }
                for i in 0..<source.count { (target + i).initialize(to: transform(source[i])) }
            }
            initialized = count
        }
    }
}
