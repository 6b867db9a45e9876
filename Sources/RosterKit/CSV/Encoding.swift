import Foundation

/// The text encodings a contact file may come in (SPEC 2).
public enum SourceEncoding: String, Sendable, Equatable {
    case utf8, utf8BOM, utf16LE, utf16BE, windows1252

    var bomLength: Int {
        switch self {
        case .utf8BOM: 3
        case .utf16LE, .utf16BE: 2
        case .utf8, .windows1252: 0
        }
    }
}

/// Problems with a whole file: thrown, so nothing is written (SPEC 8's exit status).
public enum FileError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case empty
    case truncatedCharacter
    case invalidUTF16(row: Int)
    case unbalancedQuote(row: Int)
    case tooManyColumns(count: Int, limit: Int)
    /// A workbook, a PDF or other binary data instead of CSV text; the format when known.
    case notText(format: String?)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason). Check that its folder exists and that you may write there, or name another file"
        case .empty: "the file is empty: export the list again, with its header row"
        case .truncatedCharacter:
            "the file ends in the middle of a character, so it looks cut short: export or copy it again"
        case .invalidUTF16(let row):
            "the file says it is UTF-16 but row \(row) is not valid UTF-16: export it again as CSV UTF-8"
        case .unbalancedQuote(let row):
            "row \(row) opens a quoted cell that is never closed, so the rest of the file would be read into one cell: fix the quote in row \(row) and try again"
        case .notText(let format?):
            "this is \(format), not a CSV file: open it in its program, save or export it as CSV UTF-8, and import that file"
        case .notText(nil):
            "this does not look like a CSV file: its first bytes are not text. Check that it is the right file, and save or export the list as CSV UTF-8"
        case .tooManyColumns(let count, let limit):
            "the file has \(count) or more columns; a contact list has at most \(limit): check that it is the right file"
        }
    }
}

/// Reads a file in fixed-size chunks: never the whole file in memory.
final class ChunkedFile {
    private let descriptor: Int32
    static let chunkSize = 1 << 16

    init(path: String) throws {
        // Non-blocking only to open: a FIFO with no writer would otherwise block forever here.
        descriptor = open(path, O_RDONLY | O_NONBLOCK)
        if descriptor < 0 {
            let reason = switch errno {
            case ENOENT: "there is no such file. Check the name and the folder (`ls` lists the files here)"
            case EACCES: "you may not read it. Ask whoever shared it for access, or copy it somewhere you can read"
            default: String(cString: strerror(errno))
            }
            throw FileError.cannotRead(path: path, reason: reason)
        }
        var info = stat()
        let kind = fstat(descriptor, &info) == 0 ? info.st_mode & S_IFMT : S_IFREG
        if kind != S_IFREG {
            close(descriptor)
            // A pipe or a device cannot be read twice (the fingerprint, then the rows), and
            // /dev/zero would never end.
            throw FileError.cannotRead(path: path, reason: kind == S_IFDIR ? "it is a folder, not a file"
                : "it is not a regular file (a pipe or a device): save the list to a file and import that")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }

    deinit { close(descriptor) }

    /// The next chunk, empty at the end of the file.
    func next(into buffer: inout [UInt8]) throws -> Int {
        if buffer.count < Self.chunkSize { buffer = [UInt8](repeating: 0, count: Self.chunkSize) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, Self.chunkSize) }
            if n >= 0 { return n }
            if errno != EINTR { throw FileError.cannotRead(path: "the file", reason: String(cString: strerror(errno))) }
        }
    }
}

/// What one pass over the raw bytes learns before anything is read: the file's encoding
/// (decided by the whole file, not its start) and whether it is text at all. The SHA-256
/// for the same-file guard (SPEC 4) is worked out beside the rows (`BackgroundFileHash`).
public struct FileFingerprint: Equatable, Sendable {
    public let encoding: SourceEncoding
    public let byteCount: Int
    /// The first 4 KiB, for telling a workbook or binary data from text (`binaryFormat`).
    public let head: [UInt8]
    /// A file read as Windows-1252 that had valid UTF-8 letters before its first byte that
    /// is not UTF-8 (a UTF-8 export one cell of which a program saved in its own
    /// encoding): the line of that byte, for the warning to name.
    public var strayByteLine: Int? = nil

