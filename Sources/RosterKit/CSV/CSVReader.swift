/// One record of a CSV file.
public struct CSVRecord: Equatable, Sendable {
    /// The spreadsheet row number: the header is 1, and a line break inside a quoted
    /// cell does not start a new row, just as a spreadsheet shows it.
    public var row: Int
    public var fields: [String]
    /// Indexes of fields cut at the field size cap (their text is incomplete).
    public var overlongFields: Set<Int> = []
    /// Indexes of quoted fields with text after their closing quote (`"Carol"x`): not RFC
    /// 4180, and read as one cell (`Carolx`) only to say which cell to fix.
    public var textAfterClosingQuote: Set<Int> = []
    /// Non-empty fields past those kept (`CSVReader.keptFields`): counted, not kept. Past
    /// `maxFields` the reader throws `FileError.tooManyColumns` instead.
    public var droppedNonEmptyFields = 0
    /// Indexes of quoted fields with a line break inside: a note over several lines, or a
    /// stray opening quote that took in the rows after it (`RowNormaliser` tells them apart).
    public var multilineFields: Set<Int> = []

    public var isBlank: Bool {
        droppedNonEmptyFields == 0 && overlongFields.isEmpty
            && fields.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" } }
    }
}

/// A streaming RFC 4180 reader over a file in any of SPEC 2's encodings. Memory is
/// bounded by `fieldByteLimit` × `maxFields`, whatever the file holds.
public final class CSVReader {
    public let encoding: SourceEncoding
    private let file: ChunkedFile
    private var transcoder: Transcoder
    private let fieldByteLimit: Int
    private let maxFields: Int
    private let delimiter: UInt8

    private var raw: [UInt8] = []
    private var decoded: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var nextRow = 1
    /// Bytes of the file read so far: with the file's size, how far along a run is.
    public private(set) var bytesRead = 0
    /// The previous record's field count, to size the next one's array.
    private var lastFieldCount = 0

    public static let defaultFieldByteLimit = 256 * 1024
    /// How many fields of a record are kept; the rest are counted (`droppedNonEmptyFields`).
    /// Once the header is read, its width and a margin: a row of 100,000 cells of 20 KB
    /// then costs what its first cells do, not 2 GB.
    public var keptFields = Int.max

    public init(path: String, encoding: SourceEncoding, delimiter: UInt8 = UInt8(ascii: ","),
                fieldByteLimit: Int = CSVReader.defaultFieldByteLimit, maxFields: Int = 200_000) throws {
        self.file = try ChunkedFile(path: path)
        self.encoding = encoding
        self.transcoder = Transcoder(encoding: encoding)
        self.fieldByteLimit = fieldByteLimit
        self.maxFields = maxFields
        self.delimiter = delimiter
        decoded.reserveCapacity(ChunkedFile.chunkSize * 2)
    }

    /// The record just read is not a row a spreadsheet shows (Excel's `sep=` line): the
    /// rows after it are numbered as if it were not there.
    public func uncountRow() { nextRow -= 1 }

    /// Opens `path` after scanning it for its encoding.
    public convenience init(path: String) throws {
        try self.init(path: path, encoding: FileFingerprint.scan(path: path).encoding)
    }

    private func fill() throws -> Bool {
        if endOfFile { return false }
        if position > 0 {
            decoded.removeFirst(position)
            position = 0
        }
        let n = try file.next(into: &raw)
        bytesRead += n
        if n == 0 { endOfFile = true }
        transcoder.rowHint = nextRow
        try transcoder.transcode(raw[0..<n], into: &decoded, atEnd: n == 0)
        return n > 0 || position < decoded.count
    }

    /// What a pass over the decoded bytes ended on.
    private enum Stop { case needMore, endOfRecord, crAtEnd, quoteAtEnd }

    /// The record being read. A struct with mutating methods rather than local functions
    /// capturing local variables, so the compiler checks exclusive access statically (the
    /// captured-variable form costs a runtime check per access: half the reader's time).
    private struct Builder {
        let limit: Int, maxFields: Int, keptFields: Int
        var fields: [String] = []
        var field: [UInt8] = []
        var overlong: Set<Int> = []
        var dropped = 0
        /// Fields past `keptFields`, empty or not: counted, never kept.
        var skipped = 0
        var inQuotes = false
        var fieldWasQuoted = false
        /// Where the field's quoted text ended (-1: not yet).
        var closedAt = -1
        var textAfterQuote: Set<Int> = []
        /// The field being read has a line break inside its quotes.
        var lineBreakInQuotes = false
        var multiline: Set<Int> = []

        mutating func closeQuote() {
            inQuotes = false
            closedAt = field.count
        }

        /// Whether bytes other than spaces and tabs follow the closing quote.
        private func hasTextAfterQuote(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
            let isText = { (b: UInt8) in b != 0x20 && b != 0x09 }
            return (closedAt >= 0 && closedAt < field.count && field[closedAt...].contains(where: isText)) || run.contains(where: isText)
        }

        /// Adds bytes to the field; past the cap, keeps one extra byte only to know it was cut.
        mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
            let room = limit + 1 - field.count
            if room > 0 && !run.isEmpty { field.append(contentsOf: UnsafeBufferPointer(rebasing: run.prefix(room))) }
        }

