import Foundation
import Testing
@testable import RosterKit

@Suite struct CSVReaderTests {
    // MARK: line ends and RFC 4180 quoting

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEnds(_ end: String) throws {
        let text = ["a,b,c", "1,2,3", "4,5,6"].joined(separator: end) + end
        let records = try csvRead(text: text)
        #expect(csvFields(records) == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lastLineWithoutLineEnd(_ end: String) throws {
        let records = try csvRead(text: "a,b" + end + "1,2")
        #expect(csvFields(records) == [["a", "b"], ["1", "2"]])
    }

    @Test func mixedLineEndsInOneFile() throws {
        let records = try csvRead(text: "a,b\r\n1,2\n3,4\r5,6\r\n")
        #expect(csvFields(records) == [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
        #expect(records.map(\.row) == [1, 2, 3, 4])
    }

    /// Text after a closing quote is not RFC 4180: the cell is read as one (`Carolx`) and
    /// marked, so the row names the cell to fix. Spaces there are not text; a doubled quote
    /// is a quote.
    @Test func textAfterAClosingQuoteIsMarked() throws {
        let records = try csvRead(text: "a,b,c\n\"Carol\"x,\"Lee\" ,\"say \"\"hi\"\"\"\n\"Jo\"x\"y\",\"\"z,ok\n")
        #expect(csvFields(records) == [["a", "b", "c"], ["Carolx", "Lee ", "say \"hi\""], ["Jox\"y\"", "z", "ok"]])
        #expect(records.map(\.textAfterClosingQuote) == [[], [0], [0, 1]])
        // At a buffer's end, the closing quote is told from a doubled one by the next buffer.
        let long = String(repeating: "n", count: 70_000)
        let split = try csvRead(text: "a,b\n\"\(long)\"x,\"\(long)\"\n")
        #expect(split.map(\.textAfterClosingQuote) == [[], [0]])
    }