    public static func scan(path: String) throws -> FileFingerprint {
        let file = try ChunkedFile(path: path)
        var validator = UTF8Validator()
        var buffer: [UInt8] = []
        var head: [UInt8] = []
        var total = 0
        while true {
            let n = try file.next(into: &buffer)
            if n == 0 { break }
            buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                if head.count < 4096 { head.append(contentsOf: chunk.prefix(4096 - head.count)) }
                validator.feed(chunk)
            }
            total += n
        }
        if total == 0 { throw FileError.empty }
        let encoding: SourceEncoding
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            // A BOM then bytes that are not UTF-8 (two exports pasted together, say): read as
            // Windows-1252 like any other file that is not UTF-8, with its warning, rather
            // than let U+FFFD replace the accented letters without a word. The BOM is skipped.
            if validator.isValid || validator.failedOnlyAtEnd { encoding = .utf8BOM } else { encoding = .windows1252 }
        } else if head.starts(with: [0xFF, 0xFE]) {
            encoding = .utf16LE
        } else if head.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16BE
        } else if validator.isValid {
            encoding = .utf8
        } else if validator.failedOnlyAtEnd {
            throw FileError.truncatedCharacter
        } else {
            encoding = .windows1252
        }
        if encoding == .utf8BOM, !validator.isValid {
            if validator.failedOnlyAtEnd { throw FileError.truncatedCharacter }
        }
        var fingerprint = FileFingerprint(encoding: encoding, byteCount: total, head: head)
        if encoding == .windows1252, validator.sawMultibyte, let offset = validator.errorOffset {
            fingerprint.strayByteLine = try lineOf(offset: offset, path: path)
        }
        return fingerprint
    }

    /// The line (1 for the first) that holds byte `offset`.
    private static func lineOf(offset: Int, path: String) throws -> Int {
        let file = try ChunkedFile(path: path)
        var buffer: [UInt8] = []
        var seen = 0, line = 1, afterCR = false
        while seen < offset {
            let n = try file.next(into: &buffer)
            if n == 0 { break }
            // LF, CRLF and CR alone each end a line.
            for b in buffer.prefix(min(n, offset - seen)) {
                if b == 0x0A { if !afterCR { line += 1 } } else if b == 0x0D { line += 1 }
                afterCR = b == 0x0D
            }
            seen += n
        }
        return line
    }
}

/// What a contact file's first bytes say it is when it is not text: a spreadsheet workbook saved
/// instead of CSV (the common mistake), a PDF, or binary data ("" for unknown).
func binaryFormat(_ head: [UInt8]) -> String?? {
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .some("a spreadsheet workbook (.xlsx, .ods) or another ZIP file") }
    if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .some("an old Excel workbook (.xls)") }
    if head.starts(with: Array("%PDF".utf8)) { return .some("a PDF document") }
    // UTF-32 (its BOM starts as UTF-16 LE's does): text, but not one spreadsheets save as CSV.
    if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return .some("UTF-32 text") }
    if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return nil }   // UTF-16: NULs are normal
    // UTF-16 without its byte order mark: every other byte NUL, beside ASCII.
    if head.count >= 8 {
        let pairs = head.count / 2
        let asciiPair = { (text: UInt8, zero: UInt8) in zero == 0 && text >= 0x09 && text < 0x7F }
        let little = (0..<pairs).filter { asciiPair(head[2 * $0], head[2 * $0 + 1]) }.count
        let big = (0..<pairs).filter { asciiPair(head[2 * $0 + 1], head[2 * $0]) }.count
        if max(little, big) * 10 >= pairs * 9 {
            return .some("UTF-16 text without the byte order mark that says how to read it")
        }
    }
    // Text has no C0 control bytes but tab, CR, LF (and a stray NUL or form feed at most).
    let controls = head.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }.count
    return controls * 20 > head.count ? .some(nil) : nil
}

/// An incremental UTF-8 validity check (rejects overlongs and surrogates).
struct UTF8Validator {
    private var need = 0
    private var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
    private(set) var sawError = false
    /// Where the first byte that is not UTF-8 is, from the start of the file.
    private(set) var errorOffset: Int?
    /// A valid sequence of more than one byte came before any error.
    private(set) var sawMultibyte = false
    private var fed = 0

    var isValid: Bool { !sawError && need == 0 }
    /// The only problem is a sequence cut off by the end of the file.
    var failedOnlyAtEnd: Bool { !sawError && need > 0 }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if sawError { return }
        defer { fed += bytes.count }
        var i = 0
        while i < bytes.count {
            if need == 0 {
                // Runs of ASCII eight bytes at a time: most of a contact list.
                while i + 8 <= bytes.count && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                if i == bytes.count { return }
            }
            let b = bytes[i]
            i += 1
            if need == 0 {
                switch b {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: need = 1; lower = 0x80; upper = 0xBF
                case 0xE0: need = 2; lower = 0xA0; upper = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: need = 2; lower = 0x80; upper = 0xBF
                case 0xED: need = 2; lower = 0x80; upper = 0x9F
                case 0xF0: need = 3; lower = 0x90; upper = 0xBF
                case 0xF1...0xF3: need = 3; lower = 0x80; upper = 0xBF
                case 0xF4: need = 3; lower = 0x80; upper = 0x8F
                default: sawError = true; errorOffset = fed + i - 1; return
                }
            } else {
                guard b >= lower && b <= upper else { sawError = true; errorOffset = fed + i - 1; return }
                need -= 1
                lower = 0x80; upper = 0xBF
                if need == 0 { sawMultibyte = true }
            }
        }
    }
}