        mutating func appendQuote() {
            if field.count <= limit { field.append(UInt8(ascii: "\"")) }
        }

        /// Ends the field whose last bytes are `run`.
        mutating func endField(_ run: UnsafeBufferPointer<UInt8>) throws {
            if fieldWasQuoted && hasTextAfterQuote(run) { textAfterQuote.insert(fields.count) }
            if lineBreakInQuotes {
                multiline.insert(fields.count)
                lineBreakInQuotes = false
            }
            closedAt = -1
            let position = fields.count + skipped
            if position < maxFields && fields.count < keptFields {
                if field.isEmpty {
                    if run.count > limit { overlong.insert(fields.count) }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: run.prefix(limit)), as: UTF8.self))
                } else {
                    append(run)
                    if field.count > limit { overlong.insert(fields.count) }
                    fields.append(String(decoding: field.prefix(limit), as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                }
            } else {
                let empty = field.isEmpty && run.isEmpty
                field.removeAll(keepingCapacity: true)
                skipped += 1
                if !empty {
                    dropped += 1
                    // Refused at once, wherever the row ends: no reading the rest of a huge line.
                    if position >= maxFields { throw FileError.tooManyColumns(count: position + 1, limit: maxFields) }
                }
            }
            fieldWasQuoted = false
        }
    }

    /// The next record, blank ones included (the caller skips them), or nil at the end.
    ///
    /// Scans the decoded bytes in runs up to the next byte that matters (the delimiter, a
    /// quote or a line end; inside quotes, the next quote) and copies each run at once: a
    /// field that is one run becomes its String straight from the buffer. One pass over the
    /// buffer runs until the record ends or the buffer does.
    public func next() throws -> CSVRecord? {
        var r = Builder(limit: fieldByteLimit, maxFields: maxFields, keptFields: keptFields)
        r.fields.reserveCapacity(lastFieldCount)
        var sawAnything = false
        let startRow = nextRow
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let delimiter = self.delimiter

        func record() -> CSVRecord {
            nextRow += 1
            lastFieldCount = r.fields.count
            return CSVRecord(row: startRow, fields: r.fields, overlongFields: r.overlong, textAfterClosingQuote: r.textAfterQuote,
                             droppedNonEmptyFields: r.dropped, multilineFields: r.multiline)
        }

        while true {
            if position >= decoded.count {
                if try !fill() {
                    if r.inQuotes { throw FileError.unbalancedQuote(row: startRow) }
                    if !sawAnything { return nil }
                    try r.endField(UnsafeBufferPointer(start: nil, count: 0))
                    return record()
                }
                continue
            }
            sawAnything = true
            var i = position
            let stop: Stop = try decoded.withUnsafeBufferPointer { buffer in
                let end = buffer.count
                while i < end {
                    if r.inQuotes {
                        // Up to the next quote: the cell's text, line breaks included.
                        let start = i
                        var lineBreak = false
                        while i < end {
                            let b = buffer[i]
                            if b == quote { break }
                            if b == lf || b == cr { lineBreak = true }
                            i += 1
                        }
                        if lineBreak { r.lineBreakInQuotes = true }
                        r.append(UnsafeBufferPointer(rebasing: buffer[start..<i]))
                        if i == end { return .needMore }
                        i += 1
                        if i == end { return .quoteAtEnd }
                        if buffer[i] == quote {
                            r.appendQuote()
                            i += 1
                        } else {
                            r.closeQuote()
                        }
                        continue
                    }
                    // Up to the next delimiter, quote or line end.
                    let start = i
                    while i < end {
                        let b = buffer[i]
                        if b == delimiter || b == quote || b == cr || b == lf { break }
                        i += 1
                    }
                    let run = UnsafeBufferPointer(rebasing: buffer[start..<i])
                    if i == end {
                        r.append(run)
                        return .needMore
                    }
                    let b = buffer[i]
                    i += 1
                    if b == delimiter {
                        try r.endField(run)
                    } else if b == quote {
                        if run.isEmpty && r.field.isEmpty && !r.fieldWasQuoted {
                            r.inQuotes = true
                            r.fieldWasQuoted = true
                        } else {
                            // A quote inside an unquoted cell is text.
                            r.append(run)
                            r.appendQuote()
                        }
                    } else {
                        try r.endField(run)
                        if b == cr {
                            if i == end { return .crAtEnd }
                            if buffer[i] == lf { i += 1 }
                        }
                        return .endOfRecord
                    }
                }
                return .needMore
            }
            position = i
            switch stop {
            case .needMore:
                continue
            case .endOfRecord:
                return record()
            case .crAtEnd:
                // A CR at the end of the buffer: a LF at the start of the next one is the same line end.
                _ = try fill()
                if position < decoded.count && decoded[position] == lf { position += 1 }
                return record()
            case .quoteAtEnd:
                // A quote at the end of the buffer: `""` (a quote) or the cell's end?
                _ = try fill()
                if position < decoded.count && decoded[position] == quote {
                    r.appendQuote()
                    position += 1
                } else {
                    r.closeQuote()
                }
            }
        }
    }
}
