import Foundation
import Testing
@testable import RosterKit

/// First Name and Last Name (SPEC 3).
@Suite struct FieldsNameTests {
    // MARK: accepted as given

    @Test(arguments: [
        "Mary", "McDonald", "O'Neil", "Mary-Jane", "DeShawn", "van der Berg", "MacKenzie",
        "José", "Zoë", "Núñez", "Renée", "Œdipe", "D’Angelo", "Mary Jane", "St. John", "J.",
        "李", "Nguyễn", "Testa", "Patience", "Nonie", "Donna", "Dunn", "Tess", "Noneman", "Donald",
    ])
    func mixedCaseNameIsKept(name: String) {
        #expect(PersonName.normalise(name, required: true) == .accepted(name))
        #expect(PersonName.normalise(name, required: false) == .accepted(name))
    }

    // MARK: capitalised

    @Test(arguments: [
        ("MARY", "Mary"),
        ("mary", "Mary"),
        ("mary-jane o'neil", "Mary-Jane O'Neil"),
        ("MARY-JANE O'NEIL", "Mary-Jane O'Neil"),
        ("MCDONALD", "Mcdonald"),
        ("o’brien", "O’Brien"),
        ("ZOË", "Zoë"),
        ("josé núñez", "José Núñez"),
        ("ŒDIPE DŒUFF", "Œdipe Dœuff"),
        ("ÉLODIE", "Élodie"),
        ("van der berg", "Van Der Berg"),
        ("st. john", "St. John"),
        ("j.", "J."),
        ("j.r.", "J.R."),
        ("ST.JOHN", "St.John"),
        ("KAREY", "Karey"),
    ])
    func singleCaseNameIsCapitalisedPerWordPart(given: String, stored: String) {
        #expect(PersonName.normalise(given, required: true) == .corrected(stored, kind: .capitalised))
    }

    /// Initials in capitals are capitals per part already: kept, not made `J.r.`.
    @Test func initialsInCapitalsAreKept() {
        #expect(PersonName.normalise("J.R.", required: true) == .accepted("J.R."))
        #expect(PersonName.normalise("A.J.", required: true) == .accepted("A.J."))
        #expect(PersonName.normalise("J.R. SMITH-JONES", required: true) == .corrected("J.R. Smith-Jones", kind: .capitalised))
    }

    @Test func capitalisingIsIdempotent() {
        for given in ["MARY-JANE O'NEIL", "josé núñez", "o’brien"] {
            let once = PersonName.normalise(given, required: true).value ?? ""
            #expect(PersonName.normalise(once, required: true) == .accepted(once))
        }
    }

    // MARK: spaces

    @Test(arguments: [
        ("Mary  Jane", "Mary Jane"),
        ("Mary     Jane   Smith", "Mary Jane Smith"),
        ("De  La Cruz", "De La Cruz"),
        // Any white space, as a web form or a spreadsheet leaves it (found by an acceptance audit).
        ("Mary\u{A0}\u{A0}Ann", "Mary Ann"),
        ("Mary\u{A0}Ann", "Mary Ann"),
        ("Ann\tMarie", "Ann Marie"),
        ("Ann\nMarie", "Ann Marie"),
        ("Ann \r\n Marie", "Ann Marie"),
        ("Zoë\u{2003}Ann", "Zoë Ann"),
        ("\u{200B}Ann", "Ann"),
        ("An\u{AD}na Lee\u{FEFF}", "Anna Lee"),
        ("Ann \u{200B} Lee", "Ann Lee"),
        // Marks that reorder the text around them (a robustness audit's right-to-left override).
        ("Carol\u{202E}", "Carol"),
        ("\u{200F}Ann\u{2066}", "Ann"),
    ])
    func innerRunsOfSpacesCollapse(given: String, stored: String) {
        #expect(PersonName.normalise(given, required: true) == .corrected(stored, kind: .collapsedSpaces))
    }

    @Test func collapsedAndCapitalisedReportsCapitalised() {
        // Both changes happen; the one kind reported is the last applied.
        #expect(PersonName.normalise("MARY  JANE", required: true) == .corrected("Mary Jane", kind: .capitalised))
    }

