import Foundation
import Testing
@testable import RosterKit

@Suite struct CSVEncodingTests {
    /// UTF-8 seen through Windows-1252 ("Ã©" for é, "â€™" for ’, "ðŸ˜€" for 😀) is caught;
    /// accented names, Windows-1252's own punctuation and other scripts are not.
    @Test func textDecodedTwiceIsRecognised() {
        let names = ["Renée", "José", "Juárez", "O’Brien", "Zoë", "Müller", "Łukasz", "Ñúñez", "SÃO PAULO", "Â", "à la", "Ünal",
                     "ß", "Ðorðe", "Øyvind", "Ærø", "naïve café", "Ōtani", "김민준", "Straße 5", "“quoted”", "—", "€5 co-pay",
                     "Дмитрий", "Олена ґ", "שרה", "محمد", "Ștefan", "Nguyễn Thị Lưu", "Νίκος", "Kaʻiulani", "Lǚ", "Jose\u{301}"]
        for name in names {
            #expect(!MixedEncoding.looksDecodedTwice(name), "\(name)")
            // The same name's UTF-8 bytes read as Windows-1252 is caught, when it had any
            // byte past ASCII.
            let seen = String(String.UnicodeScalarView(Array(name.utf8).map { b in
                Unicode.Scalar(b < 0x80 ? UInt32(b) : b < 0xA0 ? Transcoder.cp1252[Int(b) - 0x80] : UInt32(b))!
            }))
            #expect(MixedEncoding.looksDecodedTwice(seen) == name.utf8.contains { $0 >= 0x80 }, "\(seen)")
        }
        #expect(MixedEncoding.looksDecodedTwice("ðŸ˜€ smile"))
        #expect(!MixedEncoding.looksDecodedTwice("Ã"))   // a lead letter at the end, alone
        // Capitals and ß before Windows-1252's punctuation, as written (a hostile-input audit).
        for text in ["RENÉ’S MOTHER CALLED", "Nickname «RENÉ»", "Said „Spaß“", "CAFÉ» ", "AQUÍ”", "LLAMÓ”", "MÜ’s", "ÉTÉ…"] {
            #expect(!MixedEncoding.looksDecodedTwice(text), "\(text)")
        }
    }

    /// No name, city or address in the third-party files reads as decoded twice.
    @Test(.enabled(if: testdataAvailable, "needs ../shared/testdata"))
    func noRealValueLooksDecodedTwice() throws {
        for file in ["synthea_template_clean.csv", "synthea/patients_synthea_sample_apr2020.csv", "synthea/patients_dbt_synthea.csv"] {
            guard let path = testdata(file) else { continue }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for line in text.split(separator: "\n") {
                for cell in line.split(separator: ",") { #expect(!MixedEncoding.looksDecodedTwice(String(cell)), "\(file): \(cell)") }
            }
        }
    }

    // MARK: detection

    @Test func plainUTF8() throws {
        let scratch = Scratch()
        let fingerprint = try FileFingerprint.scan(path: scratch.file("a.csv", "First Name\nJosé\n"))
        #expect(fingerprint.encoding == .utf8)
        #expect(fingerprint.byteCount == 17)
    }

    @Test func asciiIsUTF8() throws {
        let scratch = Scratch()
        #expect(try FileFingerprint.scan(path: scratch.file("a.csv", "a,b\n1,2\n")).encoding == .utf8)
    }

    @Test func utf8WithBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("First Name,Email\nZoë,z@example.com\n".utf8)
        let scratch = Scratch()
        let path = scratch.file("bom.csv", bytes: bytes)
        #expect(try FileFingerprint.scan(path: path).encoding == .utf8BOM)
        let records = try csvRead(path)
        #expect(records[0].fields == ["First Name", "Email"])
        #expect(records[0].fields[0].unicodeScalars.first != "\u{FEFF}")
        #expect(records[1].fields == ["Zoë", "z@example.com"])
    }

    @Test func utf8BOMFollowedByWindows1252IsReadAsWindows1252() throws {
        // A BOM, then "José" and smart quotes saved as Windows-1252: not UTF-8 after all.
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("First Name,Notes\r\nJos".utf8) + [0xE9, 0x2C, 0x93, 0x68, 0x69, 0x94, 0x0D, 0x0A]
        let scratch = Scratch()
        let path = scratch.file("mixed.csv", bytes: bytes)
        #expect(try FileFingerprint.scan(path: path).encoding == .windows1252)
        let records = try csvRead(path)
        #expect(csvFields(records) == [["First Name", "Notes"], ["José", "“hi”"]])
    }

