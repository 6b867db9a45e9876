/// Words and phrases that mark a name cell as a note someone typed into it (SPEC 3):
/// "DNU Smith", "Cash Pay", "Test Patient". Matched as whole words, case-insensitively.
/// The one list; add to it here.
enum NoteWords {
    static let phrases: [[String]] = [
        "do not", "dont", "don't", "dnu", "do not use", "cash pay", "self pay", "deceased",
        "test", "unknown", "n/a", "none", "no name", "patient", "null", "duplicate",
        "dummy", "sample", "tbd", "fnu", "lnu", "no first name", "no last name",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Characters that never appear in a person's name but do in notes.
    static let characters: Set<Character> = ["(", ")", "[", "]", "{", "}", "/", "\\", "#", "@", "!", "?", "*", ":", ";"]

    /// The note-like phrase found in `name`, if any.
    static func match(in name: String) -> String? {
        let words = name.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
            .split(whereSeparator: { !($0.isLetter || $0 == "'" || $0 == "/") })
            // Quotes around a word are not part of it: `'Test'` is the word test.
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            .filter { !$0.isEmpty }
        for phrase in phrases where phrase.count <= words.count {
            for start in 0...(words.count - phrase.count)
            where Array(words[start..<(start + phrase.count)]) == phrase {
                return phrase.joined(separator: " ")
            }
        }
        return nil
    }
}

import Foundation
