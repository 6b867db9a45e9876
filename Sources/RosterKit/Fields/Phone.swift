/// Phone (Mobile) and Home Phone (SPEC 3): US/Canada (NANP) numbers, stored E.164.
public enum Phone {
    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        switch parse(trimmed) {
        case .success(let e164): return .accepted(e164)
        case .failure(let problem): return .invalid(problem.message)
        }
    }

    public struct Problem: Error, Equatable {
        public let message: String
    }

    /// `+1NXXNXXXXXX` from any common US/CA spelling, or why not.
    public static func parse(_ text: String) -> Result<String, Problem> {
        if let fast = fastPath(text) { return .success(fast) }
        return fullParse(text)
    }

    /// The countries that share +1 with the US and Canada (NANPA's list), by area code: a
    /// number there has the right shape but is another country's (SPEC 3: other countries
    /// are Invalid). US territories (Puerto Rico, the Virgin Islands, Guam, the Northern
    /// Marianas, American Samoa) are the US, and stay valid.
    static let otherNANPCountries: [Int: String] = [
        242: "the Bahamas", 246: "Barbados", 264: "Anguilla", 268: "Antigua and Barbuda",
        284: "the British Virgin Islands", 345: "the Cayman Islands", 441: "Bermuda", 473: "Grenada",
        649: "the Turks and Caicos Islands", 658: "Jamaica", 664: "Montserrat", 721: "Sint Maarten",
        758: "Saint Lucia", 767: "Dominica", 784: "Saint Vincent and the Grenadines",
        809: "the Dominican Republic", 829: "the Dominican Republic", 849: "the Dominican Republic",
        868: "Trinidad and Tobago", 869: "Saint Kitts and Nevis", 876: "Jamaica",
    ]

    /// An area code's three digits (each 0...9) as a number.
    static func areaCode(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int { Int(a) * 100 + Int(b) * 10 + Int(c) }

    /// The whole rule for any text: the reference `fastPath` is held to.
    static func fullParse(_ text: String) -> Result<String, Problem> {
        let upper = text.uppercased()
        if isScientificNotation(upper) {
            return .failure(Problem(message: "was turned into a number by a spreadsheet (scientific notation); format the column as text, retype the number and export again"))
        }
        if upper.utf8.contains(UInt8(ascii: "X")) || upper.utf8.contains(UInt8(ascii: "#")) {
            return .failure(Problem(message: "has an extension; enter the 10-digit number without it (an extension can go in Notes)"))
        }
        var digits: [UInt8] = []
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value) - 48)
            case " ", "(", ")", "-", ".", "\u{2013}", "\u{2011}", "\u{00A0}": continue
            case "+" where offset == 0: continue
            default:
                return .failure(Problem(message: "has characters that are not part of a phone number; enter 10 digits such as (603) 555-0123"))
            }
        }
        if text.hasPrefix("+") {
            // `+1 603…`, `+ 1 603…`: the country code, then ten digits.
            guard text.unicodeScalars.dropFirst().first(where: { $0 != " " && $0 != "\u{00A0}" }) == "1" else {
                return .failure(Problem(message: "is not a US or Canada number; only +1 numbers can be stored"))
            }
            digits.removeFirst()
            guard digits.count == 10 else {
                return .failure(Problem(message: "has \(digits.count) digits after +1; a US or Canada number has 10 there, such as +1 (603) 555-0123"))
            }
        } else if digits.count == 11 && digits[0] == 1 {
            digits.removeFirst()
        }
        guard digits.count == 10 else {
            return .failure(Problem(message: "has \(digits.count) digits; a US or Canada number has 10, such as (603) 555-0123"))
        }
        guard digits[0] >= 2 else {
            return .failure(Problem(message: "has an area code starting with \(digits[0]); US and Canada area codes start with 2 to 9"))
        }
        guard digits[3] >= 2 else {
            return .failure(Problem(message: "has an exchange (digits 4 to 6) starting with \(digits[3]); it must start with 2 to 9"))
        }
        let npa = areaCode(digits[0], digits[1], digits[2])
        if let country = otherNANPCountries[npa] {
            return .failure(Problem(message: "is a number in \(country) (area code \(npa)); only US and Canada numbers can be stored"))
        }
        return .success("+1" + String(decoding: digits.map { $0 + 48 }, as: UTF8.self))
    }

    /// The common case on bytes alone: an ASCII number that is valid as written. In place
    /// over the bytes into a buffer on the stack (the enumerated walk and the Array it
    /// grew were 2,000 instructions a phone). Answers only what `fullParse` answers, held
    /// to it by `fastPathAgreesWithTheFullParse`.
    static func fastPath(_ text: String) -> String? {
        let read: String?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { out -> String? in
                out[0] = UInt8(ascii: "+")
                var n = 1   // "+", then the digits
                for i in 0..<bytes.count {
                    let b = bytes[i]
                    switch b {
                    case 0x30...0x39:
                        guard n < 12 else { return nil }   // more than 11 digits
                        out[n] = b
                        n += 1
                    case 0x20, 0x28, 0x29, 0x2D, 0x2E: continue
                    case 0x2B where i == 0: continue
                    default: return nil
                    }
                }
                if n == 11 {   // ten digits: the country code goes in front
                    for i in stride(from: 11, to: 1, by: -1) { out[i] = out[i - 1] }
                    out[1] = UInt8(ascii: "1")
                    n = 12
                }
                guard n == 12, out[1] == UInt8(ascii: "1"), out[2] >= UInt8(ascii: "2"), out[5] >= UInt8(ascii: "2") else { return nil }
                guard otherNANPCountries[areaCode(out[2] - 0x30, out[3] - 0x30, out[4] - 0x30)] == nil else { return nil }
                if bytes[0] == UInt8(ascii: "+"), !(bytes.count >= 2 && bytes[1] == UInt8(ascii: "1")) { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: out[0..<12]), as: UTF8.self)
            }
        }
        return read ?? nil
    }

    /// What a spreadsheet shows for a long number: `6.04E+09`, `6,04E+09`, `6E9`. Only the
    /// whole cell counts, so `603.555.0123 ext. 4` is an extension, not a mangled number.
    static func isScientificNotation(_ upper: String) -> Bool {
        let parts = upper.split(separator: "E", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let mantissa = parts[0]
        var exponent = parts[1][...]
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        guard !exponent.isEmpty, exponent.allSatisfy(isDigit), mantissa.contains(where: isDigit),
              mantissa.allSatisfy({ isDigit($0) || $0 == "." || $0 == "," }),
              mantissa.filter({ $0 == "." || $0 == "," }).count <= 1 else { return false }
        return true
    }

    /// `national` of a stored phone's bytes, appended to `out` (export).
    static func appendNational(_ e164: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Stored phones are ASCII (E.164); anything else takes the String path, so that
        // both agree on every value.
        guard !e164.contains(where: { $0 >= 0x80 }) else {
            out.append(contentsOf: national(String(decoding: e164, as: UTF8.self)).utf8)
            return
        }
        var digits = 0
        for byte in e164 where byte >= 48 && byte <= 57 { digits += 1 }
        let plusOne = e164.count >= 2 && e164[0] == UInt8(ascii: "+") && e164[1] == UInt8(ascii: "1")
        guard digits - (plusOne && digits > 0 ? 1 : 0) == 10 else {
            out.append(contentsOf: e164)
            return
        }
        var skip = plusOne ? 1 : 0
        var written = 0
        for byte in e164 where byte >= 48 && byte <= 57 {
            if skip > 0 { skip -= 1; continue }
            switch written {
            case 0: out.append(UInt8(ascii: "("))
            case 3: out.append(UInt8(ascii: ")")); out.append(UInt8(ascii: " "))
            case 6: out.append(UInt8(ascii: "-"))
            default: break
            }
            out.append(byte)
            written += 1
        }
    }

    /// `(603) 555-0123` from a stored `+16035550123`; a spreadsheet keeps that as text.
    public static func national(_ e164: String) -> String {
        // From the bytes into one 14-byte string: the Substring slicing and interpolation
        // this replaced were 15 % of an export.
        var digits: [UInt8] = []
        digits.reserveCapacity(11)
        for byte in e164.utf8 where byte >= 48 && byte <= 57 { digits.append(byte) }
        if e164.hasPrefix("+1") && !digits.isEmpty { digits.removeFirst() }
        guard digits.count == 10 else { return e164 }
        return String(unsafeUninitializedCapacity: 14) { out in
            out[0] = UInt8(ascii: "(")
            for i in 0..<3 { out[1 + i] = digits[i] }
            out[4] = UInt8(ascii: ")"); out[5] = UInt8(ascii: " ")
            for i in 0..<3 { out[6 + i] = digits[3 + i] }
            out[9] = UInt8(ascii: "-")
            for i in 0..<4 { out[10 + i] = digits[6 + i] }
            return 14
        }
    }
}
