import Foundation
import Testing

/// The package's root folder.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testdataRoot = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
var testdataAvailable: Bool { FileManager.default.fileExists(atPath: testdataRoot.path) }

/// The built `roster` binary, beside the test bundle (swift test builds every product).
let rosterBinary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("roster")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/roster")
}()

struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A scratch folder with its own database, and a way to run roster in it.
final class CLI {
    let dir: URL
    var environment: [String: String]

    init() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path, "ROSTER_DB": dir.appendingPathComponent("roster.sqlite").path]
        // A sanitizer run (docs/RELIABILITY.md) sets its options for the children too.
        for (key, value) in ProcessInfo.processInfo.environment
        where ["ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"].contains(key) {
            environment[key] = value
        }
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func file(_ name: String, _ text: String) -> String {
        precondition(FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8)), "could not write \(name)")
        return path(name)
    }

    /// An executable script with no side effects, run once until it starts. A test running
    /// beside this one may start a process while the script is still open for writing; until
    /// that child has exec'd, running the script fails (ETXTBSY, "text file busy"), and
    /// nothing opens it for writing again afterwards.
    func script(_ name: String, _ text: String) -> String {
        let path = file(name, text)
        chmod(path, 0o755)
        for _ in 0..<100 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
                break
            } catch {
                usleep(20_000)
            }
        }
        return path
    }

    /// Runs roster with `arguments`; `umask` sets the process's umask first (via sh).
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:], umask: String? = nil) throws -> Outcome {
        let process = Process()
        if let umask {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "umask \(umask); exec \"$0\" \"$@\"", rosterBinary.path] + arguments
        } else {
            process.executableURL = rosterBinary
            process.arguments = arguments
        }
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and expects success.
    @discardableResult
    func ok(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        let outcome = try run(arguments, environment: extra)
        #expect(outcome.status == 0, "roster \(arguments.joined(separator: " ")) failed: \(outcome.stderr)")
        return outcome
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try ok(arguments)
        return (try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// A practice "Phil's Physical Therapy" with locations Nashua and Hudson.
    func setUpPractice() throws {
        try ok(["practice", "add", "Phil's Physical Therapy", "--owner", "Phil Jones", "--phone", "(603) 555-0100",
                "--address", "12 Main St, Nashua, NH 03060"])
        try ok(["location", "add", "Nashua", "--practice", "Phil's Physical Therapy"])
        try ok(["location", "add", "Hudson", "--practice", "Phil's Physical Therapy"])
    }

    func integrity(_ db: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db ?? environment["ROSTER_DB"] ?? "", "PRAGMA integrity_check"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }
}

var sqlite3Available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") }
