// Shared by the libFuzzer targets of Scripts/fuzz (issue 7). Not part of the SwiftPM
// package: each target is compiled by swiftc together with Sources/RosterKit, so the
// internal API is reachable without @testable.
import Foundation

/// Scratch files, one set per process (libFuzzer's -fork/-jobs workers each get their own):
/// in $ROSTER_FUZZ_SCRATCH (Scripts/fuzz sets it under the build folder) or the temp folder.
enum FuzzScratch {
    static let directory: String = {
        let dir = ProcessInfo.processInfo.environment["ROSTER_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        _ = mkdir(dir, 0o700)
        return dir
    }()

    static func path(_ name: String) -> String { "\(directory)/roster-fuzz-\(getpid())-\(name)" }

    /// Replaces the file at `path` with `bytes`.
    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        defer { close(fd) }
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                precondition(n > 0 || errno == EINTR, "cannot write \(path)")
                if n > 0 { offset += n }
            }
        }
    }
}

/// Stops the run with a message libFuzzer records with the crash: a broken property is
/// a finding just like a trap.
func fuzzFailure(_ message: String, input: [UInt8]) -> Never {
    let hex = input.prefix(512).map { String(format: "%02x", $0) }.joined()
    FileHandle.standardError.write(Data("roster fuzz property failed: \(message)\ninput (hex, first 512 bytes): \(hex)\n".utf8))
    fatalError(message)
}

/// Every record of a file until the end or the first error; more records than bytes
/// (plus the header's) means the reader stopped advancing, which is reported as a hang.
func fuzzReadAll(path: String, encoding: SourceEncoding, delimiter: UInt8, fieldByteLimit: Int, maxFields: Int,
                 byteCount: Int, input: [UInt8]) -> (records: [CSVRecord], error: FileError?) {
    var records: [CSVRecord] = []
    do {
        let reader = try CSVReader(path: path, encoding: encoding, delimiter: delimiter,
                                   fieldByteLimit: fieldByteLimit, maxFields: maxFields)
        while let record = try reader.next() {
            records.append(record)
            if records.count > byteCount + 2 { fuzzFailure("more records than bytes: the reader does not advance", input: input) }
        }
        return (records, nil)
    } catch let error as FileError {
        return (records, error)
    } catch {
        fuzzFailure("the reader threw \(type(of: error)), not a FileError: \(error)", input: input)
    }
}
