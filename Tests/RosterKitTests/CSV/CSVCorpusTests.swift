import Foundation
import Testing
@testable import RosterKit

/// Third-party CSV suites read in place from ../shared/testdata (see its SOURCES.md).
@Suite(.enabled(if: testdataAvailable, "../shared/testdata is not there: corpus tests skipped"))
struct CSVCorpusTests {
    // MARK: csv-spectrum: each csvs/X.csv reads as json/X.json says

    static let spectrum = ["comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines",
                           "newlines_crlf", "quotes_and_newlines", "simple", "simple_crlf", "utf8"]

    @Test(arguments: spectrum)
    func csvSpectrum(_ name: String) throws {
        let csvPath = try #require(testdata("csv-spectrum/csvs/\(name).csv"))
        let jsonPath = try #require(testdata("csv-spectrum/json/\(name).json"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        let expected = try #require(json as? [[String: String]])

        let records = try csvRead(csvPath)
        let header = try #require(records.first).fields
        let rows = records.dropFirst().filter { !$0.isBlank }
        #expect(rows.count == expected.count)
        for (record, object) in zip(rows, expected) {
            #expect(record.fields.count == header.count, "row \(record.row)")
            let read = Dictionary(uniqueKeysWithValues: zip(header, record.fields))
            #expect(read == object, "row \(record.row)")
            // Compare bytes too: String equality would accept "\r\n" for "\n" only if equal bytes.
            for (key, value) in object { #expect(Array(read[key, default: ""].utf8) == Array(value.utf8)) }
        }
        // Rows are numbered 1, 2, 3… even where a cell holds a line break.
        #expect(records.map(\.row) == Array(1...records.count))
    }

    @Test func csvSpectrumLineEnds() throws {
        let crlf = try #require(testdata("csv-spectrum/csvs/newlines_crlf.csv"))
        let lf = try #require(testdata("csv-spectrum/csvs/newlines.csv"))
        let crlfRecords = try csvRead(crlf), lfRecords = try csvRead(lf)
        #expect(crlfRecords.map(\.row) == [1, 2, 3, 4])
        #expect(lfRecords.map(\.row) == [1, 2, 3, 4])
        #expect(crlfRecords[2].fields[0] == "Once upon \r\na time")
        #expect(lfRecords[2].fields[0] == "Once upon \na time")
        #expect(crlfRecords[3].fields == ["7", "8", "9"])
    }

    // MARK: csv-parser fixtures

    static let parserFixtures: [(String, [[String]])] = [
        ("basic", [["a", "b", "c"], ["1", "2", "3"]]),
        ("bad-data", [["", "somejunk", "<! />"], ["", "nope", ""], ["yes", "yup", "yeah"], ["ok", "ok", "ok!"]]),
        ("comma-in-quote", [["first", "last", "address", "city", "zip"], ["John", "Doe", "120 any st.", "Anytown, WW", "08123"]]),
        ("comment", [["# comment"], ["a", "b", "c"], ["1", "2", "3"]]),
        ("empty-columns", [["2007-01-01", "", ""], ["2007-01-02", "", ""]]),
        ("escape-quotes", [["a", "b"], ["1", "ha \"ha\" ha"], ["2", "\"\""], ["3", "4"]]),
        ("headers", [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]),
        ("newlines", [["a", "b", "c"], ["1", "2", "3"], ["Once upon \na time", "5", "6"], ["7", "8", "9"]]),
        ("no-headers", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9", "10"]]),
        ("option-newline", [["a", "b", "cX1", "2", "3X\"X-Men\"", "5", "6X7", "8", "9"]]),
        ("quotes+newlines", [["a", "b"], ["1", "ha \n\"ha\" \nha"], ["2", " \n\"\" \n"], ["3", "4"]]),
        ("backtick", [["pokemon_id`p_desc"], ["1`Bulbasaur can be seen napping"], ["2`There is a bud on this"]]),
        ("bench-utf8", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "ʤ"]]),
        ("bench-utf16", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "ʤ"]]),
        ("bench-utf16-big", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "ʤ"]]),
        ("bench-latin", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "©"]]),
        ("bench-mac-newlines", [["a", "b", "c"], ["1", "2", "3"], ["Once upon\ra time", "5", "6"]]),
        ("strict", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9", "10"]]),
        ("strict-false-less-columns", [["a", "b", "c"], ["1", "2", "3"], ["4", "5"], ["6", "7", "8"]]),
        ("strict-false-more-columns", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6", "7"], ["8", "9", "10"]]),
    ]

    @Test(arguments: parserFixtures)
    func csvParserFixture(_ name: String, _ expected: [[String]]) throws {
        let path = try #require(testdata("csv-parser-fixtures/\(name).csv"))
        let records = try csvRead(path)
        #expect(csvFields(records) == expected)
        #expect(records.map(\.row) == Array(1...records.count))
    }

    @Test(arguments: [("bench-utf8", SourceEncoding.utf8), ("bench-utf16", .utf16LE), ("bench-utf16-big", .utf16BE),
                      ("bench-latin", .windows1252), ("bench-mac-newlines", .utf8)])
    func csvParserEncodings(_ name: String, _ encoding: SourceEncoding) throws {
        let path = try #require(testdata("csv-parser-fixtures/\(name).csv"))
        #expect(try FileFingerprint.scan(path: path).encoding == encoding)
    }

    @Test func utf16FixturesReadLikeUTF8() throws {
        let utf8 = try csvRead(try #require(testdata("csv-parser-fixtures/bench-utf8.csv")))
        let le = try csvRead(try #require(testdata("csv-parser-fixtures/bench-utf16.csv")))
        let be = try csvRead(try #require(testdata("csv-parser-fixtures/bench-utf16-big.csv")))
        #expect(le == utf8)
        #expect(be == utf8)
    }

    @Test func badDataHasNoQuoteAndReadsAsGiven() throws {
        // SOURCES.md calls bad-data.csv "unbalanced quote", but the file holds no `"` at all
        // (csv-parser uses it for its column-count check): it reads as four plain rows.
        let path = try #require(testdata("csv-parser-fixtures/bad-data.csv"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!bytes.contains(UInt8(ascii: "\"")))
        #expect(try csvRead(path).count == 4)
    }

    @Test func unbalancedQuoteInAFixtureVariant() throws {
        // bad-data.csv with a quote opened in its third row and never closed.
        let path = try #require(testdata("csv-parser-fixtures/bad-data.csv"))
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "yes,yup", with: "yes,\"yup")
        #expect(throws: FileError.unbalancedQuote(row: 3)) { try csvRead(text: text) }
    }

    @Test func backtickDelimiter() throws {
        let path = try #require(testdata("csv-parser-fixtures/backtick.csv"))
        let records = try csvRead(path, delimiter: UInt8(ascii: "`"))
        #expect(csvFields(records) == [["pokemon_id", "p_desc"], ["1", "Bulbasaur can be seen napping"], ["2", "There is a bud on this"]])
    }

    @Test func raggedFixturesKeepTheirFieldCounts() throws {
        let less = try csvRead(try #require(testdata("csv-parser-fixtures/strict-false-less-columns.csv")))
        #expect(less.map(\.fields.count) == [3, 3, 2, 3])
        let more = try csvRead(try #require(testdata("csv-parser-fixtures/strict-false-more-columns.csv")))
        #expect(more.map(\.fields.count) == [3, 3, 4, 3])
        #expect(more[2].fields[3] == "7")
        #expect(more.allSatisfy { $0.droppedNonEmptyFields == 0 })
    }

    // MARK: messytables horror files

    @Test func utf8BOMWithoutFinalNewline() throws {
        let path = try #require(testdata("messytables-horror/utf8bom.csv"))
        #expect(try FileFingerprint.scan(path: path).encoding == .utf8BOM)
        #expect(csvFields(try csvRead(path)) == [["kitten", "win"]])
    }

    @Test func excelUnicodeTextUTF16LE() throws {
        let path = try #require(testdata("messytables-horror/utf-16le_encoded.csv"))
        #expect(try FileFingerprint.scan(path: path).encoding == .utf16LE)
        let records = try csvRead(path)
        #expect(records.count == 328)
        #expect(records.allSatisfy { $0.fields.count == 19 })
        #expect(records[0].fields[0] == "Organisation_code")
        #expect(records[0].fields[18] == "Discharges_from_SCT")
        #expect(records[1].fields[0...3] == ["5C1", "Enfield PCT", "NHS Facilities                                    ", "2010-11"])
        #expect(records.last?.fields[1] == "St Andrews Healthcare - Nottinghamshire")
        #expect(records.map(\.row) == Array(1...328))
    }

    @Test func spanishLatin1WithCRLF() throws {
        let path = try #require(testdata("messytables-horror/spanish_chars.csv"))
        #expect(try FileFingerprint.scan(path: path).encoding == .windows1252)
        let records = try csvRead(path)
        #expect(records.count == 117)
        #expect(records.allSatisfy { $0.fields.count == 8 })
        #expect(records[0].fields == ["GF_ID", "FN_ID", "SF_ID", "GF", "F", "SF", "Gasto total 2011", "Descripción"])
        #expect(records[1].fields[6] == "229,932.50")
        #expect(records[1].fields[7].hasPrefix(" Comprende las acciones propias de la gestión  gubernamental"))
        #expect(!records.contains { $0.fields.contains { $0.contains("\u{FFFD}") } })
        // Row 26 of the file (record 25) has a quoted cell with a line break; rows stay 1, 2, 3…
        #expect(records.map(\.row) == Array(1...117))
    }

    @Test func oldMacExcelCROnly() throws {
        let path = try #require(testdata("messytables-horror/mixedGLB.csv"))
        let records = try csvRead(path)
        #expect(records.count == 137)
        #expect(records.allSatisfy { $0.fields.count == 19 })
        #expect(records[3].fields[0...4] == ["Year", "Jan", "Feb", "Mar", "Apr"])
        #expect(records[4].fields[0...4] == ["1880", "-43", "-27", "-26", "-36"])
        #expect(records.last?.fields[0] == "2012")
        #expect(records.map(\.row) == Array(1...137))
    }

    @Test func blankLinesBeforeThePaddedHeader() throws {
        let path = try #require(testdata("messytables-horror/weird_head_padding.csv"))
        let records = try csvRead(path)
        #expect(records.count == 94)
        #expect(records[0].isBlank && records[1].isBlank)
        let header = try #require(records.first { !$0.isBlank })
        #expect(header.row == 3)
        #expect(header.fields.count == 5)
        #expect(header.fields[0].hasPrefix("An der vertragsärztlichen Versorgung"))
        #expect(header.fields[4].hasPrefix(" Schwerpunktbezeichnung   "))
    }

    @Test func oneByteFile() throws {
        let path = try #require(testdata("messytables-horror/small.csv"))
        #expect(try FileFingerprint.scan(path: path).byteCount == 1)
        #expect(csvFields(try csvRead(path)) == [["a"]])
    }

    @Test func literalNullIsText() throws {
        let path = try #require(testdata("messytables-horror/null.csv"))
        let records = try csvRead(path)
        #expect(records.count == 10)
        #expect(records[0].fields == ["1", "null", "0", "0"])
        #expect(records[2].fields == ["3", "null", "", ""])
    }

    @Test func excelPastingWithTitleRows() throws {
        let path = try #require(testdata("messytables-horror/excel_pasting.csv"))
        let records = try csvRead(path)
        #expect(records.count == 21)
        #expect(records.allSatisfy { $0.fields.count == 9 })
        #expect(records[2].isBlank)
        #expect(records[4].fields == ["Timber", "2,666", "2,274", "1,877", "1,999", "2,055", "1,632", "1,687", "1,751"])
    }

    @Test func sparseLatin1() throws {
        let path = try #require(testdata("messytables-horror/sparse_with_column_errors.csv"))
        #expect(try FileFingerprint.scan(path: path).encoding == .windows1252)
        let records = try csvRead(path)
        #expect(records.count == 2238)
        #expect(records[0].fields == ["LP", "Bezeichnung", "Kapitel/Titel", ""])
        #expect(records[1].fields[1].hasPrefix("Trägerorganisationen; Umstrukturierung"))
    }

    @Test func skipInitials() throws {
        let path = try #require(testdata("messytables-horror/skip_initials.csv"))
        #expect(csvFields(try csvRead(path)) == [["field1", "field2"], ["hello", "    goodbye"], ["hello2", "goodbye2"]])
    }

    @Test(arguments: ["excel_pasting.csv", "mixedGLB.csv", "null.csv", "skip_initials.csv", "small.csv", "spanish_chars.csv",
                      "sparse_with_column_errors.csv", "utf-16le_encoded.csv", "utf8bom.csv", "weird_head_padding.csv"])
    func everyHorrorFileReads(_ name: String) throws {
        let path = try #require(testdata("messytables-horror/\(name)"))
        let records = try csvRead(path)
        #expect(!records.isEmpty)
        #expect(records.map(\.row) == Array(1...records.count))
        #expect(!records.contains { $0.fields.contains { $0.contains("\u{FFFD}") } }, "no replacement characters")
    }

    // MARK: the project's own data files

    @Test(arguments: [("synthea/patients_synthea_sample_apr2020.csv", 25, SourceEncoding.utf8),
                      ("synthea/patients_dbt_synthea.csv", 25, .utf8),
                      ("synthea_template.csv", 17, .utf8),
                      ("synthea_template_clean.csv", 17, .utf8),
                      ("messy_excel_cp1252.csv", 17, .windows1252)])
    func projectDataFiles(_ name: String, _ columns: Int, _ encoding: SourceEncoding) throws {
        let path = try #require(testdata(name))
        #expect(try FileFingerprint.scan(path: path).encoding == encoding)
        let records = try csvRead(path)
        #expect(records.allSatisfy { $0.fields.count == columns })
        #expect(records.map(\.row) == Array(1...records.count))
        #expect(records.count == (name.hasPrefix("messy") ? 203 : name.contains("dbt") ? 28 : 1172))
    }

    @Test func messyExcelFileDecodesWindows1252() throws {
        let records = try csvRead(try #require(testdata("messy_excel_cp1252.csv")))
        #expect(records[0].fields == TemplateField.allCases.map(\.header))
        let all = records.flatMap(\.fields).joined(separator: "|")
        #expect(all.contains("José"))
        #expect(all.contains("Núñez"))
        #expect(all.contains("O’Brien"))
        #expect(!all.contains("\r"))
        #expect(records.suffix(2).allSatisfy { $0.isBlank })
    }

    @Test func semicolonMangledExcelFile() throws {
        let path = try #require(testdata("synthea/patients_excel_semicolon_mangled.csv"))
        let commas = try csvRead(path)
        #expect(commas[0].fields.count < 25)
        let records = try csvRead(path, delimiter: UInt8(ascii: ";"))
        #expect(records.count == 1172)
        #expect(records.allSatisfy { $0.fields.count == 25 })
        #expect(records[1].fields[1] == "5/25/1989")
    }
}
