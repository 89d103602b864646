import Testing
@testable import Tabular

struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func standardVectors(input: String, digest: String) {
        #expect(SHA256.hexDigest(of: Array(input.utf8)) == digest)
    }

    @Test func millionAs() {
        #expect(SHA256.hexDigest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The file checksum is recorded in journals, so its value must never drift: this digest
    /// was taken with the one-block-at-a-time implementation the interleaved one replaced.
    @Test func fileChecksumKeepsItsValue() {
        let size = 9 * ContentChecksum.blockSize + 13
        var bytes = [UInt8](repeating: 0, count: size)
        var state: UInt64 = 42
        for i in bytes.indices { state = state &* 6364136223846793005 &+ 1442695040888963407; bytes[i] = UInt8(state >> 56) }
        #expect(ContentChecksum.hexDigest(bytes) == "97d18dba7d138baf")
        // Taken as a reader moves through the buffer in uneven steps, it is the same.
        for steps in [[1, 4 * ContentChecksum.blockSize + 1, size], [3 * ContentChecksum.blockSize, 8 * ContentChecksum.blockSize, size]] {
            bytes.withUnsafeBytes { raw in
                var scan = ChecksumScan(buffer: raw)
                for offset in steps { scan.advance(to: offset, releasing: false) }
                #expect(scan.hexDigest == "97d18dba7d138baf")
            }
        }
        // Every block, whether walked in a group of four or alone, digests as alone.
        bytes.withUnsafeBytes { raw in
            let blocks = (size + ContentChecksum.blockSize - 1) / ContentChecksum.blockSize
            for range in [0..<blocks, 1..<6, 5..<9, 0..<4] {
                #expect(ContentChecksum.blockDigests(raw, range) == range.map { ContentChecksum.blockDigest(raw, $0) })
            }
        }
    }

    /// A column's digest is taken once and kept with its values; changing the values in
    /// place (not only replacing the column) must not leave the old digest behind.
    @Test func contentHashFollowsValuesChangedInPlace() {
        var table = Table(name: "t", columns: [Column(name: "x", numbers: [1, 2, 3]), Column(name: "s", texts: ["a", nil, "b"])])
        let before = table.contentHash
        var column = table.columns[0]
        let copy = column
        column.data = .number([1, 2, 4])
        table.setColumn(column)
        #expect(table.contentHash != before)
        #expect(table.contentHash == Table(name: "t", columns: [Column(name: "x", numbers: [1, 2, 4]), table.columns[1]]).contentHash)
        // The unchanged copy keeps its digest, which is still right for it.
        #expect(Table(name: "t", columns: [copy, table.columns[1]]).contentHash == before)
        #expect(Table.cachedValuesDigest(copy) == Table.valuesDigest(copy))
    }

    @Test func contentHashSeesEveryValue() {
        let a = Table(name: "t", columns: [Column(name: "x", numbers: [1, 2, 3])])
        var b = a
        b.setColumn(Column(name: "x", numbers: [1, 2, 4]))
        #expect(a.contentHash != b.contentHash)
        #expect(a.contentHash == Table(name: "other", columns: [Column(name: "x", numbers: [1, 2, 3])]).contentHash)
    }
}
