import Foundation
import Testing
@testable import RosterKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SPEC 11, issue 7 part 1: one import is one transaction. The short variant of
/// Scripts/crashtest (which kills a 200,000-row import and merge 100 times each; figures in
/// docs/RELIABILITY.md): 5 SIGKILLs of an import that both creates and copies contacts, 3 of
/// a merge that updates every contact and adds memberships, and a write past a file-size
/// limit. After each: integrity ok, the database holds all of the
/// run or none of it, and the next run of the same command works.
///
/// ROSTER_CRASH_ROWS sets the file's rows (default 3,000: a debug build imports about
/// 2,000 rows a second, and the test runs the import about ten times); ROSTER_BIN runs
/// another binary (a release build takes 20,000 rows in about the same time).
@Suite(.serialized) struct CrashSafetyTests {
    static let rows = ProcessInfo.processInfo.environment["ROSTER_CRASH_ROWS"].flatMap { Int($0) } ?? 3_000
    static let firstRows = rows / 10

    /// A practice with Nashua holding the first tenth of the big file: importing the big file
    /// into Hudson creates 90% of its rows and copies the rest (true duplicates).
    func setUp(_ cli: CLI) throws -> (command: [String], base: String) {
        try cli.setUpPractice()
        let big = cli.file("big.csv", ContactRows.file(0..<Self.rows))
        let first = cli.file("first.csv", ContactRows.file(0..<Self.firstRows))
        try cli.ok(["import", first, "--location", "Nashua", "--consent", "email,text", "--quiet"])
        let base = cli.path("base.sqlite")
        try cli.copyDatabase(cli.database, to: base)
        return (["import", big, "--location", "Hudson", "--consent", "email,text", "--max-rows", "300000", "--again", "--quiet"], base)
    }

    @Test(.enabled(if: sqlite3Available)) func killedImportsLeaveAllOrNothing() throws {
        let cli = CLI()
        let (command, base) = try setUp(cli)
        let before = try cli.counts()

        // A complete run on the same database: the "after" counts and the run's duration.
        let duration = try cli.complete(command).seconds
        let after = try cli.counts()
        #expect(after["contact"] == Self.rows)
        #expect(after["membership"] == Self.rows + Self.firstRows)
        #expect(after["outbox"] == Self.rows)
        #expect(after["operation"] == 2)
        // The next run after a kill that left everything skips every row and records one
        // more history entry.
        var afterAgain = after
        afterAgain["operation", default: 0] += 1

        var random = SplitMix(seed: 11)
        var left: [String] = []
        for kill in 1...5 {
            try cli.copyDatabase(base, to: cli.database)
            // Kills spread over the run, and clustered near its end (the commit).
            let delay = duration * (kill.isMultiple(of: 2) ? random.uniform(0.05, 0.9) : random.uniform(0.75, 1.1))
            let child = try cli.spawn(command)
            let deadline = Date().addingTimeInterval(delay)
            while Date() < deadline, child.poll() == nil { usleep(2_000) }
            let finished = child.poll() != nil
            child.kill(SIGKILL)
            let outcome = child.wait(timeout: 120)
            // A run may also end by itself between the last look and the kill: then it exited 0.
            #expect(outcome.status == 0 || (!finished && outcome.signal == SIGKILL), "kill \(kill): \(outcome.description) \(outcome.stderr)")

            // Checked on a copy: the next run meets the files as the kill left them.
            let check = cli.path("check.sqlite")
            try cli.copyDatabase(cli.database, to: check)
            #expect(try cli.integrity(check) == "ok", "kill \(kill) at \(delay) s")
            let counts = try cli.counts(check)
            #expect(counts == before || counts == after, "kill \(kill) at \(delay) s left half a run: \(counts)")
            let state = counts == before ? "none" : counts == after ? "all" : "HALF"
            left.append("\(String(format: "%.2f", delay)) s: \(outcome.signal == SIGKILL ? "killed" : "finished"), \(state)")

            // The next run of the same command works and leaves the whole run.
            try cli.complete(command)
            #expect(try cli.integrity() == "ok")
            #expect(try cli.counts() == (state == "none" ? after : afterAgain), "the run after kill \(kill)")
        }
        print("crash safety: \(Self.rows) rows, a complete run \(String(format: "%.2f", duration)) s; kills: \(left.joined(separator: "; "))")
    }

