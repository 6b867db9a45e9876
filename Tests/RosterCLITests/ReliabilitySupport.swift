import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Support for the reliability tests (issue 7: CrashSafetyTests, ConcurrencyTests,
// HostileFileTests): children started with posix_spawn, so that each can be killed at a
// chosen moment, timed out, and measured on its own (wait4 gives that child's peak memory,
// which Foundation's Process cannot), and the counts of a database.

/// How a child ended.
struct ChildOutcome {
    /// The exit status, when the child exited.
    var status: Int32?
    /// The signal that ended the child, when one did.
    var signal: Int32?
    var timedOut = false
    var stdout: String
    var stderr: String
    /// This child's peak resident memory in KiB: the largest VmHWM read from
    /// /proc/<pid>/status while it ran (sampled every 2 ms). wait4's ru_maxrss is no use
    /// here: posix_spawn starts the child in the parent's memory (vfork), and Linux keeps
    /// that image's high-water mark across exec, so it reports at least the test runner's
    /// own size. It is the fallback only when no sample was taken (no /proc).
    var peakKiB: Int
    var seconds: Double

    var exitedZero: Bool { status == 0 }
    var description: String {
        "exit \(status.map(String.init) ?? "-") signal \(signal.map(String.init) ?? "-")\(timedOut ? " TIMED OUT" : "") "
            + String(format: "%.2f s, %.1f MiB", seconds, Double(peakKiB) / 1024)
    }
}

/// A child process: argv[0] is `executable`; stdout and stderr go to files in `directory`;
/// stdin is /dev/null; every signal starts at its default action with none blocked, so what
/// the child does with SIGXFSZ or SIGPIPE is its own doing, not inherited from the runner.
final class Child {
    let pid: pid_t
    private let started = Date()
    private let outPath: String
    private let errPath: String
    private(set) var outcome: ChildOutcome?
    /// The largest VmHWM seen so far.
    private var highWaterKiB = 0

    private static let counter = Counter()

    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: URL) throws {
        let n = Self.counter.next()
        outPath = directory.appendingPathComponent("child-\(n).out").path
        errPath = directory.appendingPathComponent("child-\(n).err").path

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        self.pid = pid
    }

    deinit {
        if outcome == nil {
            sendSignal(pid, SIGKILL)
            _ = wait(timeout: 10)
        }
        unlink(outPath)
        unlink(errPath)
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if outcome == nil { sendSignal(pid, signal) }
    }

    /// Reaps the child if it has ended (without blocking).
    @discardableResult
    func poll() -> ChildOutcome? {
        if let outcome { return outcome }
        sampleMemory()
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, WNOHANG, &usage) == pid else { return nil }
        let low = status & 0x7F
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? Data(contentsOf: URL(fileURLWithPath: errPath))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        outcome = ChildOutcome(status: low == 0 ? (status >> 8) & 0xFF : nil, signal: low != 0 && low != 0x7F ? low : nil,
                               stdout: out, stderr: err, peakKiB: highWaterKiB > 0 ? highWaterKiB : Int(usage.ru_maxrss),
                               seconds: Date().timeIntervalSince(started))
        return outcome
    }

    private func sampleMemory() {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kiB = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else { return }
        highWaterKiB = max(highWaterKiB, kiB)
    }

    /// Whether the child is still running `seconds` from now; it is left running.
    func stillRunning(after seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if poll() != nil { return false }
            usleep(2_000)
        }
        return true
    }

    /// Waits for the child to end; past `timeout` seconds, kills it and marks it timed out.
    func wait(timeout: Double) -> ChildOutcome {
        let deadline = started.addingTimeInterval(timeout)
        while true {
            if let outcome = poll() { return outcome }
            if Date() > deadline {
                sendSignal(pid, SIGKILL)
                while poll() == nil { usleep(1_000) }
                outcome!.timedOut = true
                return outcome!
            }
            usleep(2_000)
        }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}

private func sendSignal(_ pid: pid_t, _ signal: Int32) { _ = kill(pid, signal) }

/// A small seeded random generator (SplitMix64), so every run kills at the same moments.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }
}

