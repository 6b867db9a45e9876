// libFuzzer target: the CSV reader (Sources/RosterKit/CSV). Scripts/fuzz builds it as
// `.build/fuzz/csv-reader`. Errors (FileError) are expected answers; traps, hangs,
// leaks, memory errors and broken properties are findings.
//
// Input layout: byte 0 = flags, byte 1 = chunk-boundary offset, the rest = the file.
//   flags bits 0-1: delimiter (`,` `;` tab `|`)
//   flags bit 2:    tiny limits (fieldByteLimit 4, maxFields 3), to reach the cut and
//                   too-many-columns paths
//   flags bit 3:    boundary check: the file is read again with a filler record in front,
//                   sized so that the file's bytes straddle the reader's 64 KiB chunk
//                   boundary (offset from byte 1); both reads must give the same records
//   flags bits 4-6: 0-2 = the encoding FileFingerprint.scan finds, 3-7 = a forced one
// Scripts/fuzz seeds the corpus with each testdata CSV behind two zero bytes.
import Foundation

private let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
private let forced: [SourceEncoding] = [.utf8, .utf8BOM, .utf16LE, .utf16BE, .windows1252]

/// x's for the filler record, made once.
private enum Filler {
    static let utf8 = [UInt8](repeating: UInt8(ascii: "x"), count: ChunkedFile.chunkSize)
    static let utf16LE = (0..<ChunkedFile.chunkSize).map { $0 % 2 == 0 ? UInt8(ascii: "x") : 0 }
    static let utf16BE = (0..<ChunkedFile.chunkSize).map { $0 % 2 == 0 ? 0 : UInt8(ascii: "x") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flags = input.count > 0 ? input[0] : 0
    let offset = input.count > 1 ? Int(input[1]) : 0
    let body = Array(input.dropFirst(2))
    let delimiter = delimiters[Int(flags & 3)]
    let tiny = flags & 4 != 0
    let limit = tiny ? 4 : CSVReader.defaultFieldByteLimit
    let maxFields = tiny ? 3 : 200_000
    let encodingChoice = Int((flags >> 4) & 7)

    let path = FuzzScratch.path("reader.csv")
    FuzzScratch.write(body, to: path)

    // The encoding: scanned (errors are answers) or forced.
    let encoding: SourceEncoding
    if encodingChoice < 3 {
        do {
            let fingerprint = try FileFingerprint.scan(path: path)
            if fingerprint.byteCount != body.count { fuzzFailure("scan counted \(fingerprint.byteCount) bytes of \(body.count)", input: input) }
            if fingerprint.sha256.utf8.count != 64 { fuzzFailure("sha256 is not 64 hex digits", input: input) }
            encoding = fingerprint.encoding
        } catch let error as FileError {
            if body.isEmpty && error != .empty { fuzzFailure("an empty file gave \(error)", input: input) }
            return 0
        } catch {
            fuzzFailure("scan threw \(type(of: error)), not a FileError", input: input)
        }
    } else {
        encoding = forced[encodingChoice - 3]
    }

    let plain = fuzzReadAll(path: path, encoding: encoding, delimiter: delimiter, fieldByteLimit: limit,
                            maxFields: maxFields, byteCount: body.count, input: input)
    checkRecords(plain.records, firstRow: 1, limit: limit, maxFields: maxFields, fileBytes: body.count, input: input)
    if body.isEmpty && (!plain.records.isEmpty || plain.error != nil) {
        fuzzFailure("an empty file gave records or an error", input: input)
    }

    if flags & 8 != 0 { boundaryCheck(body: body, encoding: encoding, delimiter: delimiter, limit: limit,
                                      maxFields: maxFields, offset: offset, plain: plain, input: input) }
    return 0
}

/// What holds for any record list: rows increase, counts stay within the limits.
private func checkRecords(_ records: [CSVRecord], firstRow: Int, limit: Int, maxFields: Int, fileBytes: Int, input: [UInt8]) {
    var previous = firstRow - 1
    for record in records {
        if record.row <= previous { fuzzFailure("row \(record.row) after row \(previous)", input: input) }
        previous = record.row
        if record.fields.isEmpty { fuzzFailure("a record with no fields", input: input) }
        if record.fields.count > maxFields { fuzzFailure("\(record.fields.count) fields, more than \(maxFields)", input: input) }
        if record.droppedNonEmptyFields != 0 { fuzzFailure("a returned record dropped fields", input: input) }
        if record.overlongFields.contains(where: { $0 < 0 || $0 >= record.fields.count }) {
            fuzzFailure("an overlong index outside the record", input: input)
        }
        if limit > fileBytes * 3 + 16, !record.overlongFields.isEmpty {
            fuzzFailure("a field marked overlong in a file smaller than the limit", input: input)
        }
        _ = record.isBlank
    }
}

/// Reads `body` again behind a filler record so that its bytes straddle the 64 KiB chunk
/// boundary (CR LF, `""` and multi-byte characters cut in two), and compares.
private func boundaryCheck(body: [UInt8], encoding: SourceEncoding, delimiter: UInt8, limit: Int, maxFields: Int,
                           offset: Int, plain: (records: [CSVRecord], error: FileError?), input: [UInt8]) {
    // Bytes the transcoder skips at the start of the file stay at the start.
    let prefixLength: Int
    switch encoding {
    case .utf8: prefixLength = 0
    case .utf8BOM, .utf16LE, .utf16BE: prefixLength = encoding.bomLength
    case .windows1252: prefixLength = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }
    guard body.count >= prefixLength else { return }
    let utf16 = encoding == .utf16LE || encoding == .utf16BE
    var fillerLength = ChunkedFile.chunkSize - prefixLength - 1 - offset
    if utf16 && fillerLength % 2 != 0 { fillerLength -= 1 }
    // The filler is one quoted cell of x's and a line end: inside quotes the reader looks
    // for quotes only, which keeps this 64 KiB cheap under coverage instrumentation.
    let xs = utf16 ? fillerLength / 2 - 3 : fillerLength - 3
    var file: [UInt8] = []
    file.reserveCapacity(prefixLength + fillerLength + body.count)
    file.append(contentsOf: body.prefix(prefixLength))
    switch encoding {
    case .utf16LE:
        file += [0x22, 0]; file.append(contentsOf: Filler.utf16LE.prefix(2 * xs)); file += [0x22, 0, 0x0A, 0]
    case .utf16BE:
        file += [0, 0x22]; file.append(contentsOf: Filler.utf16BE.prefix(2 * xs)); file += [0, 0x22, 0, 0x0A]
    default:
        file.append(0x22); file.append(contentsOf: Filler.utf8.prefix(xs)); file += [0x22, 0x0A]
    }
    file.append(contentsOf: body.dropFirst(prefixLength))
    let fillerText = String(decoding: Filler.utf8.prefix(min(xs, limit)), as: UTF8.self)
    let path = FuzzScratch.path("boundary.csv")
    FuzzScratch.write(file, to: path)
    var shifted = fuzzReadAll(path: path, encoding: encoding, delimiter: delimiter, fieldByteLimit: limit,
                              maxFields: maxFields, byteCount: file.count, input: input)
    if let first = shifted.records.first {
        guard first.row == 1, first.fields == [fillerText] else {
            fuzzFailure("the filler record read as \(first.fields.map { $0.prefix(20) }) row \(first.row)", input: input)
        }
        shifted.records.removeFirst()
    } else if shifted.error == nil {
        fuzzFailure("the filler record is missing", input: input)
    }
    checkRecords(shifted.records, firstRow: 2, limit: limit, maxFields: maxFields, fileBytes: file.count, input: input)

    func same(_ a: CSVRecord, _ b: CSVRecord) -> Bool {
        a.row + 1 == b.row && a.fields == b.fields && a.overlongFields == b.overlongFields
            && a.droppedNonEmptyFields == b.droppedNonEmptyFields
    }
    let transcoding: (FileError?) -> Bool = {
        switch $0 { case .invalidUTF16, .truncatedCharacter: true; default: false }
    }
    if transcoding(plain.error) || transcoding(shifted.error) {
        // UTF-16 is transcoded a chunk ahead of parsing: the error comes after a different
        // number of records (a record ended by a CR at the end of a buffer is returned or
        // not, as the next chunk is read: crash-e162d3ea), but both reads must fail and
        // agree on what they read. Any FileError stops the import whole.
        guard plain.error != nil, shifted.error != nil else {
            fuzzFailure("only one read failed: \(String(describing: plain.error)) / \(String(describing: shifted.error))", input: input)
        }
        for (a, b) in zip(plain.records, shifted.records) where !same(a, b) {
            fuzzFailure("row \(a.row) reads \(a.fields) alone but \(b.fields) across the chunk boundary", input: input)
        }
        return
    }
    var expectedError = plain.error
    if case .unbalancedQuote(let row) = plain.error { expectedError = .unbalancedQuote(row: row + 1) }
    if expectedError != shifted.error {
        fuzzFailure("error \(String(describing: plain.error)) alone but \(String(describing: shifted.error)) across the chunk boundary", input: input)
    }
    if plain.records.count != shifted.records.count {
        fuzzFailure("\(plain.records.count) records alone but \(shifted.records.count) across the chunk boundary", input: input)
    }
    for (a, b) in zip(plain.records, shifted.records) where !same(a, b) {
        fuzzFailure("row \(a.row) reads \(a.fields) alone but \(b.fields) across the chunk boundary", input: input)
    }
}
