/// Email (SPEC 3): one address of plausible syntax. Stored as given; identity uses it
/// lower-cased. Quoted local parts, comments and IP literals are technically valid
/// (RFC 5322) but never typed by a patient, so they are refused.
public enum Email {
    static let maxLength = 254
    private static let localSpecials = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        if let problem = problem(trimmed) { return .invalid(problem) }
        return .accepted(trimmed)
    }

    /// Letters, digits and signs drawn as others are (full-width `ａ`, `＠`; small and
    /// enclosed forms; mathematical letters): another address that reads the same.
    static let lookAlikeForms: [ClosedRange<UInt32>] = [0xFF00...0xFFEF, 0xFE50...0xFE6F, 0x2460...0x24FF, 0x1D400...0x1D7FF]

    static func isLookAlike(_ scalar: Unicode.Scalar) -> Bool {
        lookAlikeForms.contains { (range: ClosedRange<UInt32>) in range.contains(scalar.value) }
    }

    /// Why `address` is not a plausible email address, or nil.
    static func problem(_ address: String) -> String? {
        isPlainValid(address) ? nil : fullProblem(address)
    }

    /// The whole check, with the reason; `problem` skips it for plain valid addresses.
    static func fullProblem(_ address: String) -> String? {
        if Text.length(address) > maxLength { return "is longer than \(maxLength) characters; enter one address" }
        // `ａｎｎ@example.com` reads as ann@example.com and is another address: a look-alike.
        if !Text.isASCII(address), address.unicodeScalars.contains(where: isLookAlike) {
            return "has full-width or look-alike characters (such as ａ for a, or ＠): retype it in plain letters"
        }
        // `brian.kelly@example,com`: one address, with a comma typed for a dot.
        let at = address.utf8.firstIndex(of: UInt8(ascii: "@"))
        if let at, address.utf8.filter({ $0 == UInt8(ascii: "@") }).count == 1, !address.contains(where: { $0.isWhitespace }),
           address.utf8[at...].contains(UInt8(ascii: ",")), !address.utf8[..<at].contains(UInt8(ascii: ",")) {
            return "has a comma after the @ (as in example,com): a comma typed for a dot? write a dot there"
        }
        // `a@x.com; b@x.com` holds a space too: the two addresses are what to fix.
        if address.utf8.contains(UInt8(ascii: ",")) || address.utf8.contains(UInt8(ascii: ";"))
            || address.utf8.filter({ $0 == UInt8(ascii: "@") }).count > 1 && address.contains(where: { $0.isWhitespace }) {
            return "holds more than one address; keep one (put others in Notes)"
        }
        if address.contains(where: { $0.isWhitespace }) {
            return "contains a space; enter one address such as name@example.com"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return parts.count < 2 ? "has no @; enter an address such as name@example.com"
                                   : "has more than one @; enter one address such as name@example.com"
        }
        let local = parts[0], domain = parts[1]
        // No part limits beyond the whole's 254 (SPEC 3 names that one): RFC 5321's 64 before
        // the @ and 63 per domain label would refuse what SPEC calls plausible.
        guard !local.isEmpty else { return "has nothing before the @" }
        if local.hasPrefix(".") || local.hasSuffix(".") || Text.contains(String(local), "..") {
            return "has a misplaced dot before the @"
        }
        for scalar in local.unicodeScalars where !(isLetterOrDigit(scalar)
                                                   || scalar == "." || localSpecials.contains(scalar)) {
            return "has a character that cannot appear before the @"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "needs a domain with a dot after the @, such as example.com" }
        for label in labels {
            if label.isEmpty { return "has a misplaced dot in the domain" }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "has a domain part that starts or ends with a dash" }
            for scalar in label.unicodeScalars where !(isLetterOrDigit(scalar) || scalar == "-") {
                return "has a character that cannot appear in the domain"
            }
        }
        if let last = labels.last, last.allSatisfy({ $0.isNumber }) {
            return "ends in a number, not a domain such as .com"
        }
        return nil
    }

    /// The common case answered from the bytes: true only for an address that passes every
    /// check of `fullProblem` (which walks Characters and Unicode properties), so that runs
    /// only for an address that is not valid or has a character other than ASCII and the
    /// Latin letters of `latinLetterAt` (`zoë`, `josé`: one address in seven of a
    /// bench list). Scalars are counted for the limits, as `fullProblem` counts them. Held
    /// to it by `fastPathAgreesWithTheFullCheck` and `latinLettersAreLettersToTheFullCheck`.
    static func isPlainValid(_ address: String) -> Bool {
        var address = address
        return address.withUTF8 { bytes -> Bool in
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
            var letters2 = 0   // two-byte Latin letters: scalars are bytes minus these
            var previous: UInt8 = UInt8(ascii: ".")   // a leading dot fails like ".."
            var i = 0
            while i < at {
                let byte = bytes[i]
                if byte == UInt8(ascii: ".") {
                    if previous == UInt8(ascii: ".") { return false }
                } else if byte >= 0x80 {
                    guard latinLetterAt(bytes, i) else { return false }
                    letters2 += 1
                    i += 1
                } else if !isASCIILetterOrDigit(byte) && !asciiLocalSpecial(byte) {
                    return false
                }
                previous = byte
                i += 1
            }
            if previous == UInt8(ascii: ".") { return false }
            let localScalars = at - letters2
            guard localScalars > 0 else { return false }
            // The domain: labels of letters, digits and inner dashes, at least two.
            var labels = 0, labelLength = 0, labelAllDigits = true, labelStart = true
            var last: UInt8 = 0
            i = at + 1
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: ".") {
                    if labelLength == 0 || last == UInt8(ascii: "-") { return false }
                    labels += 1; labelLength = 0; labelAllDigits = true; labelStart = true
                } else if isASCIILetterOrDigit(byte) || byte == UInt8(ascii: "-") || latinLetterAt(bytes, i) {
                    if byte == UInt8(ascii: "-") && labelStart { return false }
                    labelLength += 1
                    if !(byte >= 0x30 && byte <= 0x39) { labelAllDigits = false }
                    labelStart = false
                    if byte >= 0x80 { letters2 += 1; i += 1 }
                } else {
                    return false   // a second @, a space, a comma, other text: the full check says which
                }
                last = byte
                i += 1
            }
            if labelLength == 0 || last == UInt8(ascii: "-") || labelAllDigits { return false }
            return labels + 1 >= 2 && bytes.count - letters2 <= maxLength
        }
    }

    /// Whether the bytes at `i` are a letter of U+00C0–U+024F (Latin-1 and Latin Extended
    /// A and B) other than `×` and `÷`, in UTF-8. Each is Alphabetic, not whitespace, and a
    /// Character of its own beside any other of these or ASCII, so `fullProblem` finds
    /// Characters and scalars one to one there.
    @inline(__always) static func latinLetterAt(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let lead = bytes[i]
        guard lead >= 0xC3 && lead <= 0xC9, i + 1 < bytes.count else { return false }
        let next = bytes[i + 1]
        guard next & 0xC0 == 0x80 else { return false }
        switch lead {
        case 0xC3: return next != 0x97 && next != 0xB7
        case 0xC9: return next <= 0x8F
        default: return true
        }
    }

    @inline(__always) static func isASCIILetterOrDigit(_ v: UInt8) -> Bool {
        (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
    }

    @inline(__always) static func asciiLocalSpecial(_ v: UInt8) -> Bool {
        switch v {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// ASCII answered by range (the common case), anything else by Unicode's Alphabetic.
    @inline(__always) static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }
        // A combining accent is part of its letter: `é` written as e and ◌́ (decomposed form).
        return scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
    }
}