/// The binary the reliability tests run: $ROSTER_BIN (a release build, say), else the one
/// `swift test` built. Setting up practices and locations always uses the latter.
let testedBinary: String = {
    if let explicit = ProcessInfo.processInfo.environment["ROSTER_BIN"], FileManager.default.isExecutableFile(atPath: explicit) {
        return explicit
    }
    return rosterBinary.path
}()

extension CLI {
    var database: String { environment["ROSTER_DB"] ?? path("roster.sqlite") }

    /// Starts the tested roster (or `executable`) as a Child in this scratch folder's environment.
    func spawn(_ arguments: [String], executable: String = testedBinary) throws -> Child {
        try Child(executable, arguments, environment: environment, directory: dir)
    }

    /// Runs `sh -c script roster args...` as a Child: `script` ends with `exec "$0" "$@"`.
    func spawnShell(_ script: String, _ arguments: [String]) throws -> Child {
        try Child("/bin/sh", ["-c", script, testedBinary] + arguments, environment: environment, directory: dir)
    }

    /// Runs the tested binary to completion and expects exit 0.
    @discardableResult
    func complete(_ arguments: [String], timeout: Double = 300) throws -> ChildOutcome {
        let outcome = try spawn(arguments).wait(timeout: timeout)
        #expect(outcome.status == 0, "roster \(arguments.joined(separator: " ")): \(outcome.description) \(outcome.stderr)")
        return outcome
    }

    /// The rows of the tables one import or merge writes, and the number of contacts with
    /// `marker` as their insurance carrier (empty when sqlite3 cannot read the database).
    func counts(_ db: String? = nil, marker: String = "-") throws -> [String: Int] {
        let sql = ["contact", "membership", "outbox", "operation", "status_change"]
            .map { "SELECT '\($0)', count(*) FROM \($0);" }.joined()
            + "SELECT 'marked', count(*) FROM contact WHERE insurance_carrier = '\(marker)';"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-separator", "=", db ?? database, sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var result: [String: Int] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=")
            if parts.count == 2 { result[String(parts[0])] = Int(parts[1]) }
        }
        return result
    }

    /// Copies the database (with any -wal) to `to`, replacing what is there.
    func copyDatabase(_ from: String, to: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: to + suffix)
            if FileManager.default.fileExists(atPath: from + suffix) {
                try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
            }
        }
    }
}

/// Deterministic valid contact rows, a smaller cousin of Scripts/rostergen.py: row i is
/// always the same person, and names, emails and phones are unique.
enum ContactRows {
    static let header = "First Name,Last Name,Nickname,Email,Phone (Mobile),Home Phone,Address,Address Line 2,City,State,Country,Sex,Postal Code,Date Of Birth,Insurance Carrier,Phase,Notes"
    static let firstNames = ["Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David",
                             "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Zoë"]
    static let syllables = ["ka", "lo", "mi", "ra", "te", "su", "vi", "be", "da", "go",
                            "ha", "ji", "ku", "ma", "pe", "ro", "sa", "ti", "wu", "ze"]

    static func lastName(_ n: Int) -> String {
        var n = n, parts: [String] = []
        for _ in 0..<3 { parts.append(syllables[n % 20]); n /= 20 }
        while n > 0 { parts.append(syllables[n % 20]); n /= 20 }
        let name = parts.joined()
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    static func row(_ i: Int) -> String {
        let first = firstNames[i % firstNames.count]
        let last = lastName(i / firstNames.count)
        let email = "\(first.lowercased().replacingOccurrences(of: "ë", with: "e")).\(last.lowercased()).\(i)@example.com"
        let phone = "(603) \(200 + i / 10_000)-\(String(format: "%04d", i % 10_000))"
        let notes = i % 3 == 0 ? "\"Prefers mornings, \"\"call first\"\"\"" : ""
        return "\(first),\(last),,\(email),\(phone),,\(1 + i % 997) Main St,,Nashua,NH,US,\(i % 2 == 0 ? "Female" : "Male"),03060,"
            + "\(1 + i % 12)/\(1 + i % 28)/\(1930 + i % 80),Aetna,Lead-New,\(notes)"
    }

    /// The file of rows `range`, with the template header.
    static func file(_ range: Range<Int>) -> String {
        var text = header + "\r\n"
        text.reserveCapacity(range.count * 160)
        for i in range { text += row(i) + "\r\n" }
        return text
    }
}
