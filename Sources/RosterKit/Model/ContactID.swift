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
        var chars = Array(text.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard chars.count == 10, chars.removeFirst() == UInt8(ascii: "C") else { return nil }
        var symbols: [Int] = []
        for c in chars {
            var c = c
            if c == UInt8(ascii: "O") { c = UInt8(ascii: "0") }
            if c == UInt8(ascii: "I") || c == UInt8(ascii: "L") { c = UInt8(ascii: "1") }
            guard let index = Self.alphabet.firstIndex(of: c) else { return nil }
            symbols.append(index)
        }
        let check = symbols.removeLast()
        guard Self.check(symbols) == check else { return nil }
        let permuted = symbols.reduce(UInt64(0)) { ($0 << 5) | UInt64($1) }
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
