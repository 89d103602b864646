#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// A 64-bit hash for data fingerprints in the journal (FNV-1a over text, a
/// multiply-xorshift step per word). It is not cryptographic: it detects accidental
/// differences between a run and its replay.
public struct FingerprintHasher: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    /// Mixes one 64-bit word in a single multiply-xorshift step (fast enough to hash
    /// every cell of a million-row table on each data step).
    @inline(__always)
    public mutating func combine(_ value: UInt64) {
        state = (state ^ value) &* 0x9E37_79B9_7F4A_7C15
        state ^= state >> 29
    }

    /// Mixes in a string's UTF-8 bytes and its length.
    public mutating func combine(_ text: String) {
        for byte in text.utf8 { state = (state ^ UInt64(byte)) &* Self.prime }
        combine(UInt64(text.utf8.count))
    }

    /// Mixes in a number by its bit pattern.
    public mutating func combine(_ value: Double) {
        // All NaNs hash alike; -0 and 0 hash alike.
        combine(value.isNaN ? 0x7ff8_0000_0000_0000 : (value == 0 ? 0 : value.bitPattern))
    }

    public var value: UInt64 { state }

    public var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Table {
    /// A fingerprint of names, types and every value; equal tables give equal digests.
    /// - Complexity: O(rows × columns)
    public var contentHash: String {
        // Columns hash in parallel; their digests combine in column order.
        let digests = Parallel.map(columns) { Table.hash($0) }
        var hasher = FingerprintHasher()
        hasher.combine(UInt64(rowCount))
        for digest in digests { hasher.combine(digest) }
        return hasher.hexDigest
    }

    private static func hash(_ column: Column) -> UInt64 {
        var hasher = FingerprintHasher()
        hasher.combine(column.name)
        hasher.combine(column.type.rawValue)
        switch column.data {
        case .number(let values), .date(let values):
            // All NaNs hash alike; -0 and 0 hash alike. (The type was hashed above.)
            hasher.combine(hashLanes(values.count) { i in
                let v = values[i]
                return v.isNaN ? 0x7ff8_0000_0000_0000 : (v == 0 ? 0 : v.bitPattern)
            })
        case .text(let codes, let dictionary):
            // Hash the values, not the codes: two encodings of the same data agree.
            let valueHashes = dictionary.map { value -> UInt64 in
                var h = FingerprintHasher()
                h.combine(value)
                return h.value
            }
            hasher.combine(hashLanes(codes.count) { i in codes[i] < 0 ? UInt64.max : valueHashes[Int(codes[i])] })
        case .boolean(let values):
            hasher.combine(hashLanes(values.count) { i in UInt64(values[i]) })
        }
        return hasher.value
    }

    /// Hashes `count` words in four interleaved lanes: one long multiply chain would
    /// make every step wait on the previous one; four chains keep the multiplier busy.
    @inline(__always)
    private static func hashLanes(_ count: Int, _ word: (Int) -> UInt64) -> UInt64 {
        var a = FingerprintHasher(), b = FingerprintHasher(), c = FingerprintHasher(), d = FingerprintHasher()
        var i = 0
        while i + 4 <= count {
            a.combine(word(i)); b.combine(word(i + 1)); c.combine(word(i + 2)); d.combine(word(i + 3))
            i += 4
        }
        while i < count { a.combine(word(i)); i += 1 }
        var result = FingerprintHasher()
        for lane in [a, b, c, d] { result.combine(lane.value) }
        result.combine(UInt64(count))
        return result.value
    }
}