    /// The same for a merge (the short variant of `Scripts/crashtest`'s merge case): Hudson's
    /// export with every Insurance Carrier changed, merged into Nashua, so the run updates
    /// every contact and adds the memberships Nashua lacks. 3 kills; after each the number
    /// of contacts carrying the new carrier is 0 or all of them.
    @Test(.enabled(if: sqlite3Available)) func killedMergesLeaveAllOrNothing() throws {
        let cli = CLI()
        let (importCommand, _) = try setUp(cli)
        try cli.complete(importCommand)
        let export = cli.path("hudson.csv"), edited = cli.path("edited.csv")
        try cli.ok(["export", "--location", "Hudson", "--out", export])
        let marker = "Kill Test Carrier"
        let reader = try CSVReader(path: export)
        let writer = try CSVWriter(path: edited)
        let header = try #require(try reader.next()).fields
        let carrier = try #require(header.firstIndex(of: "Insurance Carrier"))
        try writer.write(row: header)
        while let record = try reader.next() {
            var cells = record.fields
            cells[carrier] = marker
            try writer.write(row: cells)
        }
        try writer.flush()
        let base = cli.path("merge-base.sqlite")
        try cli.copyDatabase(cli.database, to: base)
        let command = ["merge", edited, "--location", "Nashua", "--consent", "email", "--quiet", "--max-rows", "300000", "--again"]
        let before = try cli.counts(marker: marker)
        let duration = try cli.complete(command).seconds
        let after = try cli.counts(marker: marker)
        #expect(before["marked"] == 0 && after["marked"] == Self.rows)
        #expect(after["membership"] == 2 * Self.rows)
        var afterAgain = after
        afterAgain["operation", default: 0] += 1

        var random = SplitMix(seed: 23)
        for kill in 1...3 {
            try cli.copyDatabase(base, to: cli.database)
            let delay = duration * (kill == 2 ? random.uniform(0.05, 0.9) : random.uniform(0.75, 1.1))
            let child = try cli.spawn(command)
            let deadline = Date().addingTimeInterval(delay)
            while Date() < deadline, child.poll() == nil { usleep(2_000) }
            let finished = child.poll() != nil
            child.kill(SIGKILL)
            let outcome = child.wait(timeout: 120)
            // A run may also end by itself between the last look and the kill: then it exited 0.
            #expect(outcome.status == 0 || (!finished && outcome.signal == SIGKILL), "kill \(kill): \(outcome.description) \(outcome.stderr)")
            let check = cli.path("check.sqlite")
            try cli.copyDatabase(cli.database, to: check)
            #expect(try cli.integrity(check) == "ok", "kill \(kill) at \(delay) s")
            let counts = try cli.counts(check, marker: marker)
            #expect(counts == before || counts == after, "kill \(kill) at \(delay) s left half a merge: \(counts)")
            try cli.complete(command)
            #expect(try cli.integrity() == "ok")
            #expect(try cli.counts(marker: marker) == (counts == before ? after : afterAgain), "the run after kill \(kill)")
        }
    }

    /// A write past a file-size limit (`ulimit -f`, what a full disk looks like without
    /// root): a clear message, a non-zero exit, never a signal, and nothing written.
    @Test(.enabled(if: sqlite3Available)) func fileSizeLimitFailsCleanlyAndWritesNothing() throws {
        let cli = CLI()
        let (command, _) = try setUp(cli)
        let before = try cli.counts()
        let size = ((try? FileManager.default.attributesOfItem(atPath: cli.database))?[.size] as? Int) ?? 0
        // dash's `ulimit -f` counts 512-byte blocks: room for the database and 256 KiB more,
        // far less than the import needs.
        let blocks = (size + 256 * 1024) / 512
        let child = try cli.spawnShell("ulimit -f \(blocks); exec \"$0\" \"$@\"", command)
        let outcome = child.wait(timeout: 120)
        print("file-size limit: \(blocks) blocks over a \(size / 1024) KiB database: \(outcome.description): \(outcome.stderr)")
        #expect(!outcome.timedOut)
        #expect(outcome.signal == nil, "roster died of signal \(outcome.signal ?? 0) (SIGXFSZ is 25)")
        #expect(outcome.status != nil && outcome.status != 0)
        #expect(outcome.stderr.hasPrefix("roster: error: "))
        let message = outcome.stderr.lowercased()
        #expect(message.contains("size limit") || message.contains("disk is full") || message.contains("space"), "\(outcome.stderr)")
        #expect(message.contains("nothing was written"))
        #expect(try cli.integrity() == "ok")
        #expect(try cli.counts() == before)

        // Without the limit, the same command works.
        try cli.complete(command)
        #expect(try cli.integrity() == "ok")
        #expect(try cli.counts()["contact"] == Self.rows)
    }
}