    @Test func windows1252WithoutBOMKeepsItsFirstBytes() throws {
        // Only a real UTF-8 BOM is dropped: "ï»" alone (EF BB) is text.
        let bytes: [UInt8] = [0xEF, 0xBB] + Array("x,y\n".utf8) + [0xE9, 0x0A]
        let records = try csvRead(bytes: bytes)
        #expect(records[0].fields == ["ï»x", "y"])
        #expect(records[1].fields == ["é"])
    }

    @Test func onlyABOM() throws {
        for bom: [UInt8] in [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF]] {
            let scratch = Scratch()
            let path = scratch.file("bom.csv", bytes: bom)
            #expect(try FileFingerprint.scan(path: path).byteCount == bom.count)
            #expect(try csvRead(path).isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func utf16WithBOM(_ bigEndian: Bool) throws {
        let text = "First Name,Notes\r\nJosé,\"two\nlines 😀\"\r\n李,“quoted”\r\n"
        let bytes = bigEndian ? CSVBytes.utf16BE(text) : CSVBytes.utf16LE(text)
        let scratch = Scratch()
        let path = scratch.file("u16.csv", bytes: bytes)
        #expect(try FileFingerprint.scan(path: path).encoding == (bigEndian ? .utf16BE : .utf16LE))
        let records = try csvRead(path)
        #expect(csvFields(records) == [["First Name", "Notes"], ["José", "two\nlines 😀"], ["李", "“quoted”"]])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test func windows1252Fallback() throws {
        // “Renée” – Ça in Windows-1252: not valid UTF-8.
        let bytes: [UInt8] = Array("Notes\n".utf8) + [0x93, 0x52, 0x65, 0x6E, 0xE9, 0x65, 0x94, 0x20, 0x96, 0x20, 0xC7, 0x61, 0x0A]
        let scratch = Scratch()
        let path = scratch.file("cp.csv", bytes: bytes)
        #expect(try FileFingerprint.scan(path: path).encoding == .windows1252)
        let records = try csvRead(path)
        #expect(records[1].fields == ["“Renée” – Ça"])
    }

