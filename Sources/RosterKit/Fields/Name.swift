/// First Name and Last Name (SPEC 3).
public enum PersonName {
    public static func normalise(_ trimmed: String, required: Bool) -> FieldOutcome {
        asciiNormalise(trimmed) ?? fullNormalise(trimmed, required: required)
    }

    /// The rule for a non-empty ASCII name, from its bytes in one pass (most names): the
    /// checks of `fullNormalise` in its order, each answered as it answers it for ASCII.
    /// nil for anything else. `fullNormalise` stays the reference, held to this by
    /// `asciiNameRuleAgreesWithTheFullRule`.
    static func asciiNormalise(_ trimmed: String) -> FieldOutcome? {
        let outcome: FieldOutcome?? = trimmed.utf8.withContiguousStorageIfAvailable { bytes -> FieldOutcome? in
            guard let first = bytes.first, let last = bytes.last else { return nil }
            // White space at an end (a name not trimmed yet) goes as `collapseSpaces` drops it.
            let spaceAtAnEnd = first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D
                || last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D
            var control = false, digit = false, upper = false, lower = false, doubleSpace = false
            var note: UInt8 = 0, previous: UInt8 = 0
            for b in bytes {
                if b >= 0x80 { return nil }
                if b < 0x20 || b == 0x7F {
                    if b != 0x09 && b != 0x0A && b != 0x0D { control = true } else { doubleSpace = true }
                } else if b >= 0x30 && b <= 0x39 {
                    digit = true
                } else if b >= 0x41 && b <= 0x5A {
                    upper = true
                } else if b >= 0x61 && b <= 0x7A {
                    lower = true
                } else if b == 0x20 {
                    if previous == 0x20 { doubleSpace = true }
                } else if note == 0 && NoteWords.isNoteByte(b) {
                    note = b
                }
                previous = b
            }
            if control { return .invalid(controlMessage) }
            // Bytes are scalars here; a CR LF pair is one character.
            if bytes.count > FreeText.defaultLimit && Text.exceeds(trimmed, FreeText.defaultLimit) { return .invalid(tooLongMessage) }
            if digit { return .invalid(digitMessage) }
            if note != 0 { return .invalid(noteCharacterMessage(Character(Unicode.Scalar(note)))) }
            if NoteWords.asciiHasNoteWord(bytes), let phrase = NoteWords.match(in: trimmed) {
                return .invalid(notePhraseMessage(phrase))
            }
            guard doubleSpace || spaceAtAnEnd || upper != lower else { return .accepted(trimmed) }
            var value = Array(bytes)
            var kind: CorrectionKind?
            if doubleSpace || spaceAtAnEnd {
                // As `collapseSpaces`: each run of spaces, tabs and line breaks is one space.
                var collapsed: [UInt8] = []
                collapsed.reserveCapacity(value.count)
                for b in value {
                    let space = b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
                    if !space { collapsed.append(b) } else if let last = collapsed.last, last != 0x20 { collapsed.append(0x20) }
                }
                if collapsed.last == 0x20 { collapsed.removeLast() }
                if collapsed.isEmpty { return nil }   // no name: the full rule says so
                value = collapsed
                kind = .collapsedSpaces
            }
            // Collapsing drops only spaces, so the letters' cases are those counted above; an
            // ASCII name keeps its length when capitalised, so the limit holds.
            if upper != lower, capitaliseASCII(&value) { kind = .capitalised }
            let text = String(decoding: value, as: UTF8.self)
            return kind.map { .corrected(text, kind: $0) } ?? .accepted(text)
        }
        return outcome ?? nil
    }

    static let emptyMessage = "is empty; every contact needs a first name"
    static let controlMessage = "contains control characters (such as NUL bytes); retype the name"
    static let tooLongMessage = "is longer than \(FreeText.defaultLimit) characters; keep only the name and move the rest to Notes"
    static let digitMessage = "contains a digit, so it reads like a note or an EMR code: keep only the name (remove the digits; a note goes in Notes)"
    static func noteCharacterMessage(_ c: Character) -> String {
        "contains \"\(c)\", so it reads like a note; keep only the name and move the rest to Notes"
    }
    static func notePhraseMessage(_ phrase: String) -> String {
        if NoteWords.doNotContact.contains(phrase) {
            return "contains \"\(phrase)\", so it reads like a note that this person should not be contacted: delete the row, or if they should be, put only their name here and the note in Notes"
        }
        return "contains \"\(phrase)\", so it reads like a note, not a name; put the person's name here and the note in Notes"
    }

