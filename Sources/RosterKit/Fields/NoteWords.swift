/// Words and phrases that mark a name cell as a note someone typed into it (SPEC 3):
/// "DNU Smith", "Cash Pay", "Test Patient". Matched as whole words, case-insensitively.
/// The one list; add to it here.
enum NoteWords {
    static let phrases: [[String]] = [
        "do not", "dont", "don't", "dnu", "do not use", "cash pay", "self pay", "deceased",
        "test", "unknown", "n/a", "none", "no name", "patient", "null", "duplicate",
        "dummy", "sample", "tbd", "fnu", "lnu", "no first name", "no last name",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Phrases that say the person must not be contacted: the fix is usually to drop the row.
    static let doNotContact: Set<String> = ["do not", "dont", "don't", "dnu", "do not use", "deceased"]

    /// Characters that never appear in a person's name but do in notes.
    static let characters: Set<Character> = ["(", ")", "[", "]", "{", "}", "/", "\\", "#", "@", "!", "?", "*", ":", ";"]
    static let bytes: Set<UInt8> = Set(characters.compactMap { $0.asciiValue })

    /// Every word of every phrase: a name with none of them needs no phrase search.
    static let anyWord: Set<String> = Set(phrases.joined())

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