/// Turns a file's bytes into UTF-8, chunk by chunk.
struct Transcoder {
    let encoding: SourceEncoding
    private var skip: Int
    private var carry: [UInt8] = []
    private var highSurrogate: UInt32?
    /// Count of record ends seen so far, for the row number in a UTF-16 error.
    var rowHint = 1

    /// Windows-1252 is also the reading of a UTF-8-BOM file that is not valid UTF-8: its
    /// first bytes are checked once for that BOM.
    private var checkUTF8BOM: Bool

    init(encoding: SourceEncoding) {
        self.encoding = encoding
        skip = encoding.bomLength
        checkUTF8BOM = encoding == .windows1252
    }

    /// Windows-1252's 0x80–0x9F; other bytes are Latin-1. Undefined bytes keep their C1
    /// code point, which the field rules refuse as a control character.
    static let cp1252: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    mutating func transcode(_ input: ArraySlice<UInt8>, into output: inout [UInt8], atEnd: Bool) throws {
        var bytes = input
        if checkUTF8BOM {
            checkUTF8BOM = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { skip = 3 }
        }
        if skip > 0 {
            let dropped = min(skip, bytes.count)
            bytes = bytes.dropFirst(dropped)
            skip -= dropped
        }
        switch encoding {
        case .utf8, .utf8BOM:
            output.append(contentsOf: bytes)
        case .windows1252:
            for b in bytes {
                if b < 0x80 { output.append(b) }
                else if b < 0xA0 { appendScalar(Self.cp1252[Int(b - 0x80)], to: &output) }
                else { appendScalar(UInt32(b), to: &output) }
            }
        case .utf16LE, .utf16BE:
            carry.append(contentsOf: bytes)
            let usable = carry.count - carry.count % 2
            var i = 0
            while i < usable {
                let unit = encoding == .utf16LE ? UInt32(carry[i]) | UInt32(carry[i + 1]) << 8
                                                : UInt32(carry[i]) << 8 | UInt32(carry[i + 1])
                i += 2
                if let high = highSurrogate {
                    guard (0xDC00...0xDFFF).contains(unit) else { throw FileError.invalidUTF16(row: rowHint) }
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &output)
                    highSurrogate = nil
                } else if (0xD800...0xDBFF).contains(unit) {
                    highSurrogate = unit
                } else if (0xDC00...0xDFFF).contains(unit) {
                    throw FileError.invalidUTF16(row: rowHint)
                } else {
                    if unit == 0x0A { rowHint += 1 }
                    appendScalar(unit, to: &output)
                }
            }
            carry.removeFirst(usable)
            if atEnd && (!carry.isEmpty || highSurrogate != nil) { throw FileError.truncatedCharacter }
        }
    }

    private func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

/// Text that was UTF-8 and went through a Windows-1252 reading: "Ã©" for é, "â€™" for ’.
/// A spreadsheet that opens an exported (UTF-8) file as Windows-1252 shows it so, and saves
/// it so, as "CSV UTF-8" or as "CSV"; a file that is UTF-8 but for a cell a spreadsheet
/// saved is read as Windows-1252 whole (SPEC 2), with the same result. The rule that
/// catches it keeps a merge from storing it over every accented name (`RowNormaliser`).
enum MixedEncoding {
    /// What Windows-1252 reads each of UTF-8's continuation bytes (0x80–0xBF) as, and the
    /// byte it stands for.
    private static let continuationByte: [UInt32: UInt32] = {
        var bytes: [UInt32: UInt32] = [:]
        for b in 0x80...0xBF {
            let seen: UInt32 = b < 0xA0 ? Transcoder.cp1252[b - 0x80] : UInt32(b)
            bytes[seen] = UInt32(b)
        }
        return bytes
    }()