    /// The whole rule, for any text: the reference `asciiNormalise` answers ASCII names by.
    static func fullNormalise(_ trimmed: String, required: Bool) -> FieldOutcome {
        if trimmed.isEmpty { return required ? .invalid(emptyMessage) : .accepted(nil) }
        if Text.hasForbiddenControl(trimmed) {
            return .invalid(controlMessage)
        }
        if Text.exceeds(trimmed, FreeText.defaultLimit) {
            return .invalid(tooLongMessage)
        }
        let ascii = trimmed.utf8.allSatisfy { $0 < 0x80 }
        if ascii ? trimmed.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) : trimmed.contains(where: { $0.isNumber }) {
            return .invalid(digitMessage)
        }
        if ascii ? trimmed.utf8.contains(where: { NoteWords.bytes.contains($0) }) : true,
           let c = trimmed.first(where: { NoteWords.characters.contains($0) }) {
            return .invalid(noteCharacterMessage(c))
        }
        // A symbol past ASCII (✓, ★, ©, €, an emoji) is a mark someone made, never part of
        // a name; ASCII's own (` for an apostrophe, say) are left as they were.
        if !ascii, let mark = trimmed.unicodeScalars.first(where: { scalar in
            scalar.value >= 0x80 && scalar.value != 0xFFFD   // a byte the reading could not decode: not a mark
                && [.otherSymbol, .mathSymbol, .currencySymbol].contains(scalar.properties.generalCategory)
        }) {
            return .invalid(noteCharacterMessage(Character(mark)))
        }
        if let phrase = NoteWords.match(in: trimmed) {
            return .invalid(notePhraseMessage(phrase))
        }
        var value = trimmed
        var kind: CorrectionKind?
        if let collapsed = collapseSpaces(value) {
            // A name of invisible characters only is no name.
            if collapsed.isEmpty { return required ? .invalid(emptyMessage) : .accepted(nil) }
            value = collapsed
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
            if Text.exceeds(value, FreeText.defaultLimit) {
                return .invalid(tooLongMessage)
            }
        }
        return kind.map { .corrected(value, kind: $0) } ?? .accepted(value)
    }

    /// Whether `capitalised`, a name capitalised from one in a single case, is `stored` but
    /// for the case of its letters (`Mckenzie` for `McKenzie`): the cell lost the stored case.
    static func hasLostCase(_ capitalised: String, of stored: String?) -> Bool {
        guard let stored, stored != capitalised else { return false }
        return stored.lowercased() == capitalised.lowercased()
    }

    /// Characters that show as nothing and are no part of a name: a zero-width space, a
    /// word joiner, a byte order mark, a soft hyphen, and the marks that reorder the text
    /// around them (a right-to-left override in a first name turns the welcome email's
    /// subject line around). Zero-width joiners are kept: some scripts spell with them.
    static func isInvisible(_ v: Unicode.Scalar) -> Bool {
        switch v.value {
        case 0x00AD, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// The name with each run of white space (spaces, tabs, line breaks, no-break and other
    /// Unicode spaces) made one space, and invisible characters dropped; nil when that
    /// changes nothing. SPEC 3: inner runs of spaces collapse, so `Mary  Ann` (two no-break
    /// spaces from a web form) is `Mary Ann`, and matches it as a duplicate would.
    static func collapseSpaces(_ name: String) -> String? {
        var out = String.UnicodeScalarView()
        var changed = false, inSpace = false
        for v in name.unicodeScalars {
            if isInvisible(v) {
                changed = true
            } else if v.properties.isWhitespace {
                if inSpace || v != " " { changed = true }
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(v)
                inSpace = false
            }
        }
        // Dropping an invisible character may leave a space at either end.
        if out.last == " " { out.removeLast(); changed = true }
        if out.first == " " { out.removeFirst(); changed = true }
        return changed ? String(out) : nil
    }

    /// Upper-cases the first letter of each word part (split at spaces, hyphens,
    /// apostrophes and full stops) and lower-cases the rest: `mary-jane o'neil` →
    /// `Mary-Jane O'Neil`, `J.R.` → `J.R.` (initials, not `J.r.`).
    static func capitalise(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(name.utf8)
            capitaliseASCII(&bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        var atPartStart = true
        for character in name {
            if character == " " || character == "-" || character == "'" || character == "\u{2019}" || character == "." {
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

    /// `capitalise` for ASCII, in place; whether it changed a byte.
    @discardableResult
    static func capitaliseASCII(_ bytes: inout [UInt8]) -> Bool {
        var atPartStart = true, changed = false
        for i in bytes.indices {
            let b = bytes[i]
            let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            if b == 0x20 || b == 0x2D || b == 0x27 || b == 0x2E {
                atPartStart = true
            } else if atPartStart {
                if b >= 0x61 && b <= 0x7A { bytes[i] = b - 32; changed = true }
                atPartStart = !isLetter
            } else if b >= 0x41 && b <= 0x5A {
                bytes[i] = b + 32
                changed = true
            }
        }
        return changed
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
