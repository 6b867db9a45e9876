import Foundation
import Testing
@testable import RosterKit

/// Free text (SPEC 3): Nickname, Address, Address Line 2, City, Insurance Carrier at most
/// 255 characters; Notes at most 30,000.
@Suite struct FieldsFreeTextTests {
    @Test(arguments: ["Peggy", "12 Main St, Apt 4", "Unit 7", "Nashua", "Harvard Pilgrim", "Blue Cross / Blue Shield #2",
                      "Prefers “text” – no calls after 6pm", "Zoë's (mom)", "李小龙"])
    func textIsKeptAsGiven(text: String) {
        #expect(FreeText.normalise(text) == .accepted(text))
        #expect(FreeText.normalise(text, limit: FreeText.notesLimit) == .accepted(text))
    }

    /// FileMaker's in-cell line break (a vertical tab) is read as a line break; any other
    /// control character still makes the value Invalid.
    @Test func verticalTabsAreLineBreaks() {
        #expect(FreeText.normalise("Call after 5\u{0B}Prefers text", limit: FreeText.notesLimit)
                == .corrected("Call after 5\nPrefers text", kind: .lineBreaks))
        fieldsExpectInvalid(FreeText.normalise("a\u{0B}b\u{0}c"), "a\u{0B}b\u{0}c", "control characters")
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(FreeText.normalise("") == .accepted(nil))
        #expect(FreeText.normalise("", limit: FreeText.notesLimit) == .accepted(nil))
    }

    @Test func limits() {
        #expect(FreeText.defaultLimit == 255)
        #expect(FreeText.notesLimit == 30_000)
    }

    @Test(arguments: ["a", "é", "👍"])
    func defaultLimitIs255Characters(unit: String) {
        let at = String(repeating: unit, count: 255)
        #expect(FreeText.normalise(at) == .accepted(at))
        let over = String(repeating: unit, count: 256)
        fieldsExpectInvalid(FreeText.normalise(over), over, "the limit is 255")
        fieldsExpectInvalid(FreeText.normalise(over), over, "256 characters")
    }

    @Test func notesLimitIs30000Characters() {
        let at = String(repeating: "n", count: 30_000)
        #expect(FreeText.normalise(at, limit: FreeText.notesLimit) == .accepted(at))
        let over = at + "n"
        fieldsExpectInvalid(FreeText.normalise(over, limit: FreeText.notesLimit), over, "the limit is 30000")
        // What Notes may hold is too long for any other field.
        fieldsExpectInvalid(FreeText.normalise(at), at, "the limit is 255")
    }

    /// A limit counts characters as a person does: a decomposed "é" (e and a combining
    /// accent, as macOS writes it) is one (found by an acceptance audit: 255 of them failed
    /// as "510 characters").
    @Test func lengthCountsCharactersAsAPersonDoes() {
        let fits = String(repeating: "e\u{301}", count: 255)
        #expect(FreeText.normalise(fits) == .accepted(fits))
        #expect(!fieldsIsInvalid(PersonName.normalise(fits, required: true)))
        let over = String(repeating: "e\u{301}", count: 256)
        fieldsExpectInvalid(FreeText.normalise(over), over, "is 256 characters long; the limit is 255")
        #expect(fieldsIsInvalid(PersonName.normalise(over, required: true)))
        // A CR LF line break is one character too.
        let lines = String(repeating: "ab\r\n", count: 85)
        #expect(FreeText.normalise(lines) == .accepted(lines))
    }

    @Test(arguments: ["line one\nline two", "line one\r\nline two", "col\tcol", "no\u{A0}break", "¢ and ÿ"])
    func tabsAndLineBreaksAreKept(text: String) {
        #expect(FreeText.normalise(text, limit: FreeText.notesLimit) == .accepted(text))
        #expect(FreeText.normalise(text) == .accepted(text))
    }

    @Test(arguments: ["a\u{0}b", "bell\u{7}", "esc\u{1B}[0m", "del\u{7F}", "\u{1}\u{2}\u{3}",
                      // What bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x9D) read as.
                      "Le\u{81}e", "a\u{8D}", "\u{9D}x", "next\u{85}line"])
    func controlCharactersAreInvalid(text: String) {
        fieldsExpectInvalid(FreeText.normalise(text), text, "control characters")
        fieldsExpectInvalid(FreeText.normalise(text, limit: FreeText.notesLimit), text, "control characters")
    }

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelSmartPunctuationIsKept() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let notes = rows.filter { $0[2] == "cp1252_smart_punctuation" }
        #expect(!notes.isEmpty)
        for row in notes {
            #expect(FreeText.normalise(fieldsTrim(row[3]), limit: FreeText.notesLimit) == .accepted(row[4]), "manifest row \(row[0])")
        }
    }

    /// `Text.length`, `Text.hasForbiddenControl` and `Text.contains` read bytes; each must
    /// answer what its definition over Unicode scalars (or the copied byte arrays) answers,
    /// on generated text: every ASCII byte, control bytes, accents, combining marks, emoji.
    @Test func textHelpersAgreeWithTheirScalarDefinitions() {
        var generator = FieldsTextGenerator(seed: 0x7e47, pieces: ["..", "  ", "ab", "\u{7F}\u{0}", "\u{81}", "\u{A0}\u{9F}", "¢\u{85}"])
        func referenceContains(_ text: String, _ needle: String) -> Bool {
            let haystack = Array(text.utf8), pattern = Array(needle.utf8)
            guard !pattern.isEmpty else { return true }
            guard haystack.count >= pattern.count else { return false }
            return (0...(haystack.count - pattern.count)).contains { haystack[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        }
        for i in 0..<100_000 {
            let text = generator.text(12, asciiOnly: i % 3 == 0)
            let needle = generator.text(2)
            #expect(Text.length(text) == text.unicodeScalars.count, "seed \(generator.seed): \(text.debugDescription)")
            #expect(Text.hasForbiddenControl(text) == Text.fullHasForbiddenControl(text), "seed \(generator.seed): \(text.debugDescription)")
            #expect(Text.contains(text, needle) == referenceContains(text, needle),
                    "seed \(generator.seed): \(text.debugDescription) \(needle.debugDescription)")
        }
    }
}
