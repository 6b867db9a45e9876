import Foundation

/// Writes RFC 4180 CSV (CRLF-free: LF line ends, quoting where needed) to a file created
/// with mode 0600 whatever the umask, or to standard output. Buffered.
public final class CSVWriter {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    public let path: String?
    /// For `replacing`: the file the rows are for, written only by `commit`.
    private var replaces: String?

    /// Creates (or truncates) `path` with mode 0600: the files hold PHI (SPEC 5).
    /// Anything but a regular file (`/dev/null`, a named pipe, a terminal) is written as it
    /// is, its mode untouched.
    public convenience init(path: String) throws {
        try self.init(path: path, opening: .create)
    }

    private enum Opening {
        /// Created, or truncated, as a file the user named.
        case create
        /// A new file of roster's own, never one already there (nor a link planted in its
        /// name): `replacing`'s file beside the target.
        case exclusive
        /// A device or a named pipe already there, opened as it is (not created, not
        /// truncated); a pipe with no reader is an error, not a wait forever.
        case special
    }

    private init(path: String, opening: Opening) throws {
        let fd = switch opening {
        case .create: open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .exclusive: open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        case .special: open(path, O_WRONLY | O_NONBLOCK)
        }
        if fd < 0 && opening == .special && errno == ENXIO {
            throw FileError.cannotWrite(path: path, reason: "it is a named pipe that no program is reading; start the reader first")
        }
        if fd < 0 { throw FileError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        if opening == .special { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG { fchmod(fd, 0o600) }
        descriptor = fd
        ownsDescriptor = true
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes to an open descriptor (standard output).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        ownsDescriptor = false
        path = nil
    }

    /// Writes `path` whole or not at all: the rows go to a new file beside it (mode 0600),
    /// which `commit` renames over it. A run that fails leaves `path` as it was (an export
    /// to the file a person is editing must not empty it). Links are followed to the file
    /// they end at, which is the one replaced. A path that is there and is not a regular
    /// file (`/dev/null`, a named pipe, `/dev/stdout`) is written straight to: renamed
    /// over, it would be replaced by a file.
    public static func replacing(path: String) throws -> CSVWriter {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            if info.st_mode & S_IFMT == S_IFDIR {
                throw FileError.cannotWrite(path: path, reason: "it is a folder; give a file name, such as \((path as NSString).appendingPathComponent("contacts.csv"))")
            }
            // A pipe whose reader went away answers EPIPE, an error the run reports (and
            // rolls back for), instead of SIGPIPE ending the process without a word.
            signal(SIGPIPE, SIG_IGN)
            return try CSVWriter(path: path, opening: .special)
        }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        // As writing it in place would: a read-only file is not replaced.
        if access(target, F_OK) == 0 && access(target, W_OK) != 0 {
            throw FileError.cannotWrite(path: path, reason: "it is read-only; make it writable, or name another file")
        }
        let folder = (target as NSString).deletingLastPathComponent
        if access(folder.isEmpty ? "." : folder, W_OK) != 0 {
            throw FileError.cannotWrite(path: path, reason: "roster writes the new file beside it and then renames it into place, so its folder must be writable; name a file in a folder you may write to")
        }
        let temporary = target + ".roster-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial"
        let writer = try CSVWriter(path: temporary, opening: .exclusive)
        writer.replaces = target
        PartialFile.removeOnInterrupt(temporary)
        return writer
    }

    /// The rows written are the file now (`replacing`).
    public func commit() throws {
        guard let replaces, let path else { return try flush() }
        try flush()
        // On disk before it takes the target's name: a crash then leaves the old file or
        // the whole new one, never a short one.
        fsync(descriptor)
        if rename(path, replaces) != 0 {
            throw FileError.cannotWrite(path: replaces, reason: String(cString: strerror(errno)))
        }
        self.replaces = nil
        PartialFile.removeOnInterrupt(nil)
    }

    /// The rows written are not wanted (`replacing`): the file is left as it was.
    public func abandon() {
        if replaces != nil, let path { unlink(path) }
        replaces = nil
        PartialFile.removeOnInterrupt(nil)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(descriptor) }
        if replaces != nil, let path {   // never committed: the partial file goes
            unlink(path)
            PartialFile.removeOnInterrupt(nil)
        }
    }