    /// Zero-width joiners spell some scripts: kept. A name of invisible characters is none.
    @Test func joinersStayAndInvisibleOnlyIsEmpty() {
        #expect(PersonName.normalise("\u{0645}\u{200C}\u{0627}", required: true) == .accepted("\u{0645}\u{200C}\u{0627}"))
        #expect(PersonName.normalise("\u{200B}\u{FEFF}", required: true) == .invalid(PersonName.emptyMessage))
        #expect(PersonName.normalise("\u{200B}", required: false) == .accepted(nil))
    }

    // MARK: required / empty

    @Test func emptyFirstNameIsInvalid() {
        fieldsExpectInvalid(PersonName.normalise("", required: true), "", "first name", echoCheck: false)
    }

    @Test func emptyLastNameIsAccepted() {
        #expect(PersonName.normalise("", required: false) == .accepted(nil))
    }

    // MARK: note-like names are Invalid

    @Test(arguments: ["Milo271", "José Eduardo181", "Mary 2", "Room 4B", "3rd", "Ann½"])
    func nameWithDigitIsInvalid(name: String) {
        fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "digit")
        fieldsExpectInvalid(PersonName.normalise(name, required: false), name, "Notes")
    }

    @Test(arguments: ["(", ")", "[", "]", "{", "}", "/", "\\", "#", "@", "!", "?", "*", ":", ";"])
    func nameWithNoteCharacterIsInvalid(character: String) {
        for name in ["Mary \(character)", "\(character)Mary", "Ma\(character)ry Smith"] {
            fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "reads like a note")
            fieldsExpectInvalid(PersonName.normalise(name, required: false), name, "Notes")
        }
    }

    @Test(arguments: [
        // SPEC 3's list, as whole words or phrases, in any case and position.
        ("Do Not Call", "do not"), ("Mary DO NOT TEXT", "do not"), ("Do-Not", "do not"),
        ("DNU Smith", "dnu"), ("Smith dnu", "dnu"),
        ("Don't Use", "don't"), ("Don’t Email", "don't"), ("Dont Call", "dont"),
        ("Cash Pay", "cash pay"), ("Mary Cash Pay", "cash pay"),
        ("Deceased", "deceased"), ("John Deceased", "deceased"),
        ("Test", "test"), ("Test Patient", "test"), ("Mary Test", "test"), ("Test-Smith", "test"),
        ("Unknown", "unknown"), ("UNKNOWN", "unknown"),
        ("None", "none"), ("NONE", "none"),
        ("No Name", "no name"), ("Mary No Name", "no name"),
        ("Patient", "patient"), ("New Patient Mary", "patient"),
        // More of the one list (NoteWords).
        ("Self Pay", "self pay"), ("Duplicate Mary", "duplicate"), ("Null", "null"),
        ("Dummy", "dummy"), ("Sample", "sample"), ("TBD", "tbd"), ("FNU", "fnu"), ("LNU", "lnu"),
        ("Baby Boy", "baby boy"), ("BABY GIRL", "baby girl"), ("Baby Girl Smith", "baby girl"),
        // Quoted note words are still words.
        ("Mary \"Test\" Smith", "test"), ("Mary 'Test' Smith", "test"), ("'Deceased'", "deceased"),
    ])
    func nameWithNoteWordIsInvalid(name: String, phrase: String) {
        fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "reads like a note")
        fieldsExpectInvalid(PersonName.normalise(name, required: false), name, "Notes")
        #expect(NoteWords.match(in: name) == phrase)
    }

    @Test(arguments: ["N/A", "n/a", "Mary N/A"])
    func notApplicableIsInvalid(name: String) {
        // `/` alone makes it a note; "n/a" is in the word list as well.
        fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "note")
        #expect(NoteWords.match(in: name) == "n/a")
    }

    @Test(arguments: [
        // Note words only count as whole words: these are names.
        "Testa", "Tester", "Contest", "Patience", "Patients", "Nonie", "Noneman", "Donnot", "Dnuo",
        "Don", "Dona", "Donte", "Cash", "Pay", "Payne", "Cashman", "O'Neil", "Known", "Unknownson",
        "Do", "Not", "Nott", "Deceasedo", "Tate", "Sampler", "Dummyn",
    ])
    func wordInsideANameIsNotANote(name: String) {
        #expect(NoteWords.match(in: name) == nil)
        #expect(!fieldsIsInvalid(PersonName.normalise(name, required: true)))
    }

    @Test(arguments: [".", "-", "'", "Smith, Mary", "Mary & John"])
    func punctuationOutsideTheListIsKept(name: String) {
        // SPEC 3 lists the note characters; others are kept as given (current behaviour).
        #expect(PersonName.normalise(name, required: true) == .accepted(name))
    }

    @Test func noteWordListHoldsTheSpecWords() {
        let phrases = Set(NoteWords.phrases.map { $0.joined(separator: " ") })
        for word in ["do not", "dnu", "don't", "cash pay", "deceased", "test", "unknown", "n/a", "none", "no name", "patient"] {
            #expect(phrases.contains(word), "SPEC 3 note word \(word) missing from NoteWords")
        }
        #expect(NoteWords.characters == Set("()[]{}/\\#@!?*:;"))
    }

    // MARK: length and control characters

    @Test func nameOf255CharactersIsAcceptedAnd256IsInvalid() {
        let ok = "M" + String(repeating: "a", count: 254)
        #expect(PersonName.normalise(ok, required: true) == .accepted(ok))
        let long = ok + "a"
        fieldsExpectInvalid(PersonName.normalise(long, required: true), long, "255")
    }

    @Test(arguments: ["Ma\u{0}ry", "Mary\u{7}", "Ma\u{1B}ry", "Mary\u{7F}"])
    func controlCharactersAreInvalid(name: String) {
        fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "control characters")
    }

    // MARK: the messy Excel file's first names

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelCapsAndPaddingAreRepaired() throws {
        let (header, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        #expect(header == ["row", "column", "kind", "written", "intended"])
        let names = rows.filter { $0[2] == "caps_and_padding" }
        #expect(names.count >= 10)
        for row in names {
            let outcome = PersonName.normalise(fieldsTrim(row[3]), required: true)
            #expect(outcome == .corrected(row[4], kind: .capitalised), "manifest row \(row[0])")
        }
    }

    /// The byte path for ASCII names finds exactly the words the Character walk finds, on
    /// 100,000 generated names built from note words, name parts, apostrophes and marks.
    @Test func asciiWordsAgreeWithTheCharacterWalk() {
        let pieces = NoteWords.anyWord.sorted() + ["Mary", "O'Neil", "'", "''", "/", "DNU", "Test", "N/A", "x", " ", "  ", "-", ".",
                                                   ",", "(", "&", "'Test'", "Do", "NOT", "use", "Jo-Ann", "d'", "\t"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let name = (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                .joined(separator: Bool.random(using: &rng) ? " " : "")
            #expect(NoteWords.asciiWords(name) == NoteWords.words(name), "\(name)")
        }
    }

    /// Identity keys are lower-cased by `Text.lowercased`, which must be `lowercased()`
    /// exactly: on every ASCII byte, and on generated mixes with accents, `İ`, `ß` and emoji.
    @Test func textLowercasedIsExactlyLowercased() {
        for byte in UInt8(0)..<0x80 {
            let s = String(UnicodeScalar(byte)) + "Ab" + String(UnicodeScalar(byte))
            #expect(Text.lowercased(s) == s.lowercased())
        }
        // Every scalar of the alphabets names are written in (Latin, Greek, Cyrillic, …).
        for value in UInt32(0x80)..<0x2C00 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let s = "A" + String(scalar) + "b"
            #expect(Array(Text.lowercased(s).utf8) == Array(s.lowercased().utf8), "U+\(String(value, radix: 16))")
        }
        let pieces = ["MARY", "mary", "O'Neil", "@Example.COM", "Zoë", "ZOË", "İstanbul", "STRASSE", "Straße", "🙂", " ", "", "ǅ", "ΣΑΣ", "1-2",
                      "Ω", "Ｗ", "𐐀", "e\u{301}", "E\u{301}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let s = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(Text.lowercased(s) == s.lowercased(), "\(s)")
            #expect(Array(Text.lowercased(s).utf8) == Array(s.lowercased().utf8), "\(s)")
        }
    }

    /// The one-pass rule for ASCII names must answer exactly what the full rule answers:
    /// generated names of note words, name parts, every ASCII byte and runs of spaces, some
    /// of them around the 255-character limit; anything not ASCII must go to the full rule.
    @Test func asciiNameRuleAgreesWithTheFullRule() {
        let parts = ["Mary", "MARY", "mary", "O'Neil", "o'NEIL", "Jo-Ann", "JO-ANN", "McDonald", "d'", " ", "  ", "   ", "-", "'", "''",
                     "'Test'", "Do Not", "DO NOT USE", "n/a", "No Name", "Cash Pay", "x", "\t", "\r\n"]
        var generator = FieldsTextGenerator(seed: 0x4e41_4d45, pieces: NoteWords.anyWord.sorted() + parts + parts)
        for i in 0..<150_000 {
            var name = generator.text(8, asciiOnly: i % 4 != 0)
            if i % 100 == 0 { name = String(repeating: generator.pick(["a", "A", "a b", "ab"]), count: 125 + i / 100 % 10) + name }
            let full = PersonName.fullNormalise(name, required: true)
            let fast = PersonName.asciiNormalise(name)
            // White space only is no name: the full rule answers, as it does for an empty one.
            let noName = name.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            if !noName && name.utf8.allSatisfy({ $0 < 0x80 }) {
                #expect(fast == full, "seed \(generator.seed): \(name.debugDescription)")
            } else {
                #expect(fast == nil, "seed \(generator.seed): \(name.debugDescription) is not ASCII, or no name")
            }
            #expect(PersonName.normalise(name, required: true) == full, "seed \(generator.seed): \(name.debugDescription)")
            #expect(PersonName.normalise(name, required: false) == PersonName.fullNormalise(name, required: false))
        }
    }

    /// Whether an ASCII name has a note word, asked from its bytes, is what its words say.
    @Test func asciiNoteWordCheckAgreesWithTheWords() {
        let parts = ["Mary", "O'Neil", "'", "''", "/", "DNU", "Test", "N/A", "don't", "DON'T", "'dont'", "x", "Dummyn", "Nonie"]
        var generator = FieldsTextGenerator(seed: 0x0057_0bd5, pieces: NoteWords.anyWord.sorted() + parts + parts)
        for _ in 0..<100_000 {
            var name = generator.text(6, asciiOnly: true)
            let fast = name.withUTF8 { NoteWords.asciiHasNoteWord($0) }
            #expect(fast == NoteWords.asciiWords(name).contains(where: NoteWords.anyWord.contains), "seed \(generator.seed): \(name.debugDescription)")
            if !fast { #expect(NoteWords.match(in: name) == nil, "seed \(generator.seed): \(name.debugDescription)") }
        }
    }
}

/// Notes that say the person died, as EMR exports write it, and notes that do not.
@Suite struct DeceasedNotesTests {
    @Test(arguments: ["Deceased 2019-04-02 (per EMR export)", "DECEASED", "pt deceased", "Passed away in May", "died 2020", "Died."])
    func notesThatSayThePersonDied(_ notes: String) { #expect(NoteWords.saysDeceased(notes)) }

    @Test(arguments: ["Studied at UNH", "Prefers mornings", "Dies Irae choir", "passed the away game", "Bodied well", ""])
    func notesThatDoNot(_ notes: String) { #expect(!NoteWords.saysDeceased(notes)) }
}

/// A symbol past ASCII in a name is a mark someone made (✓ for "called", ★ for a VIP).
@Suite struct NameSymbolTests {
    @Test(arguments: ["Ann ✓", "★ Mary", "Bo 😀", "José ©", "Ann ±", "Mary €"])
    func aSymbolReadsLikeANote(_ name: String) {
        fieldsExpectInvalid(PersonName.normalise(name, required: true), name, "reads like a note", echoCheck: false)
    }

    @Test(arguments: ["Zoë", "Ōtani", "O’Brien", "Ñúñez", "Łukasz", "김민준", "Jean-Luc", "D`Angelo"])
    func lettersAndMarksOfNamesAreKept(_ name: String) {
        if case .invalid(let message) = PersonName.normalise(name, required: true) { Issue.record("\(name): \(message)") }
    }
}
