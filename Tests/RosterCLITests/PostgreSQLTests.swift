import Foundation
import Testing
@testable import RosterKit

/// The PostgreSQL store from the command line (issue 9). They need a server:
/// `ROSTER_TEST_POSTGRES_URL` (`.ci/run` starts a throwaway cluster and sets it;
/// `Scripts/pg-throwaway start DIR` prints such a URL). Without one they are skipped, and
/// the reason is in the test's name.
let postgresURL: String? = {
    let url = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"] ?? ""
    return url.isEmpty ? nil : url
}()

/// A URL of `postgresURL` pointing at a new schema of its own, dropped by the returned closure.
func freshPostgreSQLDatabase() throws -> (url: String, drop: () -> Void) {
    let url = try #require(postgresURL)
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let admin = try PGConnection(url: url)
    try admin.execute("CREATE SCHEMA \(schema)")
    return (url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)",
            { try? admin.execute("DROP SCHEMA \(schema) CASCADE") })
}

@Suite(.serialized) struct PostgreSQLCLITests {
    static let examples = packageRoot.appendingPathComponent("Examples/patients.csv").path

    /// The same session of SPEC 10 commands against a SQLite file and a PostgreSQL database
    /// prints the same thing, once Contact IDs (keyed per database) and times are replaced
    /// by placeholders: the stores are interchangeable under the domain code.
    @Test(.enabled(if: postgresURL != nil, "needs ROSTER_TEST_POSTGRES_URL"))
    func sameSessionPrintsTheSameOnBothStores() throws {
        let sqlite = CLI()
        let sqliteOutput = try session(sqlite)
        let (url, drop) = try freshPostgreSQLDatabase()
        defer { drop() }
        let postgres = CLI()
        postgres.environment["ROSTER_DB"] = url
        let postgresOutput = try session(postgres)
        #expect(sqliteOutput.count == postgresOutput.count)
        for (step, (a, b)) in zip(sqliteOutput, postgresOutput).enumerated() where a != b {
            Issue.record("step \(step) differs:\nSQLite:\n\(a.prefix(3000))\nPostgreSQL:\n\(b.prefix(3000))")
        }
        // And the session did real work: the first import created contacts and failed some rows.
        let readout = sqliteOutput[7].components(separatedBy: "\n--stderr--").first ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(readout.utf8))) as? [String: Any] ?? [:]
        #expect((json["created"] as? Int ?? 0) > 100)
        #expect((json["failed"] as? Int ?? 0) > 0)
    }

    /// Runs the session and returns each step's normalised stdout and stderr.
    func session(_ cli: CLI) throws -> [String] {
        var outputs: [String] = []
        var ids: [String: String] = [:]
        func normalise(_ text: String) -> String {
            var result = text
            // Contact IDs: C + 9 Crockford base-32 characters, numbered by first appearance.
            let idPattern = try! NSRegularExpression(pattern: "\\bC[0-9A-HJKMNP-TV-Z]{9}\\b")
            for match in idPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let id = String(text[Range(match.range, in: text)!])
                if ids[id] == nil { ids[id] = "<ID\(ids.count + 1)>" }
            }
            for (id, placeholder) in ids { result = result.replacingOccurrences(of: id, with: placeholder) }
            let hashes = try! NSRegularExpression(pattern: "\\b[0-9a-f]{64}\\b")
            result = hashes.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "<SHA256>")
            let times = try! NSRegularExpression(pattern: "\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d(:\\d\\d)?Z?")
            result = times.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "<TIME>")
            // Which database a not-found error names is the one thing the stores say differently.
            let database = try! NSRegularExpression(pattern: "\\(database: .*\\)$", options: .anchorsMatchLines)
            result = database.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "(database: <DB>)")
            return result.replacingOccurrences(of: cli.dir.path, with: "<DIR>")
        }
        func step(_ arguments: [String], expect status: Int32 = 0) throws {
            let outcome = try cli.run(arguments)
            #expect(outcome.status == status, "roster \(arguments.joined(separator: " ")): \(outcome.stderr)")
            outputs.append(normalise(outcome.stdout + "\n--stderr--\n" + outcome.stderr))
        }
        try step(["practice", "add", "Phil's Physical Therapy", "--owner", "Phil Jones", "--phone", "(603) 555-0100",
                  "--address", "12 Main St, Nashua, NH 03060"])
        try step(["practice", "add", "Other PT"])
        try step(["location", "add", "Nashua", "--practice", "Phil's Physical Therapy"])
        try step(["location", "add", "Hudson", "--practice", "Phil's Physical Therapy"])
        try step(["location", "add", "Nashua", "--practice", "Other PT"])
        try step(["location", "list"])
        try step(["practice", "list"])
        try step(["import", Self.examples, "--location", "Nashua", "--practice", "Phil's Physical Therapy",
                  "--consent", "email,text", "--json", "--report", cli.path("failed.csv")])
        try step(["import", Self.examples, "--location", "Hudson", "--consent", "email", "--json"])
        try step(["export", "--location", "Nashua", "--practice", "Phil's Physical Therapy", "--out", cli.path("nashua.csv")])
        outputs.append(normalise(try String(contentsOfFile: cli.path("nashua.csv"), encoding: .utf8)))
        // Edit the export as a spreadsheet would and merge it back.
        var lines = try String(contentsOfFile: cli.path("nashua.csv"), encoding: .utf8).components(separatedBy: "\r\n")
        for i in 1..<min(lines.count, 40) where !lines[i].isEmpty {
            lines[i] = lines[i].replacingOccurrences(of: "No Phase", with: "Lead-New")
        }
        cli.file("edited.csv", lines.joined(separator: "\r\n"))
        try step(["merge", cli.path("edited.csv"), "--location", "Nashua", "--practice", "Phil's Physical Therapy",
                  "--consent", "email", "--json"])
        try step(["copy", "--from", "Nashua", "--to", "Hudson", "--practice", "Phil's Physical Therapy", "--all"])
        let found = try cli.run(["find", "mary"])
        outputs.append(normalise(found.stdout))
        let firstID = String(found.stdout.prefix(10))
        try step(["subscribe", firstID, "--location", "Nashua", "--practice", "Phil's Physical Therapy", "--channel", "text"])
        try step(["unsubscribe", firstID, "--location", "Hudson", "--practice", "Phil's Physical Therapy", "--channel", "email"])
        try step(["show", firstID, "--practice", "Phil's Physical Therapy"])
        try step(["show", firstID, "--practice", "Other PT"], expect: 1)   // tenant isolation
        try step(["history", "--json"])
        try step(["undo", "3"])   // the merge
        try step(["history"])
        try step(["outbox"])
        try step(["export", "--location", "Hudson", "--practice", "Phil's Physical Therapy"])
        // Last, as they roll back: a PostgreSQL sequence does not give back the numbers a
        // rolled-back transaction took, so the history numbers after them would differ.
        try step(["import", Self.examples, "--location", "Nashua", "--practice", "Phil's Physical Therapy", "--consent", "email,text"],
                 expect: 1)   // the same file again: refused, names the earlier run
        try step(["import", Self.examples, "--location", "Nashua", "--practice", "Other PT", "--consent", "text", "--dry-run", "--json"])
        return outputs
    }

    /// Issue 9: four processes import overlapping files (the same people, in different
    /// orders) into four locations of one practice at once. No person becomes two contacts,
    /// none is text-subscribed at two locations, and the four readouts add up to what the
    /// database holds.
    @Test(.enabled(if: postgresURL != nil, "needs ROSTER_TEST_POSTGRES_URL"))
    func fourConcurrentImportsIntoOnePractice() throws {
        let (url, drop) = try freshPostgreSQLDatabase()
        defer { drop() }
        let cli = CLI()
        cli.environment["ROSTER_DB"] = url
        try cli.ok(["practice", "add", "Phil's Physical Therapy", "--owner", "Phil Jones", "--phone", "(603) 555-0100",
                    "--address", "12 Main St, Nashua, NH 03060"])
        let locations = ["Nashua", "Hudson", "Salem", "Milford"]
        for location in locations { try cli.ok(["location", "add", location, "--practice", "Phil's Physical Therapy"]) }

        // 400 people; each file holds 300 of them (overlapping), shuffled by its own seed.
        func letters(_ n: Int) -> String {
            String((0..<3).map { Character(UnicodeScalar(UInt8(97 + (n / [1, 26, 676][$0]) % 26))) })
        }
        let people = (0..<400).map { i in
            "Pat\(letters(i)),Lee\(letters(i % 37)),pat\(i)@example.com,603-555-\(String(format: "%04d", i)),"
        }
        var generator = SystemRandomNumberGenerator()
        var paths: [String] = []
        for (n, location) in locations.enumerated() {
            var rows = Array(people[(n * 33)..<(n * 33 + 300)])
            rows.shuffle(using: &generator)
            paths.append(cli.file("\(location).csv", "First Name,Last Name,Email,Phone (Mobile),Notes\r\n" + rows.joined(separator: "\r\n") + "\r\n"))
        }
        let children = try zip(paths, locations).map { path, location in
            try Child(testedBinary, ["import", path, "--location", location, "--consent", "email,text", "--json"],
                      environment: cli.environment, directory: cli.dir)
        }
        let outcomes = children.map { $0.wait(timeout: 300) }
        var created = 0, copied = 0
        for (outcome, location) in zip(outcomes, locations) {
            #expect(outcome.status == 0, "\(location): \(outcome.stderr)")
            let json = (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) as? [String: Any] ?? [:]
            #expect(json["rows"] as? Int == 300)
            #expect(json["failed"] as? Int == 0)
            created += json["created"] as? Int ?? 0
            copied += json["copied"] as? Int ?? 0
        }
        let distinct = Set(paths.flatMap { path in
            (try? String(contentsOfFile: path, encoding: .utf8))?.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty } ?? []
        }).count
        let db = try PGConnection(url: url)
        let contacts = try db.first("SELECT count(*) FROM contact", []) { Int($0.int(0)) }
        let memberships = try db.first("SELECT count(*) FROM membership", []) { Int($0.int(0)) }
        let twiceTexted = try db.first("""
            SELECT count(*) FROM (SELECT contact_id FROM membership WHERE text_status = 'subscribed'
                                  GROUP BY contact_id HAVING count(*) > 1) t
            """, []) { Int($0.int(0)) }
        let duplicateEmails = try db.first("""
            SELECT count(*) FROM (SELECT email_key FROM contact GROUP BY email_key HAVING count(*) > 1) t
            """, []) { Int($0.int(0)) }
        #expect(contacts == distinct, "one contact per person")
        #expect(duplicateEmails == 0)
        #expect(twiceTexted == 0, "the text rule: texts at one location only")
        #expect(created == contacts, "the readouts' created add up to the contacts")
        #expect(created + copied == memberships, "every row became a membership, created or copied")
        #expect(memberships == 1200)
    }

    /// Issue 9: writes to one practice wait for each other; other practices are not
    /// blocked. A connection holds practice A's lock, as a running import would: an import
    /// into practice B finishes, one into A waits until the lock is let go, then finishes.
    @Test(.enabled(if: postgresURL != nil, "needs ROSTER_TEST_POSTGRES_URL"))
    func aPracticesWritersWaitForEachOtherAndNoOneElse() throws {
        let (url, drop) = try freshPostgreSQLDatabase()
        defer { drop() }
        let cli = CLI()
        cli.environment["ROSTER_DB"] = url
        // Practices 1-8 first, so A and B have ids other tests' practices rarely have
        // (advisory locks are per database, and the tests share one).
        for n in 1...8 { try cli.ok(["practice", "add", "Filler \(n)"]) }
        try cli.ok(["practice", "add", "A"])
        try cli.ok(["practice", "add", "B"])
        try cli.ok(["location", "add", "North", "--practice", "A"])
        try cli.ok(["location", "add", "South", "--practice", "B"])
        let list = cli.file("list.csv", "First Name,Email\r\nMary,mary@example.com\r\nJohn,john@example.com\r\n")

        let holder = try PGConnection(url: url)
        let practiceA = try #require(try holder.first("SELECT id FROM practice WHERE name = 'A'", []) { $0.int(0) })
        try holder.execute("BEGIN")
        try holder.run("SELECT pg_advisory_xact_lock(?)", [.int(PostgreSQLStore.lockSpace | practiceA)])

        let intoB = try Child(testedBinary, ["import", list, "--location", "South", "--consent", "text"],
                              environment: cli.environment, directory: cli.dir)
        let intoA = try Child(testedBinary, ["import", list, "--location", "North", "--consent", "text"],
                              environment: cli.environment, directory: cli.dir)
        let outcomeB = intoB.wait(timeout: 60)
        #expect(outcomeB.status == 0, "another practice's import is not blocked: \(outcomeB.description) \(outcomeB.stderr)")
        #expect(intoA.stillRunning(after: 3), "practice A's import must wait for the lock: \(intoA.poll()?.description ?? "")")
        #expect(try holder.first("SELECT count(*) FROM membership m JOIN location l ON l.id = m.location_id WHERE l.name = 'North'", []) { $0.int(0) } == 0)

        try holder.execute("COMMIT")
        let outcomeA = intoA.wait(timeout: 60)
        #expect(outcomeA.status == 0, "\(outcomeA.description) \(outcomeA.stderr)")
        #expect(try holder.first("SELECT count(*) FROM membership", []) { $0.int(0) } == 4)
    }

    /// A URL's password never reaches the terminal; the error names host and port.
    @Test func anUnreachableServerIsAClearErrorWithoutThePassword() throws {
        let cli = CLI()
        let outcome = try cli.run(["practice", "list"],
                                  environment: ["ROSTER_DB": "postgresql://clinic:Sup3rS3cret@127.0.0.1:1/roster?password=AlsoSecret&sslmode=disable"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasPrefix("roster: error: cannot connect to PostgreSQL at postgresql://clinic@127.0.0.1:1/roster?sslmode=disable"))
        #expect(outcome.stderr.contains("host 127.0.0.1, port 1"))
        #expect(!outcome.stderr.contains("Sup3rS3cret") && !outcome.stderr.contains("AlsoSecret"))
        #expect(!outcome.stdout.contains("Sup3rS3cret"))
    }

    /// A server that answers but lacks the database or the user gets advice about the URL,
    /// not "check that the server is running".
    @Test(.enabled(if: postgresURL != nil, "needs ROSTER_TEST_POSTGRES_URL"))
    func aMissingDatabaseOrUserIsNamedAsSuch() throws {
        let cli = CLI()
        let server = try #require(postgresURL)
        var noDatabase = try #require(URLComponents(string: server))
        noDatabase.path = "/roster_no_such_database"
        var noUser = try #require(URLComponents(string: server))
        noUser.user = "roster_no_such_user"
        for (url, advice) in [(noDatabase, "has no such database"), (noUser, "has no such user")] {
            let target = try #require(url.string)
            let outcome = try cli.run(["practice", "list"], environment: ["ROSTER_DB": target])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("The server is running but \(advice)"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("Check that the server is running"))
        }
    }
}
