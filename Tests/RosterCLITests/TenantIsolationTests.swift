import Foundation
import Testing

/// Issue 7: for every command that takes a Contact ID, another practice's ID is "not found"
/// or `Unknown Contact ID`, nothing of the other practice shows in any output, and nothing
/// of it changes.
@Suite(.serialized) struct TenantIsolationTests {
    @Test func anotherPracticesIDsAreInvisibleAndUntouched() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["practice", "add", "Other Practice", "--owner", "Olive Other", "--phone", "(603) 555-0199", "--address", "9 Far Rd"])
        try cli.ok(["location", "add", "Elsewhere", "--practice", "Other Practice"])
        try cli.ok(["import", cli.file("o.csv", "First Name,Last Name,Email,Phone\nZelda,Secretson,zelda@example.org,(603) 555-0177\n"),
                    "--location", "Elsewhere", "--consent", "email,text"])
        try cli.ok(["import", cli.file("m.csv", "First Name,Email\nMary,mary@example.com\n"), "--location", "Nashua", "--consent", "email"])
        let found = try cli.ok(["find", "zelda", "--json"]).stdout
        let id = try #require((try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let before = try cli.ok(["show", id, "--json"]).stdout

        let secrets = ["Zelda", "Secretson", "zelda@example.org", "555-0177", "Other Practice", "Elsewhere", "Olive"]
        var outcomes: [Outcome] = []
        outcomes.append(try cli.run(["show", id, "--practice", "Phil's Physical Therapy"]))
        outcomes.append(try cli.run(["find", "zelda", "--practice", "Phil's Physical Therapy"]))
        outcomes.append(try cli.run(["copy", "--from", "Nashua", "--to", "Hudson", "--contact", id]))
        outcomes.append(try cli.run(["subscribe", id, "--location", "Nashua", "--channel", "text"]))
        outcomes.append(try cli.run(["unsubscribe", id, "--location", "Hudson", "--channel", "email", "--opt-out"]))
        let merge = cli.file("x.csv", "Contact ID,First Name,Email\n\(id),Hacked,hacked@example.com\n")
        outcomes.append(try cli.run(["merge", merge, "--location", "Nashua", "--consent", "email,text", "--json"]))
        outcomes.append(try cli.run(["import", merge, "--location", "Nashua", "--consent", "email,text", "--json", "--again"]))
        outcomes.append(try cli.run(["export", "--location", "Nashua"]))
        outcomes.append(try cli.run(["history", "--practice", "Phil's Physical Therapy"]))
        for outcome in outcomes {
            for secret in secrets {
                #expect(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret), "leaked \(secret): \(outcome.stdout) \(outcome.stderr)")
            }
        }
        #expect(outcomes[0].status != 0)
        #expect(outcomes[2].status != 0 && outcomes[3].status != 0 && outcomes[4].status != 0)
        let mergeReadout = try JSONSerialization.jsonObject(with: Data(outcomes[5].stdout.utf8)) as? [String: Any] ?? [:]
        #expect((mergeReadout["failures"] as? [[String: Any]])?.first?["reason"] as? String == "Unknown Contact ID")
        #expect(try cli.ok(["show", id, "--json"]).stdout == before)
    }
}
