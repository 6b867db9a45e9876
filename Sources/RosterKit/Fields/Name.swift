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
        if trimmed.contains(where: { $0.isNumber }) {
            return .invalid("contains a digit, so it reads like a note or an EMR code; keep only the name and move the rest to Notes")
        }
        if let c = trimmed.first(where: { NoteWords.characters.contains($0) }) {
            return .invalid("contains \"\(c)\", so it reads like a note; keep only the name and move the rest to Notes")
        }
        if let phrase = NoteWords.match(in: trimmed) {
            return .invalid("contains \"\(phrase)\", so it reads like a note, not a name; put the person's name here and the note in Notes")
        }
        var value = trimmed
        var kind: CorrectionKind?
        if Text.contains(value, "  ") {
            value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            kind = .collapsedSpaces
        }
        let letters = value.filter { $0.isLetter }
        let hasUpper = letters.contains { $0.isUppercase }
        let hasLower = letters.contains { $0.isLowercase }
        if hasUpper != hasLower {
            let capitalised = capitalise(value)
            if capitalised != value {
                value = capitalised
                kind = .capitalised
            }
        }
        return kind.map { .corrected(value, kind: $0) } ?? .accepted(value)
    }

    /// Upper-cases the first letter of each word part (split at spaces, hyphens and
    /// apostrophes) and lower-cases the rest: `mary-jane o'neil` → `Mary-Jane O'Neil`.
    static func capitalise(_ name: String) -> String {
        var result = ""
        var atPartStart = true
        for character in name {
            if character == " " || character == "-" || character == "'" || character == "\u{2019}" {
                result.append(character)
                atPartStart = true
            } else if atPartStart {
                result += character.uppercased()
                atPartStart = !character.isLetter
            } else {
                result += character.lowercased()
            }
        }
        return result
    }
}
