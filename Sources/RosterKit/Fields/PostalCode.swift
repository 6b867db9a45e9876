/// Postal Code (SPEC 3): US ZIP or ZIP+4, Canadian `A1A 1A1`; must fit the country.
public enum PostalCode {
    public static func normalise(_ trimmed: String, country: String?) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        let compact = trimmed.uppercased().filter { $0 != " " && $0 != "-" }
        let isDigits = !compact.isEmpty && compact.allSatisfy { $0.isASCII && $0.isNumber }
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
        if wantsCA, isCanadian(compact) {
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
