/// What a field rule made of one raw cell (SPEC 3): a small pure function's answer.
public enum FieldOutcome: Equatable, Sendable {
    /// Kept as given (after trimming, which the caller reports); nil when empty.
    case accepted(String?)
    /// Changed to a value the tool is sure of; `kind` names the change for the readout.
    case corrected(String?, kind: CorrectionKind)
    /// Cannot be stored; `reason` says what to fix, without echoing the value.
    case invalid(String)

    public var value: String? {
        switch self {
        case .accepted(let v), .corrected(let v, _): v
        case .invalid: nil
        }
    }
}

/// The kinds of correction, so the readout can group them ("capitalised 41 names").
public enum CorrectionKind: String, Sendable, Codable, CaseIterable {
    case trimmed = "trimmed spaces"
    case textMark = "removed a spreadsheet's text mark (') before =, +, - or @"
    case capitalised = "capitalised names"
    case collapsedSpaces = "collapsed spaces in names"
    case paddedPostalCode = "restored leading zeros of ZIP codes"
    case formattedPostalCode = "formatted postal codes"
    case spelledOutSex = "spelled out sex"
    case stateCode = "wrote states as their codes"
    case countryCode = "wrote countries as their codes"
    case phaseName = "wrote phases by their names"
    case homePhoneAsPhone = "used home phones as Phone (Mobile)"
    case defaultCountry = "filled empty countries with --default-country"
    case lineBreaks = "wrote vertical tabs (FileMaker's line breaks in a cell) as line breaks"
}