    /// Whether `text` holds a UTF-8 lead byte read as a Windows-1252 letter (Â–ß, à–ï, ð–ô)
    /// followed by as many continuation bytes as it announces. No name or address has these.
    /// A two-byte one counts only when the character it spelt is of a script people's names
    /// and addresses are written in: an upper-case É, Í or ß before ’, » or “ (`RENÉ’S`,
    /// `„Spaß“`) spells an IPA or N'Ko letter, and is the text as it was written.
    static func looksDecodedTwice(_ text: String) -> Bool {
        // Over the bytes themselves (a tight loop), not String's UTF-8 view one byte a call:
        // every cell of every row passes here, and nearly all are ASCII.
        if Text.isASCII(text) { return false }
        let scalars = Array(text.unicodeScalars)
        for i in scalars.indices {
            let v = scalars[i].value
            let needed = (0xC2...0xDF).contains(v) ? 1 : (0xE0...0xEF).contains(v) ? 2 : (0xF0...0xF4).contains(v) ? 3 : 0
            guard needed > 0, i + needed < scalars.count else { continue }
            guard (1...needed).allSatisfy({ continuationByte[scalars[i + $0].value] != nil }) else { continue }
            if needed > 1 { return true }
            let spelt = ((v & 0x1F) << 6) | ((continuationByte[scalars[i + 1].value] ?? 0) & 0x3F)
            if writtenScripts.contains(where: { $0.contains(spelt) }) { return true }
        }
        return false
    }

    /// Latin (with Vietnamese and Romanian letters, and the modifier letters such as
    /// Hawaiian's ʻokina), the common combining accents (text in decomposed form), Greek,
    /// Cyrillic, Hebrew and Arabic. Left out: IPA, Armenian's, N'Ko's and others' letters.
    private static let writtenScripts: [ClosedRange<UInt32>] = [
        0x0080...0x023F, 0x02B0...0x02FF, 0x0300...0x031F, 0x0370...0x03FF, 0x0400...0x04BF, 0x05C0...0x05FF, 0x0600...0x06FF,
    ]
}

/// Characters a conversion could not hold. Excel saving "CSV" (Windows-1252) writes `?` for
/// each one (`??` for an emoji, one per UTF-16 half) or, by Windows' best fit, the bare
/// letter (`ś` → `s`); a lossy UTF-8 conversion writes U+FFFD (`�`). Read back and merged,
/// such a cell would overwrite `Łódź` with `?ód?`.
enum LostCharacters {
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Whether `text` holds U+FFFD: a character already lost before roster read the file.
    static func hasReplacement(_ text: String) -> Bool {
        !Text.isASCII(text) && text.unicodeScalars.contains(replacement)
    }

    /// Whether `cell` is `stored` with one or more characters lost as above, and otherwise
    /// the same: the stored value as a spreadsheet wrote it back, not an edit. `?` counts for
    /// a character Windows-1252 cannot hold in any file (such a save, re-saved as UTF-8 or
    /// carried into a report file, still has it); a bare best-fit letter only in a file read
    /// as Windows-1252 (in UTF-8 it may be a real edit); U+FFFD in any file.
    static func isLossyCopy(_ cell: String, of stored: String, windows1252: Bool) -> Bool {
        // Every merge row's phone and date differ from the stored form: an ASCII stored value
        // (nearly all) has nothing to lose, and is answered from its bytes.
        guard !Text.isASCII(stored), cell != stored else { return false }
        let lost = Array(cell.unicodeScalars), kept = Array(stored.unicodeScalars)
        var i = 0, substituted = false
        for s in kept {
            guard i < lost.count else { return false }
            let c = lost[i]
            if c == s { i += 1; continue }
            let unencodable = !isWindows1252(s)
            if c == replacement || (unencodable && c == "?") {
                i += 1
                // One character outside the Basic Multilingual Plane is two UTF-16 halves.
                if s.value > 0xFFFF, i < lost.count, lost[i] == c { i += 1 }
            } else if windows1252, unencodable, let base = bareLetter(s), c == base {
                i += 1
            } else {
                return false
            }
            substituted = true
        }
        return substituted && i == lost.count
    }

    static func isWindows1252(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x80 || (0xA0...0xFF).contains(s.value) || windows1252Extra.contains(s.value)
    }
    /// The characters of Windows-1252's 0x80–0x9F (not its five undefined bytes).
    private static let windows1252Extra: Set<UInt32> = Set(Transcoder.cp1252.filter { $0 > 0xFF })

    /// Whether a file read as Windows-1252 can hold `stored` at all: a cell edited there
    /// lost what it cannot (`Ł`, an emoji), whatever else the edit did.
    static func windows1252Holds(_ stored: String) -> Bool {
        Text.isASCII(stored) || stored.unicodeScalars.allSatisfy(isWindows1252)
    }

    /// Letters Windows' best fit writes bare that have no canonical decomposition.
    private static let bestFit: [Unicode.Scalar: Unicode.Scalar] = ["Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"]

    /// `ś` → `s`: the letter without its marks, as Windows' best fit writes it.
    private static func bareLetter(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        if let fit = bestFit[s] { return fit }
        guard let first = String(s).decomposedStringWithCanonicalMapping.unicodeScalars.first, first.isASCII,
              first != s else { return nil }
        return first
    }
}