/// A fast 64-bit checksum of file contents, computed over 1 MiB blocks in parallel
/// and combined in block order (so it does not depend on the number of cores).
public enum ContentChecksum {
    /// The checksum of `bytes` as 16 hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hexDigest($0) }
    }

    /// The checksum of `raw` as 16 hex digits.
    /// - Complexity: O(bytes), spread over all cores.
    public static func hexDigest(_ raw: UnsafeRawBufferPointer) -> String {
        var scan = ChecksumScan(buffer: raw)
        scan.advance(to: raw.count, releasing: false)
        return scan.hexDigest
    }

    static let blockSize = 1 << 20

    /// The digest of block `k` (bytes k MiB ..< k+1 MiB, or to the end).
    static func blockDigest(_ raw: UnsafeRawBufferPointer, _ k: Int) -> UInt64 {
        let start = k * blockSize
        let end = min(raw.count, start + blockSize)
        var hasher = FingerprintHasher()
        var i = start
        while i + 8 <= end {
            hasher.combine(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < end { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
        hasher.combine(tail)
        hasher.combine(UInt64(end - start))
        return hasher.value
    }

    /// The digests of blocks `blocks`, equal to `blockDigest` of each. Each block's hash is
    /// one dependent multiply chain, so one block at a time leaves the multiplier idle most
    /// cycles; four full blocks are walked side by side, their chains interleaved.
    static func blockDigests(_ raw: UnsafeRawBufferPointer, _ blocks: Range<Int>) -> [UInt64] {
        var digests: [UInt64] = []
        digests.reserveCapacity(blocks.count)
        var k = blocks.lowerBound
        while k + 4 <= blocks.upperBound, (k + 4) * blockSize <= raw.count {
            var a = FingerprintHasher(), b = FingerprintHasher(), c = FingerprintHasher(), d = FingerprintHasher()
            let start = k * blockSize
            var i = 0
            while i < blockSize {
                a.combine(raw.loadUnaligned(fromByteOffset: start + i, as: UInt64.self))
                b.combine(raw.loadUnaligned(fromByteOffset: start + blockSize + i, as: UInt64.self))
                c.combine(raw.loadUnaligned(fromByteOffset: start + 2 * blockSize + i, as: UInt64.self))
                d.combine(raw.loadUnaligned(fromByteOffset: start + 3 * blockSize + i, as: UInt64.self))
                i += 8
            }
            for var hasher in [a, b, c, d] {
                hasher.combine(UInt64(0))  // the empty tail of a full block
                hasher.combine(UInt64(blockSize))
                digests.append(hasher.value)
            }
            k += 4
        }
        while k < blocks.upperBound { digests.append(blockDigest(raw, k)); k += 1 }
        return digests
    }
}

/// `ContentChecksum` computed while a reader moves through a buffer: the blocks behind
/// the reader are hashed as it goes, and their pages may then be given back.
struct ChecksumScan {
    let buffer: UnsafeRawBufferPointer
    private var digests: [UInt64] = []

    init(buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// Hashes the blocks that end at or before `offset` (every block when `offset` is the
    /// end). With `releasing`, the pages of the hashed blocks leave memory: for a
    /// read-only file mapping they stay in the page cache and come back if touched again.
    mutating func advance(to offset: Int, releasing: Bool) {
        let block = ContentChecksum.blockSize
        let blockCount = offset >= buffer.count ? max(1, (buffer.count + block - 1) / block) : offset / block
        guard blockCount > digests.count else { return }
        let first = digests.count, raw = buffer
        let groups = stride(from: first, to: blockCount, by: 4).map { $0..<min($0 + 4, blockCount) }
        digests += Parallel.map(groups) { ContentChecksum.blockDigests(raw, $0) }.joined()
        #if os(Linux)
        if releasing, let base = buffer.baseAddress {
            let end = min(buffer.count, blockCount * block) & ~(Int(getpagesize()) - 1)
            if end > 0 { _ = madvise(UnsafeMutableRawPointer(mutating: base), end, MADV_DONTNEED) }
        }
        #endif
    }

    var hexDigest: String {
        var hasher = FingerprintHasher()
        for digest in digests { hasher.combine(digest) }
        hasher.combine(UInt64(buffer.count))
        return hasher.hexDigest
    }
}
