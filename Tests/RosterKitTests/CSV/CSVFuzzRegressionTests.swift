import Foundation
import Testing
@testable import RosterKit

/// Inputs found by the CSV reader's fuzz target (Fuzz/CSVReaderFuzz.swift, Scripts/fuzz;
/// docs/RELIABILITY.md "Fuzzing"), fed exactly as the fuzzer gave them. Byte 0 holds the
/// target's flags, byte 1 the chunk-boundary offset, the rest is the file.
@Suite struct CSVFuzzRegressionTests {
    /// Every record until the end or the first error.
    private func readAll(_ path: String, encoding: SourceEncoding, delimiter: UInt8, limit: Int,
                         maxFields: Int) -> (records: [CSVRecord], error: FileError?) {
        var records: [CSVRecord] = []
        do {
            let reader = try CSVReader(path: path, encoding: encoding, delimiter: delimiter,
                                       fieldByteLimit: limit, maxFields: maxFields)
            while let record = try reader.next() { records.append(record) }
            return (records, nil)
        } catch let error as FileError {
            return (records, error)
        } catch {
            Issue.record("threw \(error), not a FileError")
            return (records, nil)
        }
    }

    /// crash-e162d3ea…: `EE 00` then `00 00 00 0D F0`, read as UTF-16BE (flags EE: tab
    /// delimiter, field limit 4, 3 fields, read alone and across the 64 KiB chunk
    /// boundary). After the BOM's two bytes comes a CR and half a character. Alone, the
    /// truncation is found before the CR's record is returned; with the CR as the last
    /// unit of a chunk, the record comes first. Both reads must fail with the truncation
    /// and agree on the records they did return: the fuzz target's property, now that it
    /// allows for that (any FileError stops an import whole).
    @Test func utf16CarriageReturnThenHalfACharacterFailsTheSameAcrossTheChunkBoundary() throws {
        let input: [UInt8] = [0xEE, 0x00, 0x00, 0x00, 0x00, 0x0D, 0xF0]
        let body = Array(input.dropFirst(2))
        let scratch = Scratch()
        let read = { (path: String) in
            self.readAll(path, encoding: .utf16BE, delimiter: 0x09, limit: 4, maxFields: 3)
        }

        let plain = read(scratch.file("plain.csv", bytes: body))
        #expect(plain.error == .truncatedCharacter)

        // The fuzz target's layout: the BOM's bytes, a quoted cell of x's ending the first
        // record, then the rest, so that the CR is the last unit of the first chunk.
        let units = (ChunkedFile.chunkSize - 2 - 1 - Int(input[1])) / 2
        var file = Array(body.prefix(2)) + [0, 0x22]
        for _ in 0..<(units - 3) { file += [0, UInt8(ascii: "x")] }
        file += [0, 0x22, 0, 0x0A] + body.dropFirst(2)
        #expect(file.count - 1 == ChunkedFile.chunkSize)
        let shifted = read(scratch.file("shifted.csv", bytes: file))
        #expect(shifted.error == .truncatedCharacter)
        let first = try #require(shifted.records.first)
        #expect(first.row == 1 && first.fields == ["xxxx"] && first.overlongFields == [0])
        for (a, b) in zip(plain.records, shifted.records.dropFirst()) {
            #expect(a.row + 1 == b.row && a.fields == b.fields)
        }
    }
}
