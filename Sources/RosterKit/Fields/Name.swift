/// First Name and Last Name (SPEC 3).
public enum PersonName {
    public static func normalise(_ trimmed: String, required: Bool) -> FieldOutcome {
        if trimmed.isEmpty {
            return required ? .invalid("is empty; every contact needs a first name") : .accepted(nil)
        }
        if Text.hasForbiddenControl(trimmed) {
            return .invalid("contains control characters (such as NUL bytes); retype the name")
        }
        if Text.length(trimmed) > FreeText.defaultLimit {
            return .invalid("is longer than \(FreeText.defaultLimit) characters; keep only the name and move the rest to Notes")
        }
        let ascii = trimmed.utf8.allSatisfy { $0 < 0x80 }
        if ascii ? trimmed.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) : trimmed.contains(where: { $0.isNumber }) {
            return .invalid("contains a digit, so it reads like a note or an EMR code; keep only the name and move the rest to Notes")
        }
        if ascii ? trimmed.utf8.contains(where: { NoteWords.bytes.contains($0) }) : true,
           let c = trimmed.first(where: { NoteWords.characters.contains($0) }) {
            return .invalid("contains \"\(c)\", so it reads like a note; keep only the name and move the rest to Notes")
        }
        if let phrase = NoteWords.match(in: trimmed) {
            if NoteWords.doNotContact.contains(phrase) {
                return .invalid("contains \"\(phrase)\", so it reads like a note that this person should not be contacted: delete the row, or if they should be, put only their name here and the note in Notes")
            }
            return .invalid("contains \"\(phrase)\", so it reads like a note, not a name; put the person's name here and the note in Notes")
        }
        var value = trimmed
        var kind: CorrectionKind?
        if Text.contains(value, "  ") {
            value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            kind = .collapsedSpaces
        }
        let hasUpper: Bool, hasLower: Bool
        if ascii {
            hasUpper = value.utf8.contains { $0 >= 0x41 && $0 <= 0x5A }
            hasLower = value.utf8.contains { $0 >= 0x61 && $0 <= 0x7A }
        } else {
            let letters = value.filter { $0.isLetter }
            hasUpper = letters.contains { $0.isUppercase }
            hasLower = letters.contains { $0.isLowercase }
        }
        if hasUpper != hasLower {
            let capitalised = capitalise(value)
            if capitalised != value {
                value = capitalised
                kind = .capitalised
            }
            // Lower-casing can lengthen a name (`İ` → `i̇`): what is stored must fit the limit too.
            if Text.length(value) > FreeText.defaultLimit {
                return .invalid("is longer than \(FreeText.defaultLimit) characters; keep only the name and move the rest to Notes")
            }
        }
        return kind.map { .corrected(value, kind: $0) } ?? .accepted(value)
    }

    /// Upper-cases the first letter of each word part (split at spaces, hyphens and
    /// apostrophes) and lower-cases the rest: `mary-jane o'neil` → `Mary-Jane O'Neil`.
    static func capitalise(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(name.utf8)
            var atPartStart = true
            for i in bytes.indices {
                let b = bytes[i]
                let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                if b == 0x20 || b == 0x2D || b == 0x27 {
                    atPartStart = true
                } else if atPartStart {
                    if b >= 0x61 && b <= 0x7A { bytes[i] = b - 32 }
                    atPartStart = !isLetter
                } else if b >= 0x41 && b <= 0x5A {
                    bytes[i] = b + 32
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        var atPartStart = true
        for character in name {
            if character == " " || character == "-" || character == "'" || character == "\u{2019}" {
                result.append(character)
                atPartStart = true
            } else if atPartStart {
                // Title case, not upper case, so that capitalising twice changes nothing
                // (found by fuzzing): `ß` → `Ss`, not `SS` (which reads back as `Ss`);
                // `ǆ` → `ǅ`. A part starts at its first cased letter: `ŉ` → `ʼN`, whose `ʼ`
                // is a letter without case, so `ʼN` must stay `ʼN`.
                result += titlecased(character)
                atPartStart = !character.isCased
            } else {
                result += character.lowercased()
            }
        }
        return result
    }

    /// The title case of a character: its first scalar's, then its marks as they are.
    static func titlecased(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return "" }
        var result = first.properties.titlecaseMapping
        result.unicodeScalars.append(contentsOf: scalars.dropFirst())
        return result
    }
}
