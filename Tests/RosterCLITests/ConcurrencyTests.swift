import Foundation
import Testing

/// SPEC 11, issue 7 part 2: two writers on one database. Two imports into different
/// locations start at the same moment, 20 times over: each finishes (a writer waits for the
/// other through the busy timeout), or fails with a clear "database is busy" message; never
/// corruption, never half an import. Scripts/concurrency does the same with bigger files.
@Suite(.serialized) struct ConcurrencyTests {
    @Test(.enabled(if: sqlite3Available)) func twoImportsStartedTogether() throws {
        let cli = CLI()
        try cli.setUpPractice()
        // Overlapping lists: whichever runs second copies the 100 people the first created.
        let a = cli.file("a.csv", ContactRows.file(0..<250))
        let b = cli.file("b.csv", ContactRows.file(150..<400))
        let importA = ["import", a, "--location", "Nashua", "--consent", "email,text", "--quiet"]
        let importB = ["import", b, "--location", "Hudson", "--consent", "email,text", "--quiet"]
        let base = cli.path("base.sqlite")
        try cli.copyDatabase(cli.database, to: base)

        // Every state a correct database can be in afterwards, from runs one at a time.
        func reference(_ commands: [[String]]) throws -> [String: Int] {
            try cli.copyDatabase(base, to: cli.database)
            for command in commands { try cli.complete(command) }
            return try cli.counts()
        }
        let onlyA = try reference([importA]), onlyB = try reference([importB])
        let both = [try reference([importA, importB]), try reference([importB, importA])]
        #expect(both[0]["contact"] == 400 && both[0]["membership"] == 500 && both[0]["outbox"] == 400)

        var tally: [String: Int] = [:]
        var slowest = 0.0
        for round in 1...20 {
            try cli.copyDatabase(base, to: cli.database)
            let first = try cli.spawn(importA)
            let second = try cli.spawn(importB)
            let outcomes = [first.wait(timeout: 60), second.wait(timeout: 60)]
            for outcome in outcomes {
                slowest = max(slowest, outcome.seconds)
                #expect(!outcome.timedOut, "round \(round): a writer hung")
                #expect(outcome.signal == nil, "round \(round): \(outcome.description)")
                if outcome.status != 0 {
                    #expect(outcome.stderr.contains("the database is busy"), "round \(round): \(outcome.stderr)")
                }
            }
            #expect(try cli.integrity() == "ok", "round \(round)")
            let counts = try cli.counts()
            switch (outcomes[0].exitedZero, outcomes[1].exitedZero) {
            case (true, true):
                tally["both finished", default: 0] += 1
                #expect(both.contains(counts), "round \(round): \(counts)")
            case (true, false):
                tally["B busy", default: 0] += 1
                #expect(counts == onlyA, "round \(round): \(counts)")
            case (false, true):
                tally["A busy", default: 0] += 1
                #expect(counts == onlyB, "round \(round): \(counts)")
            case (false, false):
                Issue.record("round \(round): both writers failed: \(outcomes[0].stderr) \(outcomes[1].stderr)")
            }
        }
        print("concurrency: 20 rounds of two 250-row imports: \(tally.sorted { $0.key < $1.key }); slowest writer \(String(format: "%.2f", slowest)) s")
    }

    /// Two writers on a database that does not exist yet: both create and migrate it at once.
    @Test(.enabled(if: sqlite3Available)) func twoWritersOnABrandNewDatabase() throws {
        let cli = CLI()
        for round in 1...10 {
            try cli.copyDatabase(cli.path("none"), to: cli.database)  // removes the database
            let first = try cli.spawn(["practice", "add", "North \(round)"])
            let second = try cli.spawn(["practice", "add", "South \(round)"])
            let outcomes = [first.wait(timeout: 60), second.wait(timeout: 60)]
            for outcome in outcomes {
                #expect(outcome.status == 0 || outcome.stderr.contains("the database is busy"), "round \(round): \(outcome.description) \(outcome.stderr)")
            }
            #expect(try cli.integrity() == "ok")
            let practices = try cli.ok(["practice", "list"]).stdout
            #expect(practices.contains("North \(round)") == outcomes[0].exitedZero, "round \(round): \(practices)")
            #expect(practices.contains("South \(round)") == outcomes[1].exitedZero, "round \(round): \(practices)")
        }
    }
}
