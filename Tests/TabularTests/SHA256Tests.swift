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

    @Test func contentHashSeesEveryValue() {
        let a = Table(name: "t", columns: [Column(name: "x", numbers: [1, 2, 3])])
        var b = a
        b.setColumn(Column(name: "x", numbers: [1, 2, 4]))
        #expect(a.contentHash != b.contentHash)
        #expect(a.contentHash == Table(name: "other", columns: [Column(name: "x", numbers: [1, 2, 3])]).contentHash)
    }
}