    @Test func windows1252HighHalfMapping() throws {
        // Every byte 0x80–0xFF, one to a row.
        let expected: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ] + (0xA0...0xFF).map { UInt32($0) }
        var bytes: [UInt8] = []
        for b in 0x80...0xFF { bytes += [UInt8(b), 0x0A] }
        let records = try csvRead(bytes: bytes)
        #expect(records.count == 128)
        #expect(records.map { $0.fields[0].unicodeScalars.map(\.value) } == expected.map { [$0] })
    }

    @Test func windows1252KeepsASCIIAndStructure() throws {
        let bytes: [UInt8] = Array("First Name,City\r\n".utf8) + [0x4A, 0x6F, 0x73, 0xE9] + Array(",\"Montr".utf8) + [0xE9] + Array("al, QC\"\r\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(csvFields(records) == [["First Name", "City"], ["José", "Montréal, QC"]])
    }

    @Test(arguments: [
        [0xC0, 0x80],             // overlong NUL
        [0xE0, 0x80, 0xAF],       // overlong slash
        [0xED, 0xA0, 0x80],       // a UTF-16 surrogate encoded in UTF-8
        [0xF4, 0x90, 0x80, 0x80], // beyond U+10FFFF
        [0xF8, 0x88, 0x80, 0x80], // five-byte form
        [0xC3, 0x28],             // lead byte without continuation
        [0x80],                   // lone continuation
    ] as [[UInt8]])
    func invalidUTF8IsReadAsWindows1252(_ bad: [UInt8]) throws {
        let scratch = Scratch()
        let path = scratch.file("bad.csv", bytes: Array("a\n".utf8) + bad + Array("\nz\n".utf8))
        #expect(try FileFingerprint.scan(path: path).encoding == .windows1252)
        let records = try csvRead(path)
        #expect(records.last?.fields == ["z"])
    }

    @Test func validFourByteUTF8() throws {
        let scratch = Scratch()
        #expect(try FileFingerprint.scan(path: scratch.file("e.csv", "a\n😀𝄞\n")).encoding == .utf8)
    }

    @Test(arguments: [
        [0xC3],             // é cut after its first byte
        [0xE2, 0x82],       // € cut after two of three
        [0xF0, 0x9F, 0x98], // 😀 cut after three of four
    ] as [[UInt8]])
    func truncatedUTF8AtTheEnd(_ tail: [UInt8]) throws {
        let scratch = Scratch()
        let plain = scratch.file("t.csv", bytes: Array("First Name\nJosé\nCaf".utf8) + tail)
        #expect(throws: FileError.truncatedCharacter) { try FileFingerprint.scan(path: plain) }
        let bom = scratch.file("tb.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("First Name\nCaf".utf8) + tail)
        #expect(throws: FileError.truncatedCharacter) { try FileFingerprint.scan(path: bom) }
    }

    @Test func utf8CharacterAcrossAChunkBoundaryIsValid() throws {
        // é (C3 A9) straddling byte 65,536, where the scan's first chunk ends.
        let bytes = Array("h\n".utf8) + [UInt8](repeating: 0x61, count: 65_533) + [0xC3, 0xA9] + Array("\n".utf8)
        let scratch = Scratch()
        let path = scratch.file("edge.csv", bytes: bytes)
        #expect(try FileFingerprint.scan(path: path).encoding == .utf8)
        let records = try csvRead(path)
        #expect(records[1].fields[0].hasSuffix("aé"))
        #expect(records[1].fields[0].unicodeScalars.count == 65_534)
    }

    // MARK: bad UTF-16

    @Test(arguments: [false, true])
    func oddLengthUTF16IsAnError(_ bigEndian: Bool) throws {
        let bytes = (bigEndian ? CSVBytes.utf16BE("a,b\n1,2\n") : CSVBytes.utf16LE("a,b\n1,2\n")) + [0x33]
        let scratch = Scratch()
        let path = scratch.file("odd.csv", bytes: bytes)
        let error = csvThrownError { try csvRead(path) }
        #expect(error as? FileError == .truncatedCharacter)
    }

    @Test func loneLowSurrogateIsAnError() throws {
        let bytes = CSVBytes.utf16LE("a\nb\n") + [0x00, 0xDC] + CSVBytes.utf16LE("x\n", bom: false)
        #expect(throws: FileError.invalidUTF16(row: 3)) { try csvRead(bytes: bytes) }
    }

    @Test(arguments: [false, true])
    func highSurrogateFollowedByANonSurrogateIsAnError(_ bigEndian: Bool) throws {
        let bytes = bigEndian
            ? CSVBytes.utf16BE("a\n") + [0xD8, 0x3D] + CSVBytes.utf16BE("x\n", bom: false)
            : CSVBytes.utf16LE("a\n") + [0x3D, 0xD8] + CSVBytes.utf16LE("x\n", bom: false)
        #expect(throws: FileError.invalidUTF16(row: 2)) { try csvRead(bytes: bytes) }
    }

    @Test func highSurrogateAtTheEndIsAnError() throws {
        let bytes = CSVBytes.utf16LE("a\nb") + [0x3D, 0xD8]
        let error = csvThrownError { try csvRead(bytes: bytes) }
        #expect(error is FileError)
    }

    @Test(arguments: [false, true])
    func surrogatePairAcrossAChunkBoundary(_ bigEndian: Bool) throws {
        // BOM (2 bytes) + "h\n" + x… puts 😀's high surrogate at bytes 65,534–65,535.
        let text = "h\n" + String(repeating: "x", count: 32_764) + "😀\n"
        let bytes = bigEndian ? CSVBytes.utf16BE(text) : CSVBytes.utf16LE(text)
        let records = try csvRead(bytes: bytes)
        #expect(records.count == 2)
        #expect(records[1].fields == [String(repeating: "x", count: 32_764) + "😀"])
    }

    @Test func invalidUTF16MessageNamesTheRow() {
        #expect(FileError.invalidUTF16(row: 12).description.contains("row 12"))
    }

    // MARK: the fingerprint

    @Test func emptyFileIsRefused() throws {
        let scratch = Scratch()
        let path = scratch.file("empty.csv", bytes: [])
        #expect(throws: FileError.empty) { try FileFingerprint.scan(path: path) }
        #expect(throws: FileError.empty) { try CSVReader(path: path) }
    }

    @Test func missingFileAndFolderAreCannotRead() throws {
        let scratch = Scratch()
        for path in [scratch.path("nope.csv"), scratch.url.path] {
            let error = csvThrownError { try FileFingerprint.scan(path: path) }
            guard case .cannotRead? = error as? FileError else {
                Issue.record("\(path): expected cannotRead, got \(String(describing: error))"); continue
            }
        }
        // The message says what to do, not only what went wrong.
        let missing = String(describing: csvThrownError { try FileFingerprint.scan(path: scratch.path("nope.csv")) } ?? FileError.empty)
        #expect(missing.contains("there is no such file. Check the name and the folder"))
        #expect(String(describing: csvThrownError { try FileFingerprint.scan(path: scratch.url.path) } ?? FileError.empty)
            .contains("it is a folder, not a file"))
    }

    @Test func fingerprintHashesTheRawBytes() throws {
        let scratch = Scratch()
        let abc = scratch.file("abc.csv", "abc")
        #expect(try BackgroundFileHash(path: abc).wait() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try FileFingerprint.scan(path: abc).byteCount == 3)
        // The hash covers the BOM and the bytes as written, not the decoded text.
        let u16 = CSVBytes.utf16LE("abc")
        let path = scratch.file("u16.csv", bytes: u16)
        var hash = SHA256()
        hash.update(u16)
        #expect(try BackgroundFileHash(path: path).wait() == hash.finish())
        #expect(try FileFingerprint.scan(path: path).byteCount == 8)
    }

    @Test func fingerprintOfAMultiChunkFile() throws {
        var generator = CSVSeededGenerator(seed: 99)
        let bytes = (0..<200_001).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let scratch = Scratch()
        let path = scratch.file("r.bin", bytes: bytes)
        var hash = SHA256()
        hash.update(bytes)
        #expect(try BackgroundFileHash(path: path).wait() == hash.finish())
        #expect(try FileFingerprint.scan(path: path).byteCount == 200_001)
    }

    @Test func hashOfAMissingFileIsAnError() {
        #expect(throws: FileError.self) { try BackgroundFileHash(path: "/nonexistent/roster/list.csv").wait() }
    }

    // MARK: the validator on its own

    @Test func validatorAcrossArbitrarySplits() {
        let text = Array("José 😀 € 𝄞 ü".utf8)
        for split in 0...text.count {
            var validator = UTF8Validator()
            text[..<split].withUnsafeBytes { validator.feed($0) }
            text[split...].withUnsafeBytes { validator.feed($0) }
            #expect(validator.isValid, "split at \(split)")
        }
    }

    /// The validator reads runs of ASCII eight bytes at a time: on generated text, mostly
    /// ASCII with multi-byte and broken sequences at any offset, fed in pieces of any size,
    /// it agrees with the standard library.
    @Test func validatorAgreesWithTheStandardLibrary() {
        var generator = CSVSeededGenerator(seed: 7)
        let pieces: [[UInt8]] = [Array("é".utf8), Array("€".utf8), Array("😀".utf8), [0xC0, 0xAF], [0xED, 0xA0, 0x80],
                                 [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xFF]]
        for round in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    bytes += pieces.randomElement(using: &generator)!.prefix(round % 3 == 0 ? 1 : 4)
                } else {
                    bytes.append(UInt8.random(in: 0x20...0x7E, using: &generator))
                }
            }
            var validator = UTF8Validator()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...20, using: &generator))
                bytes[start..<end].withUnsafeBytes { validator.feed($0) }
                start = end
            }
            #expect(validator.isValid == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    @Test func validatorTellsTruncationFromError() {
        var cut = UTF8Validator()
        ([0x61, 0xE2, 0x82] as [UInt8]).withUnsafeBytes { cut.feed($0) }
        #expect(!cut.isValid && cut.failedOnlyAtEnd)

        var broken = UTF8Validator()
        ([0xE2, 0x28, 0xA1] as [UInt8]).withUnsafeBytes { broken.feed($0) }
        #expect(!broken.isValid && !broken.failedOnlyAtEnd)
    }

    @Test func fileErrorMessagesSayWhatToDo() {
        let messages = [FileError.empty, .truncatedCharacter, .invalidUTF16(row: 3), .unbalancedQuote(row: 3),
                        .tooManyColumns(count: 200_001, limit: 200_000), .cannotRead(path: "x.csv", reason: "No such file")]
            .map(\.description)
        #expect(messages.allSatisfy { $0.count > 20 })
        #expect(messages[4].contains("200000") || messages[4].contains("200,000"))
        #expect(messages[5].contains("x.csv"))
    }

    /// Workbooks, PDFs and binary data are told from text by their first bytes; text in any
    /// of the encodings read (UTF-16 included, whose NULs are normal) is not flagged.
    @Test func binaryFilesAreToldFromText() {
        #expect(binaryFormat([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]) == .some("a spreadsheet workbook (.xlsx, .ods) or another ZIP file"))
        #expect(binaryFormat([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]) == .some("an old Excel workbook (.xls)"))
        #expect(binaryFormat(Array("%PDF-1.4".utf8)) == .some("a PDF document"))
        #expect(binaryFormat([0x00, 0x01, 0x02, 0x03] + Array("abc".utf8)) == .some(nil))
        let text = "First Name,Email\r\nZoë,zoe@example.com\r\n\"a\tb\",c\n"
        #expect(binaryFormat(Array(text.utf8)) == nil)
        #expect(binaryFormat([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == nil)
        // Without its byte order mark, UTF-16 is named as such (either byte order).
        let noMark = "First Name,Email\r\nMary,mary@example.com\r\n"
        #expect(binaryFormat(noMark.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == .some("UTF-16 text without the byte order mark that says how to read it"))
        #expect(binaryFormat(noMark.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) == .some("UTF-16 text without the byte order mark that says how to read it"))
        #expect(binaryFormat(Array(("Mary,x\u{0}y," + String(repeating: "z", count: 60)).utf8)) == nil, "a stray NUL is a cell's problem")
    }

    /// A cell is the stored value with lost letters only where each difference is a letter
    /// Windows-1252 lacks, written `?` (`??` for an emoji) or bare, or any letter as U+FFFD.
    @Test func aLossyCopyIsTheStoredValueWithOnlyLostLetters() {
        #expect(LostCharacters.isLossyCopy("?ukasz", of: "Łukasz", windows1252: true))
        #expect(LostCharacters.isLossyCopy("12 ?ód? St", of: "12 Łódź St", windows1252: true))
        #expect(LostCharacters.isLossyCopy("after 5pm ??", of: "after 5pm 😊", windows1252: true))
        #expect(LostCharacters.isLossyCopy("after 5pm ?", of: "after 5pm 😊", windows1252: true))
        #expect(LostCharacters.isLossyCopy("Krakow", of: "Kraków", windows1252: true) == false)   // ó is Windows-1252's
        #expect(LostCharacters.isLossyCopy("Wisniewski", of: "Wiśniewski", windows1252: true))      // best fit
        #expect(LostCharacters.isLossyCopy("Lodz", of: "Łódź", windows1252: true) == false)          // ó was writable
        #expect(LostCharacters.isLossyCopy("Lódz", of: "Łódź", windows1252: true))                   // Ł has no decomposition
        #expect(LostCharacters.isLossyCopy("\u{FFFD}ngela", of: "Ángela", windows1252: false))
        #expect(LostCharacters.isLossyCopy("?ukasz", of: "Łukasz", windows1252: false))             // a lossy save re-saved as UTF-8
        #expect(!LostCharacters.isLossyCopy("Lukasz", of: "Łukasz", windows1252: false))             // in UTF-8 a bare letter may be meant
        #expect(!LostCharacters.isLossyCopy("Jos?", of: "José", windows1252: false))                  // é survives Windows-1252: typed
        #expect(!LostCharacters.isLossyCopy("Łukasz", of: "Łukasz", windows1252: true))
        #expect(!LostCharacters.isLossyCopy("?ukasz!", of: "Łukasz", windows1252: true))
        #expect(!LostCharacters.isLossyCopy("?ukas", of: "Łukasz", windows1252: true))
        #expect(!LostCharacters.isLossyCopy("call me?", of: "call me!", windows1252: true))
        #expect(!LostCharacters.isLossyCopy("Jos?", of: "José", windows1252: true))                 // é was writable: an edit
        #expect(LostCharacters.hasReplacement("Jo\u{FFFD}o") && !LostCharacters.hasReplacement("João") && !LostCharacters.hasReplacement("Jo?o"))
    }
}
