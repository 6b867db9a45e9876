import Foundation
import Testing
@testable import RosterKit

@Suite struct CSVWriterTests {
    private func write(_ rows: [[String]], to path: String) throws {
        let writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row: row) }
        try writer.flush()
    }

    private func fileText(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func quotingRoundTrip() throws {
        let rows: [[String]] = [
            ["First Name", "Notes", "Address"],
            ["Jane", "Doe, Jane", "1 Main St"],
            ["Bob", "she said \"hi\"", "\"quoted\""],
            ["Cid", "line 1\nline 2", "a\r\nb"],
            ["Dee", "cr\ronly", ""],
            ["  leading", "trailing  ", "\ttab"],
            ["", "", ""],
            ["José", "😀 “smart” ’quotes’", "李"],
            ["=HYPERLINK(\"x\")", "'+1", "-5"],
        ]
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        try write(rows, to: path)
        let records = try csvRead(path)
        #expect(csvFields(records) == rows)
        #expect(records.map(\.row) == Array(1...rows.count))
    }

    @Test func quotesOnlyWhereNeeded() throws {
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        try write([["plain", "a,b", "say \"x\"", "two\nlines", " pad", "pad ", "", "\u{A0}nbsp", "ideo\u{3000}", "\tt", "é"]], to: path)
        #expect(try fileText(path) == "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",\" pad\",\"pad \",,\"\u{A0}nbsp\",\"ideo\u{3000}\",\"\tt\",é\n")
    }

    /// The writer decides quoting from bytes: on generated cells it writes what the rule
    /// said of Characters gives (quote when a cell holds a comma, quote or line break, or
    /// starts or ends with whitespace; double the quotes inside).
    @Test func quotingFromBytesMatchesTheRule() throws {
        var generator = CSVSeededGenerator(seed: 3)
        let pieces = ["a", "Z", " ", "\t", ",", "\"", "\n", "\r", "\r\n", "é", "\u{A0}", "\u{3000}", "😀", "e\u{301}", "'", "=", "\u{2028}"]
        var rows: [[String]] = []
        for _ in 0..<500 {
            rows.append((0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            })
        }
        let expected = rows.map { row in
            row.map { cell -> String in
                let quoted = cell.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                    || cell.first?.isWhitespace == true || cell.last?.isWhitespace == true
                return quoted ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",") + "\n"
        }.joined()
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        try write(rows, to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(expected.utf8))
    }

    @Test func lineEndsAreLF() throws {
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        try write([["a", "b"], ["1", "2"]], to: path)
        #expect(try fileText(path) == "a,b\n1,2\n")
    }

    @Test func randomRowsRoundTrip() throws {
        var generator = CSVSeededGenerator(seed: 4242)
        let alphabet: [String] = ["a", "Z", "0", " ", ",", "\"", "\n", "\r", "\r\n", "\t", "é", "😀", "'", "=", "+", "-", "@", ";"]
        var rows: [[String]] = []
        for _ in 0..<2000 {
            let width = Int.random(in: 1...8, using: &generator)
            rows.append((0..<width).map { _ in
                (0..<Int.random(in: 0...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            })
        }
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        try write(rows, to: path)
        let records = try csvRead(path)
        #expect(csvFields(records) == rows)
        #expect(records.map(\.row) == Array(1...rows.count))
    }

    @Test func largeOutputIsFlushedCompletely() throws {
        // Well past the 64 KB buffer.
        let rows = (0..<20_000).map { ["Name \($0)", "n\($0)@example.com", "note, with comma \($0)"] }
        let scratch = Scratch()
        let path = scratch.path("big.csv")
        try write(rows, to: path)
        #expect(csvFields(try csvRead(path)) == rows)
    }

    @Test func deinitFlushes() throws {
        let scratch = Scratch()
        let path = scratch.path("out.csv")
        do {
            let writer = try CSVWriter(path: path)
            try writer.write(row: ["a", "b"])
        }
        #expect(try fileText(path) == "a,b\n")
    }

    @Test func fileIsCreatedOwnerOnly() throws {
        let scratch = Scratch()
        let path = scratch.path("phi.csv")
        try write([["a"]], to: path)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
    }

    @Test func existingFileIsTruncatedAndMadeOwnerOnly() throws {
        let scratch = Scratch()
        let path = scratch.file("old.csv", String(repeating: "old data\n", count: 100))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try write([["new"]], to: path)
        #expect(try fileText(path) == "new\n")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
    }

    @Test func unwritablePathThrows() throws {
        let scratch = Scratch()
        let error = csvThrownError { try CSVWriter(path: scratch.path("no/such/folder/out.csv")) }
        guard case .cannotWrite(let path, _)? = error as? FileError else {
            Issue.record("expected a FileError, got \(String(describing: error))"); return
        }
        #expect(path.hasSuffix("out.csv"))
    }

    @Test func writesToADescriptor() throws {
        let scratch = Scratch()
        let path = scratch.path("fd.csv")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let writer = CSVWriter(descriptor: fd)
        try writer.write(row: ["x,y", "z"])
        try writer.flush()
        #expect(try fileText(path) == "\"x,y\",z\n")
        #expect(writer.path == nil)
    }

    // MARK: FormulaGuard

    @Test(arguments: [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM", "'@SUM"),
        ("'=x", "''=x"),
        ("''+y", "'''+y"),
        ("'quoted'", "'quoted'"),
        ("plain", "plain"),
        ("", ""),
        ("'", "'"),
        ("''", "''"),
        ("a=b", "a=b"),
        (" =x", " =x"),
        ("José", "José"),
    ])
    func formulaGuardEscape(_ value: String, _ escaped: String) {
        #expect(FormulaGuard.escape(value) == escaped)
        #expect(FormulaGuard.unescape(escaped) == value)
    }

    /// "=" with a combining mark after it still starts a formula in a spreadsheet: it is
    /// escaped, and the escape comes off again.
    @Test func formulaGuardLooksAtTheFirstByte() {
        #expect(FormulaGuard.escape("=\u{301}1+1") == "'=\u{301}1+1")
        #expect(FormulaGuard.unescape("'=\u{301}1+1") == "=\u{301}1+1")
        #expect(FormulaGuard.escape("é=1") == "é=1")
    }

    @Test func formulaGuardLeavesPlainQuotesAlone() {
        // A typed leading apostrophe before ordinary text is the user's.
        #expect(FormulaGuard.unescape("'quoted'") == "'quoted'")
        #expect(FormulaGuard.unescape("'O'Brien") == "'O'Brien")
        // An apostrophe before a trigger is the guard's and is dropped on reading.
        #expect(FormulaGuard.unescape("'=1+1") == "=1+1")
    }

    @Test func formulaGuardRoundTripsRandomValues() {
        var generator = CSVSeededGenerator(seed: 7)
        let alphabet: [Character] = ["'", "=", "+", "-", "@", "a", " ", "1"]
        for _ in 0..<5000 {
            let value = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let escaped = FormulaGuard.escape(value)
            #expect(FormulaGuard.unescape(escaped) == value, "\(value)")
            // What a spreadsheet sees never starts with a formula trigger.
            if let first = escaped.first { #expect(!"=+-@".contains(first), "\(value)") }
        }
    }

    @Test func formulaGuardThroughAFile() throws {
        let values = ["=HYPERLINK(\"http://x\",\"y\")", "+1 (603) 555-0100", "-5", "@SUM(A1)", "'=x", "''+y", "'quoted'", "plain"]
        let scratch = Scratch()
        let path = scratch.path("guard.csv")
        try write([values.map(FormulaGuard.escape)], to: path)
        let read = try csvRead(path)[0].fields.map(FormulaGuard.unescape)
        #expect(read == values)
    }
}
