/// Postal Code (SPEC 3): US ZIP or ZIP+4, Canadian `A1A 1A1`; must fit the country.
public enum PostalCode {
    public static func normalise(_ trimmed: String, country: String?) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        if let compact = asciiCompact(trimmed) {
            return decide(trimmed, compact.text, isDigits: compact.isDigits, isCanadian: compact.isCanadian, country: country)
        }
        return fullNormalise(trimmed, country: country)
    }

    /// A Canadian code's first letter names its province (Canada Post's forward sortation
    /// areas; `testdata/postal` lists each). nil where the code is not Canadian or the
    /// province is not one of those letters' (a US state, or a province not given).
    /// Why a stored code and State disagree is for a person to say: the row is Invalid.
    /// `K1A` is the federal government's area, whose offices sit on both sides of the river
    /// (Ottawa, ON and Gatineau, QC): either province fits it.
    public static func provinceMismatch(code: String, state: String) -> String? {
        let utf8 = Array(code.utf8)
        guard utf8.count == 7, isCanadian(String(code.filter { $0 != " " })),
              let provinces = provincesOfFirstLetter[utf8[0]], Regions.countryOfCode[state] == .ca,
              !provinces.contains(state), !(code.hasPrefix("K1A") && state == "QC") else { return nil }
        let letters = provincesOfFirstLetter.filter { $0.value.contains(state) }.keys.sorted()
            .map { String(UnicodeScalar($0)) }
        return "starts with \(UnicodeScalar(utf8[0])), the letter of \(provinces.joined(separator: " or ")), but State is \(state)"
            + " (whose codes start with \(letters.joined(separator: ", "))): fix the Postal Code or the State"
    }

    /// Canada Post's first letters by province.
    static let provincesOfFirstLetter: [UInt8: [String]] = [
        UInt8(ascii: "A"): ["NL"], UInt8(ascii: "B"): ["NS"], UInt8(ascii: "C"): ["PE"], UInt8(ascii: "E"): ["NB"],
        UInt8(ascii: "G"): ["QC"], UInt8(ascii: "H"): ["QC"], UInt8(ascii: "J"): ["QC"],
        UInt8(ascii: "K"): ["ON"], UInt8(ascii: "L"): ["ON"], UInt8(ascii: "M"): ["ON"], UInt8(ascii: "N"): ["ON"],
        UInt8(ascii: "P"): ["ON"], UInt8(ascii: "R"): ["MB"], UInt8(ascii: "S"): ["SK"], UInt8(ascii: "T"): ["AB"],
        UInt8(ascii: "V"): ["BC"], UInt8(ascii: "X"): ["NT", "NU"], UInt8(ascii: "Y"): ["YT"],
    ]

    /// The whole rule for any text: the reference for `asciiCompact`.
    static func fullNormalise(_ trimmed: String, country: String?) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        let compact = trimmed.uppercased().filter { $0 != " " && $0 != "-" }
        let isDigits = !compact.isEmpty && compact.allSatisfy { $0.isASCII && $0.isNumber }
        return decide(trimmed, compact, isDigits: isDigits, isCanadian: isCanadian(compact), country: country)
    }

    /// What `fullNormalise` makes of a code of ASCII letters, digits, spaces and dashes
    /// (every code in practice), from the bytes: there each Character is one byte, so upper-
    /// casing, dropping spaces and dashes, `isNumber` and `isLetter` are byte tests. The
    /// Character walk was 9 % of the feed's time. nil for any other text. Held to
    /// `fullNormalise` by `asciiPostalCodeAgreesWithTheFullRule`.
    static func asciiCompact(_ trimmed: String) -> (text: String, isDigits: Bool, isCanadian: Bool)? {
        let read: (String, Bool, Bool)?? = trimmed.utf8.withContiguousStorageIfAvailable { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { compact -> (String, Bool, Bool)? in
                var count = 0, allDigits = true, canadianShape = true
                for b in bytes {
                    if b == UInt8(ascii: " ") || b == UInt8(ascii: "-") { continue }
                    let isDigit = b &- 0x30 < 10, isLetter = (b | 0x20) &- 0x61 < 26
                    guard isDigit || isLetter else { return nil }
                    let upper = isLetter ? b & 0xDF : b   // letters upper-cased
                    // A1A 1A1: Canada Post's letters at even places, digits at odd ones.
                    if count < 6 && (count % 2 == 0 ? !isPostalLetter(upper, first: count == 0) : !isDigit) { canadianShape = false }
                    if !isDigit { allDigits = false }
                    compact[count] = upper
                    count += 1
                }
                let text = String(decoding: UnsafeBufferPointer(rebasing: compact[..<count]), as: UTF8.self)
                return (text, count > 0 && allDigits, count == 6 && canadianShape)
            }
        }
        guard let read, let compact = read else { return nil }
        return compact
    }

    /// The decision once the code is compact (upper case, no spaces or dashes).
    private static func decide(_ trimmed: String, _ compact: String, isDigits: Bool, isCanadian: Bool,
                               country: String?) -> FieldOutcome {
        let wantsUS = country == nil || country == Country.us.rawValue
        let wantsCA = country == nil || country == Country.ca.rawValue
        if isDigits && wantsUS {
            switch compact.count {
            case 5 where trimmed == compact: return .accepted(trimmed)
            case 5: return .corrected(compact, kind: .formattedPostalCode)
            case 3, 4:
                // SPEC 3: a spreadsheet dropped the leading zeros of a New England ZIP.
                return .corrected(String(repeating: "0", count: 5 - compact.count) + compact, kind: .paddedPostalCode)
            case 9:
                let value = compact.prefix(5) + "-" + compact.suffix(4)
                return value == trimmed ? .accepted(String(value)) : .corrected(String(value), kind: .formattedPostalCode)
            default: break
            }
            return .invalid("is not a US ZIP code; write 5 digits (03060) or ZIP+4 (03060-1234)")
        }
        if wantsCA, isCanadian {
            let value = compact.prefix(3) + " " + compact.suffix(3)
            return value == trimmed ? .accepted(String(value)) : .corrected(String(value), kind: .formattedPostalCode)
        }
        if country == Country.us.rawValue {
            return .invalid("is not a US ZIP code; write 5 digits (03060) or ZIP+4 (03060-1234)")
        }
        if country == Country.ca.rawValue {
            return .invalid("is not a Canadian postal code; write it as A1A 1A1, in Canada Post's letters (never D, F, I, O, Q or U; W and Z never first)")
        }
        return .invalid("is neither a US ZIP code (03060) nor a Canadian postal code (A1A 1A1)")
    }

    /// `A1A1A1` with Canada Post's letters: D, F, I, O, Q and U never appear (they read
    /// like other letters or digits), and W and Z never start a code.
    static func isCanadian(_ compact: String) -> Bool {
        let chars = Array(compact.utf8)
        guard chars.count == 6 else { return false }
        return chars.enumerated().allSatisfy { i, c in
            i % 2 == 0 ? isPostalLetter(c, first: i == 0) : (c &- 0x30 < 10)
        }
    }

    /// An upper-case letter Canada Post uses at that place.
    static func isPostalLetter(_ c: UInt8, first: Bool) -> Bool {
        guard c &- 0x41 < 26 else { return false }
        if "DFIOQU".utf8.contains(c) { return false }
        return !(first && (c == UInt8(ascii: "W") || c == UInt8(ascii: "Z")))
    }
}
