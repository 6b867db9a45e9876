/// Postal Code (SPEC 3): US ZIP or ZIP+4, Canadian `A1A 1A1`; must fit the country.
public enum PostalCode {
    public static func normalise(_ trimmed: String, country: String?) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        if let compact = asciiCompact(trimmed) {
            return decide(trimmed, compact.text, isDigits: compact.isDigits, isCanadian: compact.isCanadian, country: country)
        }
        return fullNormalise(trimmed, country: country)
    }

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
                    // A1A 1A1: letters at even places, digits at odd ones.
                    if count < 6 && (count % 2 == 0 ? !isLetter : !isDigit) { canadianShape = false }
                    if !isDigit { allDigits = false }
                    compact[count] = isLetter ? b & 0xDF : b   // letters upper-cased
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
            return .invalid("is not a Canadian postal code; write it as A1A 1A1")
        }
        return .invalid("is neither a US ZIP code (03060) nor a Canadian postal code (A1A 1A1)")
    }

    private static func isCanadian(_ compact: String) -> Bool {
        let chars = Array(compact)
        guard chars.count == 6, chars.allSatisfy(\.isASCII) else { return false }
        return chars.enumerated().allSatisfy { i, c in i % 2 == 0 ? c.isLetter : c.isNumber }
    }
}