/// Helpers every rule shares. All values are trimmed (SPEC 3).
enum Text {
    /// Whether every byte is ASCII, over the bytes at once where the storage allows: the
    /// rules that look for non-ASCII text ask it of nearly every cell.
    static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Pure Swift (Foundation's bridging trim cost a quarter of an import's time).
    static func trim(_ raw: String) -> String {
        let utf8 = raw.utf8
        guard let first = utf8.first, let last = utf8.last else { return raw }
        // Fast path: nothing to trim when both ends are plain visible ASCII.
        if first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F { return raw }
        let scalars = raw.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    /// A name's or an email's identity key (SPEC 4 matches them case-insensitively):
    /// lower-cased, with a typographic apostrophe (’ ‘ ʼ, what spreadsheets type) read as ',
    /// in Unicode's composed form, so that `José` typed as e and a combining accent (as macOS
    /// may save it) is the same name as `José`. ASCII, nearly every value, is only lowered.
    static func identityKey(_ s: String) -> String {
        let lowered = lowercased(s)
        if isASCII(lowered) { return lowered }
        var scalars = String.UnicodeScalarView()
        for scalar in lowered.unicodeScalars {
            scalars.append(apostrophes.contains(scalar.value) ? "'" : scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    /// An email's identity key: lower-cased and composed, as a name's, but with every
    /// character kept: in an address `ʼ` is a letter, and `oʼbrien@` is not `o'brien@`.
    static func emailKey(_ s: String) -> String {
        let lowered = lowercased(s)
        return isASCII(lowered) ? lowered : lowered.precomposedStringWithCanonicalMapping
    }

    static let apostrophes: Set<UInt32> = [0x2019, 0x2018, 0x02BC]

    /// `s.lowercased()`, without a new string when `s` is ASCII with no capital letter (an
    /// email, usually) and from the bytes when it is ASCII: identity keys are lower-cased
    /// several times a row, and `lowercased()` was 5 % of an import.
    static func lowercased(_ s: String) -> String {
        let ascii: String?? = s.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var capitals = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte &- 0x41 < 26 { capitals = true }
            }
            guard capitals else { return s }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                for i in 0..<bytes.count { out[i] = bytes[i] &- 0x41 < 26 ? bytes[i] | 0x20 : bytes[i] }
                return bytes.count
            }
        }
        if let ascii, let lowered = ascii { return lowered }
        // What `lowercased()` does (each scalar's lowercase mapping), written as UTF-8 bytes:
        // ASCII and Latin-1 capitals without a lookup, scalars that do not change copied.
        // (Appending to a String.UnicodeScalarView cost some 400 instructions a scalar.)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 4)
        for scalar in s.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                out.append(byte &- 0x41 < 26 ? byte | 0x20 : byte)
            } else if (0xC0...0xD6).contains(value) || (0xD8...0xDE).contains(value) {
                UTF8.encode(Unicode.Scalar(value + 0x20)!) { out.append($0) }
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            } else {
                UTF8.encode(scalar) { out.append($0) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` contains `needle`, compared byte for byte (no Foundation). In place
    /// over the strings' bytes: the two Arrays this copied into were a tenth of a name's cost.
    static func contains(_ text: String, _ needle: String) -> Bool {
        let inPlace: Bool?? = text.utf8.withContiguousStorageIfAvailable { haystack in
            needle.utf8.withContiguousStorageIfAvailable { pattern in contains(haystack, pattern) }
        }
        if let inPlace, let found = inPlace { return found }
        return Array(text.utf8).withUnsafeBufferPointer { haystack in
            Array(needle.utf8).withUnsafeBufferPointer { pattern in contains(haystack, pattern) }
        }
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return pattern.isEmpty }
        let first = pattern[0]
        for start in 0...(haystack.count - pattern.count) where haystack[start] == first {
            var i = 1
            while i < pattern.count && haystack[start + i] == pattern[i] { i += 1 }
            if i == pattern.count { return true }
        }
        return false
    }

    /// Control characters other than tab and line breaks are never stored: they are
    /// what binary garbage and NUL bytes look like once decoded, and (U+0080–U+009F) what
    /// a byte Windows-1252 leaves undefined reads as, in a file that was not Windows-1252.
    /// Read from the bytes: in UTF-8 a byte below 0x80 is always an ASCII scalar of its own,
    /// and U+0080–U+009F are 0xC2 then 0x80–0x9F, so this is exactly
    /// `fullHasForbiddenControl` (held to it by `textHelpersAgreeWithTheirScalarDefinitions`).
    static func hasForbiddenControl(_ s: String) -> Bool {
        var afterC2 = false
        for b in s.utf8 {
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F || (afterC2 && b < 0xA0) { return true }
            afterC2 = b == 0xC2
        }
        return false
    }

    /// The definition `hasForbiddenControl` answers from the bytes.
    static func fullHasForbiddenControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { v in
            (v.value < 0x20 && v.value != 0x09 && v.value != 0x0A && v.value != 0x0D) || (0x7F...0x9F).contains(v.value)
        }
    }

    /// The number of Unicode scalars (what the limits count): the bytes that start a
    /// scalar, i.e. all but UTF-8 continuation bytes. Walking the scalar view to count them
    /// was 3 % of an import.
    static func length(_ s: String) -> Int {
        let fromBytes: Int? = s.utf8.withContiguousStorageIfAvailable { bytes in
            var continuations = 0
            for byte in bytes where byte & 0xC0 == 0x80 { continuations += 1 }
            return bytes.count - continuations
        }
        return fromBytes ?? s.unicodeScalars.count
    }

    /// Whether `s` is longer than `limit` characters as a person counts them: `é` written
    /// as `e` and a combining accent is one. Scalars are counted first (a character holds
    /// one or more), so the slower count runs only for text near or past the limit.
    static func exceeds(_ s: String, _ limit: Int) -> Bool {
        length(s) > limit && s.count > limit
    }
}

/// Free text (Nickname, Address, Address Line 2, City, Insurance Carrier, Notes).
public enum FreeText {
    public static let defaultLimit = 255
    public static let notesLimit = 30_000

    public static func normalise(_ trimmed: String, limit: Int = defaultLimit) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        if Text.hasForbiddenControl(trimmed) {
            // FileMaker (and Excel for Mac) exports write a line break inside a cell as a
            // vertical tab: it is read as the line break it stands for, a correction.
            let breaks = String(String.UnicodeScalarView(trimmed.unicodeScalars.map { $0 == "\u{0B}" ? "\n" : $0 }))
            guard breaks != trimmed, !Text.hasForbiddenControl(breaks) else {
                return .invalid("contains control characters (such as NUL bytes); retype the value or re-export the file")
            }
            if Text.exceeds(breaks, limit) { return .invalid("is \(breaks.count) characters long; the limit is \(limit)") }
            return .corrected(breaks, kind: .lineBreaks)
        }
        if Text.exceeds(trimmed, limit) {
            return .invalid("is \(trimmed.count) characters long; the limit is \(limit)")
        }
        return .accepted(trimmed)
    }
}

import Foundation
