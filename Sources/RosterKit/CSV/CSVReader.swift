/// One record of a CSV file.
public struct CSVRecord: Equatable, Sendable {
    /// The spreadsheet row number: the header is 1, and a line break inside a quoted
    /// cell does not start a new row, just as a spreadsheet shows it.
    public var row: Int
    public var fields: [String]
    /// Indexes of fields cut at the field size cap (their text is incomplete).
    public var overlongFields: Set<Int> = []
    /// Fields beyond those kept (`maxFields`) that were not empty. The reader throws
    /// `FileError.tooManyColumns` at the first such field, so a record it returns has 0.
    public var droppedNonEmptyFields = 0

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

    public static let defaultFieldByteLimit = 256 * 1024

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
        if n == 0 { endOfFile = true }
        transcoder.rowHint = nextRow
        try transcoder.transcode(raw[0..<n], into: &decoded, atEnd: n == 0)
        return n > 0 || position < decoded.count
    }

    /// The next record, blank ones included (the caller skips them), or nil at the end.
    public func next() throws -> CSVRecord? {
        var fields: [String] = []
        var field: [UInt8] = []
        var overlong: Set<Int> = []
        var dropped = 0
        var inQuotes = false
        var fieldWasQuoted = false
        var sawAnything = false
        let startRow = nextRow
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        func endField() throws {
            if fields.count < maxFields {
                if field.count > fieldByteLimit { overlong.insert(fields.count) }
                fields.append(String(decoding: field.prefix(fieldByteLimit), as: UTF8.self))
            } else if !field.isEmpty {
                // Refused at once, wherever the row ends: no reading the rest of a huge line.
                dropped += 1
                throw FileError.tooManyColumns(count: fields.count + dropped, limit: maxFields)
            }
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func append(_ b: UInt8) {
            // Past the cap, keep one extra byte only to know the field was cut.
            if field.count <= fieldByteLimit { field.append(b) }
        }

        while true {
            if position >= decoded.count {
                if try !fill() {
                    if inQuotes { throw FileError.unbalancedQuote(row: startRow) }
                    if !sawAnything { return nil }
                    try endField()
                    nextRow += 1
                    return CSVRecord(row: startRow, fields: fields, overlongFields: overlong, droppedNonEmptyFields: dropped)
                }
                continue
            }
            let b = decoded[position]
            position += 1
            sawAnything = true
            if inQuotes {
                if b == quote {
                    if position >= decoded.count { _ = try fill() }
                    if position < decoded.count && decoded[position] == quote {
                        append(quote)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    append(b)
                }
                continue
            }
            switch b {
            case delimiter:
                try endField()
            case quote where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            case cr, lf:
                if b == cr {
                    if position >= decoded.count { _ = try fill() }
                    if position < decoded.count && decoded[position] == lf { position += 1 }
                }
                try endField()
                nextRow += 1
                return CSVRecord(row: startRow, fields: fields, overlongFields: overlong, droppedNonEmptyFields: dropped)
            default:
                append(b)
            }
        }
    }
}