    public func write(row: [String]) throws {
        try write(cells: row.count) { i, bytes in bytes.append(contentsOf: row[i].utf8) }
    }

    /// Writes a row of `count` cells, each made as UTF-8 by `cell(i, &bytes)` (given empty):
    /// export makes its cells from the stored bytes.
    public func write(cells count: Int, _ cell: (Int, inout [UInt8]) -> Void) throws {
        // The buffer is taken out of the object for the row: one exclusive access, not one per cell.
        var out = buffer
        buffer = []
        var bytes = scratch
        scratch = []
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            bytes.removeAll(keepingCapacity: true)
            cell(i, &bytes)
            bytes.withUnsafeBufferPointer { Self.append($0, to: &out) }
        }
        out.append(0x0A)
        (buffer, scratch) = (out, bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private var scratch: [UInt8] = []

    /// One cell's bytes (UTF-8), quoted when it holds a comma, a quote or a line break, or
    /// starts or ends with whitespace; quotes inside doubled.
    private static func append(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var special = false, hasQuote = false
        for b in utf8 {
            if b == 0x22 { hasQuote = true } else if b == 0x2C || b == 0x0A || b == 0x0D { special = true }
        }
        guard special || hasQuote || edgeIsWhitespace(utf8.first, { String(decoding: utf8, as: UTF8.self).first })
                || edgeIsWhitespace(utf8.last, { String(decoding: utf8, as: UTF8.self).last }) else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(0x22)
        if hasQuote {
            for b in utf8 {
                if b == 0x22 { out.append(0x22) }
                out.append(b)
            }
        } else {
            out.append(contentsOf: utf8)
        }
        out.append(0x22)
    }

    /// Whether a cell starts (or ends) with whitespace, which a spreadsheet would trim
    /// unless quoted: ASCII answered from the byte, anything else by the Character.
    @inline(__always)
    static func edgeIsWhitespace(_ byte: UInt8?, _ character: () -> Character?) -> Bool {
        guard let byte else { return false }
        if byte < 0x80 { return byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C }
        return character()?.isWhitespace == true
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.cannotWrite(path: path ?? "standard output", reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Spreadsheet formula neutralising (issue 7): a text cell starting with `=`, `+`, `-`
/// or `@` is exported behind a `'` so a spreadsheet shows it as text, and reading a file
/// drops that one `'` again, so export → merge gives the original value back.
public enum FormulaGuard {
    /// Whether `value`, after any apostrophes, starts with a byte a spreadsheet reads as a
    /// formula (`=`, `+`, `-`, `@`). Bytes, not Characters: "=" with a combining mark after
    /// it still starts a formula, and escape and unescape must agree.
    static func startsLikeAFormula<Bytes: Sequence>(_ utf8: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let first = utf8.first(where: { $0 != UInt8(ascii: "'") }) else { return false }
        return first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@")
    }

    public static func escape(_ value: String) -> String {
        startsLikeAFormula(value.utf8) ? "'" + value : value
    }

    public static func unescape(_ cell: String) -> String {
        guard cell.utf8.first == UInt8(ascii: "'"), startsLikeAFormula(cell.utf8) else { return cell }
        return String(cell.dropFirst())
    }
}

/// The file `CSVWriter.replacing` is writing, removed if the process is interrupted
/// (Ctrl-C, `kill`): it holds the contacts written so far, and must not be left behind.
/// One at a time (a run writes one such file); the handler only unlinks and re-raises.
enum PartialFile {
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var installed = false

    static func removeOnInterrupt(_ newPath: String?) {
        let old = path
        path = newPath.map { strdup($0) }
        free(old)
        guard newPath != nil, !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in
                if let partial = PartialFile.path { unlink(partial) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
