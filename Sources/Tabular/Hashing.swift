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
        combine(ValueDigest.word(value))  // all NaNs alike; -0 as 0
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
        let digests = Parallel.map(columns) { Table.digest(of: $0, values: Table.cachedValuesDigest($0)) }
        var hasher = FingerprintHasher()
        hasher.combine(UInt64(rowCount))
        for digest in digests { hasher.combine(digest) }
        return hasher.hexDigest
    }

    private static func digest(of column: Column, values: UInt64) -> UInt64 {
        var hasher = FingerprintHasher()
        hasher.combine(column.name)
        hasher.combine(column.type.rawValue)
        hasher.combine(values)
        return hasher.value
    }

    /// `valuesDigest`, taken once per column value (`Column.digestCache`).
    static func cachedValuesDigest(_ column: Column) -> UInt64 {
        let cached = column.digestCache.stored.load(ordering: .relaxed)
        if cached != 0 { return cached }
        let digest = valuesDigest(column)
        column.keepValuesDigest(digest)
        return digest
    }

    /// The digest of a column's values alone, in row order (what `ValueDigest` computes).
    static func valuesDigest(_ column: Column) -> UInt64 {
        var digest = ValueDigest()
        switch column.data {
        case .number(let values), .date(let values):
            values.withUnsafeBufferPointer { v in digest.add(v.count) { ValueDigest.word(v[$0]) } }
        case .text(let codes, let dictionary):
            // Hash the values, not the codes: two encodings of the same data agree.
            let valueHashes = dictionary.map(ValueDigest.word)
            codes.withUnsafeBufferPointer { c in
                digest.add(c.count) { i in c[i] < 0 ? ValueDigest.missingText : valueHashes[Int(c[i])] }
            }
        case .boolean(let values):
            values.withUnsafeBufferPointer { v in digest.add(v.count) { UInt64(v[$0]) } }
        }
        return digest.value
    }
}

/// The digest of a column's values, fed in row order and in pieces: one word per value
/// (`word(_:)`), hashed in four interleaved lanes, since one long multiply chain would make
/// every step wait on the previous one. Words 4k..4k+3 go to lanes a, b, c, d; the last
/// `count % 4` words all go to lane a, once the count is known.
struct ValueDigest {
    private var a = FingerprintHasher(), b = FingerprintHasher(), c = FingerprintHasher(), d = FingerprintHasher()
    /// Words of the group of four not yet complete.
    private var pending: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private(set) var count = 0

    /// Every NaN alike, and -0 as 0.
    @inline(__always)
    static func word(_ value: Double) -> UInt64 { value.isNaN ? 0x7ff8_0000_0000_0000 : (value == 0 ? 0 : value.bitPattern) }

    static func word(_ text: String) -> UInt64 {
        var hasher = FingerprintHasher()
        hasher.combine(text)
        return hasher.value
    }

    static let missingText = UInt64.max

    /// Adds `n` words, `word(0)`, `word(1)`, … in that order, each called once (so `word`
    /// may also copy the value it reads).
    @inline(__always)
    mutating func add(_ n: Int, _ word: (Int) -> UInt64) {
        var i = 0
        while i < n, count & 3 != 0 { take(word(i)); i += 1 }  // completes a pending group
        let grouped = i
        while i + 4 <= n {
            a.combine(word(i)); b.combine(word(i + 1)); c.combine(word(i + 2)); d.combine(word(i + 3))
            i += 4
        }
        count += i - grouped
        while i < n { take(word(i)); i += 1 }
    }

    private mutating func take(_ word: UInt64) {
        switch count & 3 {
        case 0: pending.0 = word
        case 1: pending.1 = word
        case 2: pending.2 = word
        default: a.combine(pending.0); b.combine(pending.1); c.combine(pending.2); d.combine(word)
        }
        count += 1
    }

    var value: UInt64 {
        var lanes = (a, b, c, d)
        let left = count & 3
        if left > 0 { lanes.0.combine(pending.0) }
        if left > 1 { lanes.0.combine(pending.1) }
        if left > 2 { lanes.0.combine(pending.2) }
        var result = FingerprintHasher()
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { result.combine(lane.value) }
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
