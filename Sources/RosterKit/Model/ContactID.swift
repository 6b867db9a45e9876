/// The opaque Contact ID people see, e.g. `C7KM29PXQ4`.
///
/// Why this shape: the database numbers contacts with an AUTOINCREMENT key (never reused,
/// and append-only in its index, which keeps imports fast). People get that number
/// permuted with a per-database key (a 40-bit Feistel network), so IDs reveal neither
/// order nor counts, spelled in Crockford base32 with a check symbol, so a mistyped ID in
/// an edited spreadsheet is refused instead of updating someone else. The leading `C`
/// stops spreadsheets from reading an ID as a number.
public struct ContactIDCodec: Sendable {
    private let roundKeys: [UInt64]
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let bits = 40
    private static let halfMask: UInt64 = (1 << 20) - 1

    public init(key: UInt64) {
        var state = key
        roundKeys = (0..<4).map { _ in ContactIDCodec.splitMix(&state) }
    }

    /// The largest internal number an ID can carry (about 10^12 contacts).
    public static let maxNumber: Int64 = (1 << 40) - 1

    public func encode(_ number: Int64) -> String {
        let permuted = permute(UInt64(number))
        var symbols: [Int] = []
        for shift in stride(from: 35, through: 0, by: -5) {
            symbols.append(Int((permuted >> UInt64(shift)) & 31))
        }
        symbols.append(Self.check(symbols))
        return "C" + String(decoding: symbols.map { Self.alphabet[$0] }, as: UTF8.self)
    }

    /// The internal number, or nil for anything that is not a well-formed ID of this
    /// database's shape (a typo fails the check symbol).
    public func decode(_ text: String) -> Int64? {
        // ASCII, as an ID typed or pasted almost always is, is upper-cased byte by byte (a
        // merge decodes an ID a row, and String's Unicode upper-casing was a twentieth of
        // it); other text as before, so "ı" or "ſ" still read as their capitals.
        text.utf8.allSatisfy { $0 < 0x80 } ? decode(bytes: text.utf8) : decode(bytes: text.uppercased().utf8)
    }

    /// The full path, for any text: what `decode` does with text that is not ASCII.
    func decodeUppercasingFully(_ text: String) -> Int64? { decode(bytes: text.uppercased().utf8) }

    private static let symbolOfASCII: [Int8] = (0..<128).map { byte in
        var c = UInt8(byte)
        if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { c -= 32 }
        if c == UInt8(ascii: "O") { c = UInt8(ascii: "0") }
        if c == UInt8(ascii: "I") || c == UInt8(ascii: "L") { c = UInt8(ascii: "1") }
        return alphabet.firstIndex(of: c).map(Int8.init) ?? -1
    }

    /// `C`, eight symbols and the check symbol, dashes and spaces anywhere; ASCII letters in
    /// either case, O read as 0 and I or L as 1.
    private func decode(bytes: some Sequence<UInt8>) -> Int64? {
        var count = 0, sum = 0
        var permuted: UInt64 = 0
        var check = -1
        for byte in bytes where byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
            if count == 0 {
                guard byte == UInt8(ascii: "C") || byte == UInt8(ascii: "c") else { return nil }
            } else {
                guard byte < 0x80, Self.symbolOfASCII[Int(byte)] >= 0, count <= 9 else { return nil }
                let symbol = Int(Self.symbolOfASCII[Int(byte)])
                if count <= 8 {
                    permuted = (permuted << 5) | UInt64(symbol)
                    sum += symbol * (2 * (count - 1) + 1)
                } else {
                    check = symbol
                }
            }
            count += 1
        }
        guard count == 10, sum % 32 == check else { return nil }
        let number = unpermute(permuted)
        return number > 0 ? Int64(number) : nil
    }

    private static func check(_ symbols: [Int]) -> Int {
        var sum = 0
        for (i, s) in symbols.enumerated() { sum += s * (2 * i + 1) }
        return sum % 32
    }

    private func round(_ half: UInt64, _ key: UInt64) -> UInt64 {
        var state = half ^ key
        return Self.splitMix(&state) & Self.halfMask
    }

    private func permute(_ value: UInt64) -> UInt64 {
        var left = (value >> 20) & Self.halfMask, right = value & Self.halfMask
        for key in roundKeys {
            (left, right) = (right, left ^ round(right, key))
        }
        return (left << 20) | right
    }

    private func unpermute(_ value: UInt64) -> UInt64 {
        var left = (value >> 20) & Self.halfMask, right = value & Self.halfMask
        for key in roundKeys.reversed() {
            (left, right) = (right ^ round(left, key), left)
        }
        return (left << 20) | right
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