    @Test func quotedCommasQuotesAndLineBreaks() throws {
        let text = "name,notes\n\"Doe, Jane\",\"she said \"\"hi\"\"\"\n\"x\",\"line 1\nline 2\r\nline 3\rline 4\"\n"
        let records = try csvRead(text: text)
        #expect(csvFields(records) == [
            ["name", "notes"],
            ["Doe, Jane", "she said \"hi\""],
            ["x", "line 1\nline 2\r\nline 3\rline 4"],
        ])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test func emptyFieldsQuotedAndUnquoted() throws {
        let records = try csvRead(text: "a,b,c,d\n,,\"\",\n\"\",\"\",\"\",\"\"\n")
        #expect(csvFields(records) == [["a", "b", "c", "d"], ["", "", "", ""], ["", "", "", ""]])
        #expect(records[1].isBlank && records[2].isBlank)
    }

    @Test func onlyEscapedQuotes() throws {
        // `""""` is one quote; `""""""` is two.
        let records = try csvRead(text: "a,b\n\"\"\"\",\"\"\"\"\"\"\n")
        #expect(records[1].fields == ["\"", "\"\""])
    }

    @Test func quoteInsideAnUnquotedFieldIsLiteral() throws {
        let records = try csvRead(text: "a,b\n5'10\",O\"Brien\n")
        #expect(records[1].fields == ["5'10\"", "O\"Brien"])
    }

    @Test func textAfterAClosingQuoteIsKept() throws {
        let records = try csvRead(text: "a,b\n\"abc\"def,x\n")
        #expect(records[1].fields == ["abcdef", "x"])
    }

    @Test func spacesAroundFieldsAreKept() throws {
        // The reader keeps the text as written; trimming is the field rules' job.
        let records = try csvRead(text: "a,b\n  x  ,\ty\t\n")
        #expect(records[1].fields == ["  x  ", "\ty\t"])
    }

    @Test func utf8TextIsKept() throws {
        let records = try csvRead(text: "first,last\nJosé,Núñez\nZoë,O’Brien\n李,😀\n")
        #expect(csvFields(records) == [["first", "last"], ["José", "Núñez"], ["Zoë", "O’Brien"], ["李", "😀"]])
    }

    @Test func otherDelimiter() throws {
        let records = try csvRead(bytes: Array("a;b;c\n1;\"2;3\";4\n".utf8), delimiter: UInt8(ascii: ";"))
        #expect(csvFields(records) == [["a", "b", "c"], ["1", "2;3", "4"]])
    }

    // MARK: row numbers

    @Test func quotedMultiLineCellDoesNotShiftRowNumbers() throws {
        let text = "First Name,Notes\nAnn,\"line one\nline two\nline three\"\nBob,plain\nCid,\"a\r\nb\"\nDee,x\n"
        let records = try csvRead(text: text)
        #expect(records.map(\.row) == [1, 2, 3, 4, 5])
        #expect(records[2].fields == ["Bob", "plain"])
        #expect(records[2].row == 3)
        #expect(records[4].fields == ["Dee", "x"])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func blankRowsKeepSpreadsheetNumbering(_ end: String) throws {
        let text = ["h1,h2", "", "a,1", "", "", "b,2", ",", " , ", "c,3"].joined(separator: end) + end
        let records = try csvRead(text: text)
        #expect(records.map(\.row) == Array(1...9))
        #expect(records.map(\.isBlank) == [false, true, false, true, true, false, true, true, false])
        let data = records.filter { !$0.isBlank }
        #expect(data.map(\.row) == [1, 3, 6, 9])
        #expect(data.map { $0.fields[0] } == ["h1", "a", "b", "c"])
    }

    @Test func blankLinesBeforeTheHeaderAreRows() throws {
        let records = try csvRead(text: "\n\nFirst Name,Email\nAnn,a@example.com\n")
        let header = try #require(records.first { !$0.isBlank })
        #expect(header.row == 3)
        #expect(records.last?.row == 4)
    }

    @Test func trailingBlankLinesAreBlankRecords() throws {
        let records = try csvRead(text: "a\n1\n\n\n")
        #expect(records.count == 4)
        #expect(records.suffix(2).allSatisfy { $0.isBlank })
    }

    @Test func unbalancedQuoteNamesTheRowWhereItOpened() throws {
        // Row 2 has a closed multi-line cell; the quote that never closes opens in row 4.
        let text = "a,b\n1,\"two\nlines\"\n3,x\n4,\"never closed\n5,y\n6,z\n"
        let scratch = Scratch()
        let reader = try CSVReader(path: scratch.file("q.csv", text), encoding: .utf8)
        #expect(try reader.next()?.row == 1)
        #expect(try reader.next()?.row == 2)
        #expect(try reader.next()?.row == 3)
        #expect(throws: FileError.unbalancedQuote(row: 4)) { try reader.next() }
    }

    @Test func unbalancedQuoteInHeader() throws {
        #expect(throws: FileError.unbalancedQuote(row: 1)) { try csvRead(text: "\"First Name,Email\nAnn,a@example.com\n") }
    }

    @Test func unbalancedQuoteAfterBlankRows() throws {
        #expect(throws: FileError.unbalancedQuote(row: 4)) { try csvRead(text: "a\n\n\n\"x\n") }
    }

    @Test func unbalancedQuoteMessageNamesTheRow() {
        let message = FileError.unbalancedQuote(row: 17).description
        #expect(message.contains("row 17"))
    }

    @Test func unbalancedQuoteOverAHugeTailIsBoundedAndReported() throws {
        // The rest of a large file would be read into one cell: it must be capped, then refused.
        var bytes = Array("a,b\n1,\"".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 1_000_000)
        #expect(throws: FileError.unbalancedQuote(row: 2)) { try csvRead(bytes: bytes, fieldByteLimit: 1024) }
    }

    // MARK: ragged rows

    @Test func raggedRowsAreReadAsGiven() throws {
        let records = try csvRead(text: "a,b,c\n1\n1,2\n1,2,3,4\n1,2,3,,\n")
        #expect(records.map(\.fields.count) == [3, 1, 2, 4, 5])
        #expect(records[3].fields == ["1", "2", "3", "4"])
        #expect(records[4].fields == ["1", "2", "3", "", ""])
    }

    // MARK: the field size cap

    @Test func overlongFieldsAreCutAndFlagged() throws {
        let records = try csvRead(text: "a,b,c\nabcdefghij,12345678,\"quoted, long value\"\nshort,x,y\n", fieldByteLimit: 8)
        #expect(records[1].fields == ["abcdefgh", "12345678", "quoted, "])
        #expect(records[1].overlongFields == [0, 2])
        #expect(!records[1].isBlank)
        #expect(records[2].overlongFields.isEmpty)
        #expect(records[2].fields == ["short", "x", "y"])
    }

    @Test func overlongBlankLookingFieldIsNotBlank() throws {
        let records = try csvRead(text: "a\n" + String(repeating: " ", count: 20) + "\n", fieldByteLimit: 4)
        #expect(records[1].overlongFields == [0])
        #expect(!records[1].isBlank)
    }

    @Test func fieldExactlyAtTheCapIsNotOverlong() throws {
        let records = try csvRead(text: "12345678,123456789\n", fieldByteLimit: 8)
        #expect(records[0].overlongFields == [1])
        #expect(records[0].fields == ["12345678", "12345678"])
    }

    @Test func hugeSingleFieldIsCappedAtTheDefault() throws {
        // 3 MB in one quoted cell with line breaks: kept to the cap, later rows unaffected.
        var bytes = Array("First Name,Notes\nAnn,\"".utf8)
        let chunk = Array(String(repeating: "lorem ipsum\n", count: 1000).utf8)
        while bytes.count < 3_000_000 { bytes += chunk }
        bytes += Array("\"\nBob,short\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(records.count == 3)
        #expect(records[1].overlongFields == [1])
        #expect(records[1].fields[1].utf8.count == CSVReader.defaultFieldByteLimit)
        #expect(records[2].fields == ["Bob", "short"])
        #expect(records[2].row == 3)
    }

    // MARK: columns

    @Test func hundredThousandColumnHeader() throws {
        let count = 100_000
        let header = (0..<count).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<count).map { String($0 % 10) }.joined(separator: ",")
        let records = try csvRead(text: header + "\n" + row + "\n")
        #expect(records.count == 2)
        #expect(records[0].fields.count == count)
        #expect(records[0].fields.last == "c99999")
        #expect(records[1].fields.count == count)
        #expect(records[1].fields[12_345] == "5")
    }

    @Test func columnsBeyondMaxFieldsAreRefused() throws {
        let error = csvThrownError { try csvRead(text: "a,b,c,d,e,f,g,h\n", maxFields: 5) }
        guard case .tooManyColumns(let count, let limit)? = error as? FileError else {
            Issue.record("expected tooManyColumns, got \(String(describing: error))"); return
        }
        #expect(limit == 5)
        #expect(count > 5)
    }

    @Test func columnsBeyondMaxFieldsAreRefusedAtEndOfFileToo() throws {
        let error = csvThrownError { try csvRead(text: "a,b\n1,2,3,4,5,6,7,8", maxFields: 5) }
        guard case .tooManyColumns(_, let limit)? = error as? FileError else {
            Issue.record("expected tooManyColumns, got \(String(describing: error))"); return
        }
        #expect(limit == 5)
    }

    @Test func emptyColumnsBeyondMaxFieldsAreDropped() throws {
        let records = try csvRead(text: "a,b,c,,,,,\n", maxFields: 5)
        #expect(records[0].fields == ["a", "b", "c", "", ""])
        #expect(records[0].droppedNonEmptyFields == 0)
    }

    @Test func quotedEmptyColumnsBeyondMaxFieldsAreDropped() throws {
        let records = try csvRead(text: "a,b,c,d,e,\"\",,\"\"\nf\n", maxFields: 5)
        #expect(csvFields(records) == [["a", "b", "c", "d", "e"], ["f"]])
    }

    /// Past `keptFields` a record's cells are counted, not kept: a row of 100,000 wide cells
    /// costs what its kept cells do. `maxFields` still refuses the file.
    @Test func fieldsPastThoseKeptAreCountedNotKept() throws {
        let scratch = Scratch()
        let wide = String(repeating: "x", count: 1000)
        let row = (0..<5_000).map { $0 % 2 == 0 ? wide : "" }.joined(separator: ",")
        let path = scratch.file("in.csv", bytes: Array("a,b,c\n\(row)\nd,e\n".utf8))
        let reader = try CSVReader(path: path, encoding: .utf8)
        reader.keptFields = 4
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.map(\.fields.count) == [3, 4, 2])
        #expect(records[1].fields == [wide, "", wide, ""])
        #expect(records[1].droppedNonEmptyFields == 2_498)
        #expect(records[2].fields == ["d", "e"] && records[2].droppedNonEmptyFields == 0)
        let capped = try CSVReader(path: path, encoding: .utf8, maxFields: 100)
        capped.keptFields = 4
        _ = try capped.next()
        #expect(throws: FileError.self) { try capped.next() }
    }

    @Test func blankMeansSpacesAndTabsOnly() throws {
        let records = try csvRead(text: "a,b\n \t, \n\u{A0},\n\"\",\"  \"\n")
        #expect(records.map { $0.isBlank } == [false, true, false, true])
    }

    @Test func aLineOfOnlyCommasIsBoundedAndBlank() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: ","), count: 1_000_000) + [0x0A]
        let records = try csvRead(bytes: bytes, maxFields: 1000)
        #expect(records.count == 1)
        #expect(records[0].fields.count == 1000)
        #expect(records[0].isBlank)
    }

    // MARK: bad bytes

    @Test func nulBytesInsideAFieldAreRead() throws {
        let bytes: [UInt8] = Array("a,b\n".utf8) + [0x00, 0x78, 0x00] + Array(",y\n\"q\u{0}\",z\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(records[1].fields == ["\u{0}x\u{0}", "y"])
        #expect(records[2].fields == ["q\u{0}", "z"])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test func fileOfOnlyNulBytes() throws {
        let records = try csvRead(bytes: [UInt8](repeating: 0, count: 100_000))
        #expect(records.count == 1)
        #expect(records[0].fields.count == 1)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func binaryGarbageReadsOrFailsCleanly(_ seed: UInt64) throws {
        var generator = CSVSeededGenerator(seed: seed)
        // Seeds 1–4: uniform bytes; 5–8: biased towards quotes, commas and line ends.
        let special: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0xFE, 0xEF, 0xBB, 0xBF]
        let bytes: [UInt8] = (0..<100_000).map { _ in
            seed > 4 && Bool.random(using: &generator) ? special.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
        }
        let scratch = Scratch()
        let path = scratch.file("garbage.bin", bytes: bytes)
        do {
            let fingerprint = try FileFingerprint.scan(path: path)
            #expect(fingerprint.byteCount == bytes.count)
            let reader = try CSVReader(path: path, encoding: fingerprint.encoding, fieldByteLimit: 4096)
            var expectedRow = 1
            while let record = try reader.next() {
                #expect(record.row == expectedRow)
                #expect(record.fields.allSatisfy { $0.utf8.count <= 4096 * 3 })
                expectedRow += 1
            }
        } catch {
            #expect(error is FileError, "garbage must fail with a FileError, got \(error)")
            #expect(!String(describing: error).isEmpty)
        }
    }

    // MARK: the end of the file and chunk boundaries

    @Test func emptyFileHasNoRecords() throws {
        #expect(try csvRead(bytes: [], encoding: .utf8).isEmpty)
    }

    @Test func nextAfterTheEndStaysNil() throws {
        let scratch = Scratch()
        let reader = try CSVReader(path: scratch.file("a.csv", "a\n"), encoding: .utf8)
        #expect(try reader.next()?.fields == ["a"])
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test(arguments: [65_534, 65_535, 65_536, 65_537])
    func crlfAcrossAChunkBoundary(_ crAt: Int) throws {
        // "h\n" + x… + "\r\n" + "y\r\n", with the CR at byte `crAt`.
        let bytes = Array("h\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: crAt - 2) + Array("\r\ny\r\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(records.count == 3)
        #expect(records.map(\.row) == [1, 2, 3])
        #expect(records[1].fields[0].utf8.count == crAt - 2)
        #expect(records[2].fields == ["y"])
    }

    @Test(arguments: [65_534, 65_535, 65_536])
    func escapedQuoteAcrossAChunkBoundary(_ quoteAt: Int) throws {
        // The first quote of `""` at byte `quoteAt`.
        let padding = quoteAt - 3
        let bytes = Array("h\n\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: padding) + Array("\"\"tail\",z\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(records.count == 2)
        #expect(records[1].fields == [String(repeating: "x", count: padding) + "\"tail", "z"])
    }

    @Test(arguments: [65_535, 65_536])
    func closingQuoteAtAChunkBoundary(_ quoteAt: Int) throws {
        let padding = quoteAt - 3
        let bytes = Array("h\n\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: padding) + Array("\",z\nlast,row\n".utf8)
        let records = try csvRead(bytes: bytes)
        #expect(csvFields(records) == [["h"], [String(repeating: "x", count: padding), "z"], ["last", "row"]])
    }

    @Test func fieldSpanningManyChunksWithLineBreaks() throws {
        let cell = (0..<20_000).map { "line \($0)" }.joined(separator: "\r\n")
        let text = "a,b\n\"" + cell + "\",after\nnext,row\n"
        let records = try csvRead(text: text, fieldByteLimit: 1 << 20)
        #expect(records.count == 3)
        #expect(records[1].fields == [cell, "after"])
        #expect(records[1].overlongFields.isEmpty)
        #expect(records[2].row == 3)
    }

    @Test func manyRowsStreamInOrder() throws {
        var text = "First Name,Email\n"
        for i in 0..<100_000 { text += "Name\(i),n\(i)@example.com\n" }
        let scratch = Scratch()
        let reader = try CSVReader(path: scratch.file("big.csv", text), encoding: .utf8)
        var count = 0
        var firstWrong: Int?
        while let record = try reader.next() {
            count += 1
            let expected = count == 1 ? ["First Name", "Email"] : ["Name\(count - 2)", "n\(count - 2)@example.com"]
            if firstWrong == nil, record.row != count || record.fields != expected { firstWrong = count }
        }
        #expect(count == 100_001)
        #expect(firstWrong == nil)
    }

    // MARK: a generated round trip through the reader

    @Test(arguments: ["\n", "\r\n", "\r"])
    func randomRecordsRoundTrip(_ end: String) throws {
        var generator = CSVSeededGenerator(seed: UInt64(end.utf8.count) * 7919)
        let alphabet: [String] = ["a", "B", " ", ",", "\"", "\n", "\r", "\r\n", "é", "’", "😀", "\t", "'", "="]
        var rows: [[String]] = []
        for _ in 0..<500 {
            let width = Int.random(in: 1...6, using: &generator)
            rows.append((0..<width).map { _ in
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            })
        }
        func encode(_ field: String) -> String {
            let needs = field.contains { ",\"\r\n".contains($0) } || field.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }
            return needs ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        // A row of one empty field reads back as one empty field: the same thing.
        let text = rows.map { $0.map(encode).joined(separator: ",") }.joined(separator: end) + end
        let records = try csvRead(text: text)
        #expect(csvFields(records) == rows)
        #expect(records.map(\.row) == Array(1...rows.count))
    }
}
