/// Assigns dense codes to distinct byte strings without creating a `String` per cell:
/// an open-addressing hash table over the bytes, with each distinct value stored once.
struct ByteInterner {
    private var storage: [UInt8] = []
    private var starts: [Int] = []     // per code: offset into storage
    private var lengths: [Int32] = []  // per code: byte length
    private var hashes: [UInt64] = []  // per code: hash, for cheap rehashing
    private var slots: [Int32]         // code + 1, or 0 when empty
    private var mask: Int
    /// Byte offset in the source where each code was first seen (for error messages).
    private(set) var firstOffsets: [Int] = []

    init(capacity: Int = 64) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { starts.count }

    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<count { h = (h ^ UInt64(base[k])) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    /// The code of the given bytes, adding them when new.
    @inline(__always)
    mutating func intern(_ base: UnsafePointer<UInt8>, _ count: Int, sourceOffset: Int) -> Int32 {
        let h = Self.hash(base, count)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let code = Int(entry - 1)
            if hashes[code] == h, Int(lengths[code]) == count {
                let start = starts[code]
                let same = storage.withUnsafeBufferPointer { stored in
                    memcmp(stored.baseAddress! + start, base, count) == 0
                }
                if same { return Int32(code) }
            }
            slot = (slot + 1) & mask
        }
        let code = Int32(starts.count)
        starts.append(storage.count)
        lengths.append(Int32(count))
        hashes.append(h)
        firstOffsets.append(sourceOffset)
        storage.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        slots[slot] = code + 1
        if starts.count * 2 > slots.count { grow() }
        return code
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for code in 0..<starts.count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code + 1)
        }
    }

    /// The distinct values as strings, in code order; nil and the offending code when
    /// a value is not valid UTF-8.
    func strings() -> (values: [String], invalidCode: Int?) {
        var values: [String] = []
        values.reserveCapacity(count)
        for code in 0..<count {
            let bytes = storage[starts[code]..<starts[code] + Int(lengths[code])]
            guard let text = String(validating: bytes, as: UTF8.self) else { return (values, code) }
            values.append(text)
        }
        return (values, nil)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
