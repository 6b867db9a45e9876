import Foundation
import Testing
@testable import RosterKit

@Suite struct CSVSHA256Tests {
    private func digest(_ bytes: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finish()
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(_ message: String, _ expected: String) {
        #expect(digest(Array(message.utf8)) == expected)
    }

    @Test func millionAs() {
        #expect(digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func millionAsInUnevenChunks() {
        var hash = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        var left = 1_000_000, size = 1
        while left > 0 {
            let n = min(size, left)
            hash.update(Array(chunk[0..<min(n, 1000)]))
            left -= min(n, 1000)
            size = size % 997 + 13
        }
        #expect(hash.finish() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundaries (55/56 bytes leave no room for the length).
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
    ])
    func paddingBoundaries(_ length: Int, _ expected: String) {
        #expect(digest([UInt8](repeating: UInt8(ascii: "a"), count: length)) == expected)
    }

    static let pattern: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
    static let patternDigest = "5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179"

    @Test func patternInOneUpdate() {
        #expect(digest(Self.pattern) == Self.patternDigest)
    }

    @Test(arguments: [1, 2, 3, 7, 55, 56, 63, 64, 65, 127, 128, 129, 500, 999, 1000])
    func chunkedUpdates(_ size: Int) {
        var hash = SHA256()
        var offset = 0
        while offset < Self.pattern.count {
            let end = min(offset + size, Self.pattern.count)
            hash.update(Array(Self.pattern[offset..<end]))
            offset = end
        }
        #expect(hash.finish() == Self.patternDigest)
    }

    @Test func emptyUpdatesChangeNothing() {
        var hash = SHA256()
        hash.update([])
        hash.update(Array(Self.pattern[0..<10]))
        hash.update([])
        hash.update(Array(Self.pattern[10...]))
        hash.update([])
        #expect(hash.finish() == Self.patternDigest)
    }

    @Test func rawBufferUpdatesMatchArrayUpdates() {
        var hash = SHA256()
        Self.pattern.withUnsafeBytes { raw in
            hash.update(UnsafeRawBufferPointer(rebasing: raw[0..<333]))
            hash.update(UnsafeRawBufferPointer(rebasing: raw[333...]))
        }
        #expect(hash.finish() == Self.patternDigest)
    }

    @Test func digestIsLowercaseHex() {
        let hex = digest(Array("abc".utf8))
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func fileScanMatchesInMemoryDigestAcrossChunkBoundaries() throws {
        // Files of sizes around the reader's 64 KB chunk.
        for size in [65_535, 65_536, 65_537, 131_072 + 55] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            let scratch = Scratch()
            #expect(try BackgroundFileHash(path: scratch.file("f.bin", bytes: bytes)).wait() == digest(bytes), "size \(size)")
        }
    }
}
