/// Words and phrases that mark a name cell as a note someone typed into it (SPEC 3):
/// "DNU Smith", "Cash Pay", "Test Patient". Matched as whole words, case-insensitively.
/// The one list; add to it here.
enum NoteWords {
    static let phrases: [[String]] = [
        "do not", "dont", "don't", "dnu", "do not use", "cash pay", "self pay", "deceased",
        "test", "unknown", "n/a", "none", "no name", "patient", "null", "duplicate",
        "dummy", "sample", "tbd", "fnu", "lnu", "no first name", "no last name",
        // A newborn's placeholder until the name is known ("Baby Boy Smith").
        "baby boy", "baby girl",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Whether free text (Notes) says the person died: "Deceased 2019-04-02", "passed away",
    /// "died", as whole words in any case.
    static func saysDeceased(_ text: String) -> Bool {
        let lower = Text.lowercased(text)
        guard Text.contains(lower, "deceased") || Text.contains(lower, "passed away") || Text.contains(lower, "died") else { return false }
        let words = lower.split(whereSeparator: { !$0.isLetter }).map(String.init)
        return words.contains("deceased") || words.contains("died")
            || zip(words, words.dropFirst()).contains { $0 == "passed" && $1 == "away" }
    }

    /// Phrases that say the person must not be contacted: the fix is usually to drop the row.
    static let doNotContact: Set<String> = ["do not", "dont", "don't", "dnu", "do not use", "deceased"]

    /// Characters that never appear in a person's name but do in notes.
    static let characters: Set<Character> = ["(", ")", "[", "]", "{", "}", "/", "\\", "#", "@", "!", "?", "*", ":", ";"]
    static let bytes: Set<UInt8> = Set(characters.compactMap { $0.asciiValue })

    /// `bytes` as a bit mask over ASCII (bit b of the pair): a test per byte, not a hash.
    static let byteMask: (low: UInt64, high: UInt64) = bytes.reduce((0, 0)) { mask, b in
        b < 64 ? (mask.0 | 1 << b, mask.1) : (mask.0, mask.1 | 1 << (b - 64))
    }

    /// Whether `b` is one of `bytes`.
    @inline(__always) static func isNoteByte(_ b: UInt8) -> Bool {
        b < 64 ? byteMask.low & (1 << b) != 0 : b < 128 && byteMask.high & (1 << (b - 64)) != 0
    }

    /// Every word of every phrase: a name with none of them needs no phrase search.
    static let anyWord: Set<String> = Set(phrases.joined())

    /// `anyWord` as bytes, for `asciiHasNoteWord`.
    static let anyWordBytes: [[UInt8]] = anyWord.sorted().map { Array($0.utf8) }

    /// Whether an ASCII name has a word of `anyWord`: `asciiWords(name)` asked without
    /// making the words (an Array of Strings a name, 4 % of an import, for the rare name
    /// that has one). Held to it by `asciiNoteWordCheckAgreesWithTheWords`.
    static func asciiHasNoteWord(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        for end in 0...name.count {
            if end < name.count {
                // The bytes `asciiWords` puts into a word: letters, `/` and `'`.
                let b = name[end]
                if (b | 0x20) &- 0x61 < 26 || b == UInt8(ascii: "/") || b == UInt8(ascii: "'") { continue }
            }
            var first = start, last = end
            while first < last && name[first] == UInt8(ascii: "'") { first += 1 }
            while last > first && name[last - 1] == UInt8(ascii: "'") { last -= 1 }
            if last > first && isNoteWord(UnsafeBufferPointer(rebasing: name[first..<last])) { return true }
            start = end + 1
        }
        return false
    }

    /// Whether `word` (letters of any case, `/`, `'`) lower-cased is in `anyWord`. Or-ing
    /// 0x20 lower-cases a letter and leaves `/` and `'` as they are.
    private static func isNoteWord(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        candidates: for candidate in anyWordBytes where candidate.count == word.count {
            for i in 0..<word.count where word[i] | 0x20 != candidate[i] { continue candidates }
            return true
        }
        return false
    }

    /// The note-like phrase found in `name`, if any.
    static func match(in name: String) -> String? {
        let words = name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiWords(name) : words(name)
        guard words.contains(where: { anyWord.contains($0) }) else { return nil }
        for phrase in phrases where phrase.count <= words.count {
            for start in 0...(words.count - phrase.count)
            where words[start..<(start + phrase.count)].elementsEqual(phrase) {
                return phrase.joined(separator: " ")
            }
        }
        return nil
    }

    /// The lower-cased words of `name`: runs of letters, `/` and apostrophes, without
    /// apostrophes at either end.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        func finish() {
            // Quotes around a word are not part of it: `'Test'` is the word test.
            while current.hasPrefix("'") { current.removeFirst() }
            while current.hasSuffix("'") { current.removeLast() }
            if !current.isEmpty { words.append(current) }
            current = ""
        }
        for character in name.lowercased() {
            if character.isLetter || character == "/" { current.append(character) }
            else if character == "'" || character == "\u{2019}" { current.append("'") }
            else { finish() }
        }
        finish()
        return words
    }

    /// `words` for an ASCII name, from its bytes (the same words: in ASCII a letter is
    /// A–Z or a–z); most names are ASCII, and the Character walk was 5 % of an import.
    static func asciiWords(_ name: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        func finish() {
            var word = current[...]
            while word.first == UInt8(ascii: "'") { word.removeFirst() }
            while word.last == UInt8(ascii: "'") { word.removeLast() }
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(byte | 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "/"), UInt8(ascii: "'"): current.append(byte)
            default: finish()
            }
        }
        finish()
        return words
    }
}

import Foundation
