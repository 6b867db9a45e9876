import Foundation
import Testing

/// The exact spellings of SPEC 10, run against the built binary.
@Suite(.serialized) struct CommandLineTests {
    let list = """
        First Name,Last Name,Email,Phone (Mobile),Notes
        Mary,Smith,mary@example.com,(603) 555-0123,Secret note about Mary
        JOHN,DOE,john@example.com,,
        Bad1,Name,bad@example.com,,Private remark
        Ann,Lee,mary@example.com,,
        """ + "\n"

    @Test func templatePrintsTheHeader() throws {
        let cli = CLI()
        let out = try cli.ok(["template"])
        #expect(out.stdout == "First Name,Last Name,Nickname,Email,Phone (Mobile),Home Phone,Address,Address Line 2,City,State,Country,Sex,Postal Code,Date Of Birth,Insurance Carrier,Phase,Notes\n")
    }

    /// Counts read as a person would say them: "1 contact", "2 contacts".
    @Test func oneIsSingular() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("one.csv", "First Name,Email\nMary,mary@example.com\n")
        try cli.ok(["import", file, "--location", "Nashua", "--consent", "email"])
        #expect(try cli.ok(["export", "--location", "Nashua", "--out", cli.path("one-out.csv")]).stderr.contains("Exported 1 contact to"))
        // Numbers are typed as `history` and `outbox` show them, with or without the `#`.
        let sent = try cli.ok(["outbox", "mark-sent", "#1"]).stdout
        #expect(sent.contains("1"), "\(sent)")
        let contactID = try cli.run(["outbox", "mark-sent", "CJPW81F6AA"])
        #expect(contactID.status == 64 && contactID.stderr.contains("looks like a Contact ID"), "\(contactID.stderr)")
        let undone = try cli.ok(["undo", "#1"]).stdout
        #expect(undone.hasPrefix("Undid #1 (import): 1 contact it created removed, with their memberships.\n"), "\(undone)")
        // Issue 8: an undo is itself in history (kinds import, merge, undo), without --all.
        let kinds = (try JSONSerialization.jsonObject(with: Data(try cli.ok(["history", "--json"]).stdout.utf8)) as? [[String: Any]])?.map { $0["kind"] as? String }
        #expect(kinds == ["import", "undo"])
        #expect(try cli.ok(["history"]).stdout.contains("reverted for 1 contact"))
    }

    @Test func theWholeWorkflow() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["practice", "set", "Phil's Physical Therapy", "--owner", "Phil A. Jones"])
        #expect(try cli.ok(["practice", "list"]).stdout.contains("Phil A. Jones"))
        #expect(try cli.ok(["practice", "list"]).stdout.contains("email (welcome emails' From): -  preferences URL: -"))
        // A phone that is no phone number is kept (an extension, a vanity number) but said.
        let odd = try cli.ok(["practice", "set", "Phil's Physical Therapy", "--phone", "call me"])
        #expect(odd.stderr.contains("--phone \"call me\" is not a phone number"), "\(odd.stderr)")
        #expect(try cli.ok(["practice", "set", "Phil's Physical Therapy", "--phone", "(603) 555-0100"]).stderr.isEmpty)
        #expect(try cli.ok(["location", "list"]).stdout.contains("Hudson"))
        #expect(try cli.ok(["location", "list", "--practice", "Phil's Physical Therapy"]).stdout.contains("Nashua"))
        let file = cli.file("list.csv", list)

        let readout = try cli.json(["import", file, "--location", "Nashua", "--consent", "email,text", "--json", "--report", cli.path("failed.csv")])
        for key in ["rows", "created", "updated", "copied", "unchanged", "skipped", "failed", "failures", "corrections", "warnings", "welcome_emails_queued", "dry_run"] {
            #expect(readout[key] != nil, "missing key \(key)")
        }
        #expect(readout["rows"] as? Int == 4)
        #expect(readout["created"] as? Int == 2)
        #expect(readout["failed"] as? Int == 2)
        #expect(readout["welcome_emails_queued"] as? Int == 2)
        #expect(readout["dry_run"] as? Bool == false)
        let failures = readout["failures"] as? [[String: Any]] ?? []
        #expect(failures.map { $0["row"] as? Int } == [4, 5])
        #expect(failures.map { $0["reason"] as? String } == ["Invalid", "Already Exists Email"])
        #expect(cli.mode(cli.path("failed.csv")) == 0o600)
        let report = try String(contentsOfFile: cli.path("failed.csv"), encoding: .utf8)
        #expect(report.hasPrefix("First Name,Last Name,Email,Phone (Mobile),Notes,Reason\n"))
        #expect(report.contains("Bad1,Name,bad@example.com,,Private remark,Invalid\n"))

        // Fix the report and import it as it is.
        let fixed = report.replacingOccurrences(of: "Bad1", with: "Bart").replacingOccurrences(of: "Ann,Lee,mary@example.com", with: "Ann,Lee,ann@example.com")
        let second = try cli.json(["import", cli.file("fixed.csv", fixed), "--location", "Nashua", "--consent", "email", "--json"])
        #expect(second["created"] as? Int == 2)
        #expect(second["failed"] as? Int == 0)

        // Text readout.
        let text = try cli.ok(["import", file, "--location", "Hudson", "--consent", "text"]).stdout
        #expect(text.contains("4 rows: 0 created, 2 copied from Nashua"))
        #expect(text.contains("Row"))

        // Export, merge back unchanged, show, copy, subscribe.
        let exportedMessage = try cli.ok(["export", "--location", "Nashua", "--out", cli.path("nashua.csv")]).stderr
        #expect(exportedMessage.contains("Exported 4 contacts to"))
        #expect(cli.mode(cli.path("nashua.csv")) == 0o600)
        let exported = try String(contentsOfFile: cli.path("nashua.csv"), encoding: .utf8)
        #expect(exported.hasPrefix("Contact ID,First Name"))
        let merged = try cli.json(["merge", cli.path("nashua.csv"), "--location", "Nashua", "--consent", "none", "--json"])
        #expect(merged["unchanged"] as? Int == 4)
        let stdoutExport = try cli.ok(["export", "--location", "Nashua"]).stdout
        #expect(stdoutExport == exported)

        let id = String(exported.split(separator: "\n")[1].split(separator: ",")[0])
        let shown = try cli.json(["show", id, "--json"])
        #expect(shown["id"] as? String == id)
        #expect(shown["first_name"] as? String == "Mary")
        #expect(shown["phone"] as? String == "+16035550123")
        #expect(shown["nickname"] is NSNull)
        let locations = shown["locations"] as? [[String: String]] ?? []
        #expect(locations.contains(["location": "Hudson", "text": "subscribed", "email": "unsubscribed"]))
        #expect(locations.contains(["location": "Nashua", "text": "unsubscribed", "email": "subscribed"]))

        // The ID and location as typed (lower case) are answered as stored.
        let optedOut = try cli.ok(["unsubscribe", id.lowercased(), "--location", "nashua", "--channel", "email", "--opt-out"]).stdout
        #expect(optedOut == "\(id): email at Nashua is now opted-out (was subscribed).\n", "\(optedOut)")
        try cli.ok(["subscribe", id, "--location", "Nashua", "--channel", "TEXT"])   // option values in any case
        let after = try cli.json(["show", id, "--json"])["locations"] as? [[String: String]] ?? []
        #expect(after.contains(["location": "Nashua", "text": "subscribed", "email": "opted-out"]))
        #expect(after.contains(["location": "Hudson", "text": "unsubscribed", "email": "unsubscribed"]))
        // Subscribing email at Hudson, where it was only unsubscribed: the opt-out at Nashua
        // stays, and is named.
        let renewed = try cli.ok(["subscribe", id, "--location", "Hudson", "--channel", "email"]).stdout
        #expect(renewed.contains("Note: they opted out of emails at Nashua, which stays"), "\(renewed)")
        // An opt-out says where the channel is still subscribed, with the command for each.
        let again = try cli.ok(["unsubscribe", id, "--location", "Nashua", "--channel", "email", "--opt-out"]).stdout
        #expect(again.contains("Note: they still get emails from Hudson. If they asked the practice to stop, opt them out there too: `roster unsubscribe \(id) --location Hudson --channel email --opt-out`"), "\(again)")
        let off = try cli.ok(["unsubscribe", id, "--location", "Hudson", "--channel", "email"]).stdout
        #expect(off.contains("Note: they now get emails from no location of the practice."), "\(off)")

        // One practice in the database: --practice may be left out.
        #expect(try cli.ok(["location", "add", "Salem"]).stdout.contains("Added location Salem to Phil's Physical Therapy."))
        try cli.ok(["copy", "--from", "Nashua", "--to", "Salem", "--contact", id])
        try cli.ok(["copy", "--from", "Nashua", "--to", "Salem", "--practice", "Phil's Physical Therapy", "--all", "--move"])
        let salem = try cli.json(["show", id, "--json"])["locations"] as? [[String: String]] ?? []
        #expect(salem.contains(["location": "Salem", "text": "subscribed", "email": "opted-out"]))
        #expect(!salem.contains { $0["location"] == "Nashua" })

        // Outbox: JSON Lines.
        let lines = try cli.ok(["outbox", "--json"]).stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any] ?? [:]
        for key in ["contact_id", "to", "subject", "body", "sent"] { #expect(first[key] != nil) }
        #expect(first["subject"] as? String == "Hi Mary! We're here for you")
        #expect((first["body"] as? String)?.contains("This is Phil A. Jones from Phil's Physical Therapy") == true)
        #expect(first["sent"] as? Bool == false)
        // For a sender outside roster: the From name (the owner); no From address or
        // preferences URL set yet, so those keys are absent.
        #expect(first["from_name"] as? String == "Phil A. Jones" && first["from"] == nil && first["preferences_url"] == nil)

        let history = try cli.ok(["history"]).stdout
        #expect(history.contains("import") && history.contains("merge"))
        // Nashua's history: its imports and the merge (SPEC 9); --all adds the copy and the
        // move out of it.
        let nashua = try cli.ok(["history", "--location", "Nashua"]).stdout.split(separator: "\n")
        #expect(nashua.count == 4)  // header + 3
        #expect(!nashua.contains { $0.contains("Nashua → Salem") })
        let nashuaAll = try cli.ok(["history", "--location", "Nashua", "--all"]).stdout.split(separator: "\n")
        #expect(nashuaAll.count == 6)  // header + 5
        #expect(nashuaAll.filter { $0.contains("Nashua → Salem") }.count == 2)
        // Every entry has every key of SPEC 10, null when it has no value (a copy has no file),
        // and its counts once more as one object.
        func entries(_ arguments: [String]) throws -> [[String: Any]] {
            try JSONSerialization.jsonObject(with: Data(try cli.ok(["history", "--json"] + arguments).stdout.utf8)) as? [[String: Any]] ?? []
        }
        let all = try entries(["--all"])
        let importsAndMerges = try entries([])
        #expect(importsAndMerges.map { $0["id"] as? Int } == all.filter { ["import", "merge", "undo"].contains($0["kind"] as? String) }.map { $0["id"] as? Int })
        #expect(importsAndMerges.count == 4 && Set(importsAndMerges.map { $0["kind"] as? String }) == ["import", "merge"])
        #expect(all.count == 6)
        for entry in all {
            for key in ["id", "kind", "file", "sha256", "location", "at", "consent", "rows", "created", "updated", "copied",
                        "unchanged", "skipped", "failed", "counts"] {
                #expect(entry[key] != nil, "\(key) in \(entry["kind"] ?? "?")")
            }
            let counts = entry["counts"] as? [String: Int]
            #expect(counts?["rows"] == entry["rows"] as? Int && counts?["created"] == entry["created"] as? Int && counts?.count == 7)
        }
        #expect(all.last?["file"] is NSNull && all.last?["from"] as? String == "Nashua")
        if sqlite3Available { #expect(try cli.integrity() == "ok") }
    }

    @Test func dbOptionAndEnvironmentAndDefaultPath() throws {
        let cli = CLI()
        let explicit = cli.path("explicit.sqlite")
        try cli.ok(["practice", "add", "A", "--db", explicit])
        #expect(FileManager.default.fileExists(atPath: explicit))
        #expect(try cli.ok(["practice", "list", "--db", explicit]).stdout.contains("A"))
        #expect(!(try cli.ok(["practice", "list"]).stdout.contains("\nA\n")))
        try cli.ok(["practice", "add", "B"], environment: ["ROSTER_DB": cli.path("env.sqlite")])
        #expect(FileManager.default.fileExists(atPath: cli.path("env.sqlite")))
        var noDB = cli.environment
        noDB["ROSTER_DB"] = nil
        cli.environment = noDB
        try cli.ok(["practice", "add", "C"], environment: ["XDG_DATA_HOME": cli.path("xdg")])
        #expect(FileManager.default.fileExists(atPath: cli.path("xdg/roster/roster.sqlite")))
        try cli.ok(["practice", "add", "D"])
        #expect(FileManager.default.fileExists(atPath: cli.path(".local/share/roster/roster.sqlite")))
    }

    @Test func everyFileIsPrivateEvenWithUmaskZero() throws {
        let cli = CLI()
        let db = cli.path("open.sqlite")
        #expect(try cli.run(["practice", "add", "P", "--owner", "O", "--phone", "1", "--address", "a", "--db", db], umask: "000").status == 0)
        #expect(try cli.run(["location", "add", "L", "--practice", "P", "--db", db], umask: "000").status == 0)
        let file = cli.file("l.csv", list)
        let r = try cli.run(["import", file, "--location", "L", "--consent", "email", "--db", db, "--report", cli.path("r.csv")], umask: "000")
        #expect(r.status == 0)
        #expect(try cli.run(["export", "--location", "L", "--db", db, "--out", cli.path("e.csv")], umask: "000").status == 0)
        for path in [db, db + "-wal", db + "-shm", cli.path("r.csv"), cli.path("e.csv")] where FileManager.default.fileExists(atPath: path) {
            #expect(cli.mode(path) == 0o600, "\(path)")
        }
    }

    /// An export replaces its --out file only when it succeeds: a misspelt location leaves
    /// the spreadsheet being edited as it was, and no partial file behind. Through a link,
    /// the file linked to is replaced.
    @Test func aFailedExportLeavesItsFileAsItWas() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", cli.file("l.csv", list), "--location", "Nashua", "--consent", "email"])
        let edits = cli.file("my-edits.csv", "Contact ID,First Name\nC1,edited by hand\n")
        let failed = try cli.run(["export", "--location", "Nashau", "--out", edits])
        #expect(failed.status != 0)
        #expect(try String(contentsOfFile: edits, encoding: .utf8) == "Contact ID,First Name\nC1,edited by hand\n")
        try cli.ok(["export", "--location", "Nashua", "--out", edits])
        #expect(try String(contentsOfFile: edits, encoding: .utf8).hasPrefix("Contact ID,First Name,Last Name"))
        #expect(cli.mode(edits) == 0o600)
        let link = cli.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: edits)
        try cli.ok(["export", "--location", "Hudson", "--out", link])
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == edits)
        #expect(try String(contentsOfFile: edits, encoding: .utf8) == "Contact ID," + (try cli.ok(["template"]).stdout))
        let left = try FileManager.default.contentsOfDirectory(atPath: (edits as NSString).deletingLastPathComponent)
        #expect(!left.contains { $0.hasSuffix(".partial") }, "\(left)")
    }

    /// The unknown-columns refusal offers --ignore-unknown-columns; merge takes it too.
    @Test func mergeTakesTheOptionItsRefusalOffers() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", cli.file("l.csv", list), "--location", "Nashua", "--consent", "email"])
        let id = try #require(try cli.ok(["export", "--location", "Nashua"]).stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").first)
        let file = cli.file("m.csv", "Contact ID,Notes,Visit Count\n\(id),called,3\n")
        let refused = try cli.run(["merge", file, "--location", "Nashua", "--consent", "none"])
        #expect(refused.status != 0 && refused.stderr.contains("--ignore-unknown-columns"))
        let merged = try cli.json(["merge", file, "--location", "Nashua", "--consent", "none", "--ignore-unknown-columns", "--json"])
        #expect(merged["updated"] as? Int == 1)
    }

    /// A run refused at the file's level leaves a report already at --report (a person's
    /// fixes in it) as it was; a run that completes replaces it. A path that is not a
    /// regular file (/dev/null, a named pipe) is written to, never replaced by a file.
    @Test func aRefusedRunLeavesItsReportAsItWasAndDevicesStayDevices() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("d.csv", "First Name,Email\nBad1,x@example.com\nAnn,ann@example.com\n")
        let report = cli.path("failed.csv")
        try cli.ok(["import", file, "--location", "Nashua", "--consent", "none", "--report", report])
        let written = try String(contentsOfFile: report, encoding: .utf8)
        #expect(written.hasPrefix("First Name,Email,Reason\nBad1,"))
        try (written + "my fixes\n").write(toFile: report, atomically: false, encoding: .utf8)
        let again = try cli.run(["import", file, "--location", "Nashua", "--consent", "none", "--report", report])
        #expect(again.status != 0 && again.stderr.contains("already imported"), "\(again.stderr)")
        #expect(try String(contentsOfFile: report, encoding: .utf8) == written + "my fixes\n")
        let tooMany = try cli.run(["import", file, "--location", "Hudson", "--consent", "none", "--report", report, "--max-rows", "1"])
        #expect(tooMany.status != 0)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == written + "my fixes\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: (report as NSString).deletingLastPathComponent)
        #expect(!left.contains { $0.hasSuffix(".partial") }, "\(left)")

        // A report that cannot be written fails the run before it commits: nothing is written.
        var full = stat()
        if stat("/dev/full", &full) == 0, full.st_mode & S_IFMT == S_IFCHR {
            let other = cli.file("o.csv", "First Name,Email\nBad2,y@example.com\nCy,cy@example.com\n")
            let failed = try cli.run(["import", other, "--location", "Nashua", "--consent", "none", "--report", "/dev/full"])
            #expect(failed.status != 0 && failed.stderr.contains("/dev/full"), "\(failed.stderr)")
            #expect(try cli.run(["find", "cy@example.com"]).stdout.contains("No contact matches"))
        }
        try cli.ok(["export", "--location", "Nashua", "--out", "/dev/null"])
        try cli.ok(["import", file, "--location", "Hudson", "--consent", "none", "--report", "/dev/null"])
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)

        let pipe = cli.path("pipe")
        #expect(mkfifo(pipe, 0o600) == 0)
        let received = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var read = Data()
        Thread.detachNewThread {
            if let handle = FileHandle(forReadingAtPath: pipe) { read = handle.readDataToEndOfFile() }
            received.signal()
        }
        try cli.ok(["export", "--location", "Nashua", "--out", pipe])
        #expect(received.wait(timeout: .now() + 30) == .success)
        #expect(String(decoding: read, as: UTF8.self).hasPrefix("Contact ID,First Name"))
        #expect(stat(pipe, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    /// `show` writes values as an export does (phones national, dates mm/dd/yyyy), and a
    /// note over several lines stays under its field.
    @Test func showWritesValuesAsAnExportDoes() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("s.csv", "First Name,Email,Phone,Date Of Birth,Notes\nAnn,ann@example.com,603.555.0123,8/15/1991,\"two\nlines\"\n")
        try cli.ok(["import", file, "--location", "Nashua", "--consent", "email"])
        let found = try JSONSerialization.jsonObject(with: Data(try cli.ok(["find", "Ann", "--json"]).stdout.utf8)) as? [[String: Any]]
        let id = try #require(found?.first?["id"] as? String)
        let shown = try cli.ok(["show", id]).stdout
        #expect(shown.contains("\n  Phone (Mobile): (603) 555-0123\n  Date Of Birth: 08/15/1991\n"), "\(shown)")
        #expect(shown.contains("\n  Notes: two\n         lines\n"), "\(shown)")
    }

    /// A reading command that finds no database at its path (a misspelt --db) says the
    /// one it answers from was just created, empty; a writing command, or a second run, not.
    @Test func aMisspeltDatabaseIsSaid() throws {
        let cli = CLI()
        let typo = cli.path("roster.sqllite")
        let first = try cli.ok(["find", "Nguyen", "--db", typo])
        #expect(first.stdout.contains("No contact matches") && first.stderr.contains("there was no database at \(typo)"), "\(first.stderr)")
        #expect(try cli.ok(["find", "Nguyen", "--db", typo]).stderr.isEmpty)
        #expect(try cli.ok(["practice", "add", "P", "--db", cli.path("new.sqlite")]).stderr.isEmpty)
    }

    /// With two practices, history names each row's practice (both may have a Nashua).
    @Test func historyNamesThePracticeWhenThereAreTwo() throws {
        let cli = CLI()
        for practice in ["North PT", "South PT"] {
            try cli.ok(["practice", "add", practice, "--owner", "O N", "--phone", "(603) 555-0100", "--address", "1 Main St"])
            try cli.ok(["location", "add", "Nashua", "--practice", practice])
            try cli.ok(["import", cli.file("\(practice).csv", "First Name,Email\nAnn,ann@example.com\n"), "--location", "Nashua",
                        "--practice", practice, "--consent", "none"])
        }
        let history = try cli.ok(["history"]).stdout
        #expect(history.contains("Nashua (North PT)") && history.contains("Nashua (South PT)"), "\(history)")
    }

    /// A country option takes what a Country cell takes.
    @Test func defaultCountryTakesAnySpellingOfTheCountry() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("c.csv", "First Name,Email\nAnn,ann@example.com\n")
        for spelling in ["Canada", "ca", "CA"] {
            let r = try cli.json(["import", file, "--location", "Nashua", "--consent", "email", "--default-country", spelling, "--dry-run", "--json"])
            #expect((r["corrections"] as? [[String: Any]])?.first?["to"] as? String == "CA", "\(spelling)")
        }
        #expect(try cli.run(["import", file, "--location", "Nashua", "--consent", "email", "--default-country", "Mexico"]).status != 0)
    }

    @Test func fileLevelErrorsExitNonZeroAndWriteNothing() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let unknown = cli.file("u.csv", "First Name,Email,Favourite Colour\nMary,m@example.com,blue\n")
        let r = try cli.run(["import", unknown, "--location", "Nashua", "--consent", "email"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Favourite Colour"))
        #expect(r.stderr.contains("--ignore-unknown-columns"))
        #expect(!r.stderr.contains("blue") && !r.stderr.contains("m@example.com"))
        // Under --json a script reads the refusal on stdout too, as one object.
        let refusedJSON = try cli.run(["import", unknown, "--location", "Nashua", "--consent", "email", "--json"])
        #expect(refusedJSON.status != 0)
        let refusal = try JSONSerialization.jsonObject(with: Data(refusedJSON.stdout.utf8)) as? [String: Any]
        #expect((refusal?["error"] as? String)?.contains("Favourite Colour") == true, "\(refusedJSON.stdout)")
        #expect(!refusedJSON.stdout.contains("blue"))
        let unknownContact = try cli.run(["show", "C-NOPE", "--json"])
        #expect(unknownContact.status != 0)
        #expect((try JSONSerialization.jsonObject(with: Data(unknownContact.stdout.utf8)) as? [String: Any])?["error"] is String)
        let ignored = try cli.json(["import", unknown, "--location", "Nashua", "--consent", "email", "--ignore-unknown-columns", "--json"])
        #expect(ignored["created"] as? Int == 1)
        // A file that cannot be written says so (not "cannot read"), and what to check.
        let unwritable = try cli.run(["export", "--location", "Nashua", "--out", cli.path("no-such-folder/out.csv")])
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("cannot write") && unwritable.stderr.contains("folder exists"), "\(unwritable.stderr)")

        let sensitive = cli.file("s.csv", "First Name,Email,SSN\nAnn,a@example.com,999-00-1111\n")
        for flags in [[], ["--ignore-unknown-columns"], ["--strict-template"]] {
            let s = try cli.run(["import", sensitive, "--location", "Nashua", "--consent", "email"] + flags)
            #expect(s.status != 0)
            #expect(s.stderr.contains("SSN"))
            #expect(!s.stderr.contains("999-00-1111"))
        }
        for limit in ["-1", "0"] {
            let negative = try cli.run(["import", unknown, "--location", "Nashua", "--consent", "email", "--max-rows", limit])
            #expect(negative.status != 0 && negative.stderr.contains("--max-rows must be a positive number"), "\(negative.stderr)")
        }
        let noConsent = try cli.run(["import", unknown, "--location", "Nashua"])
        #expect(noConsent.status != 0)
        let badConsent = try cli.run(["import", unknown, "--location", "Nashua", "--consent", "sms"])
        #expect(badConsent.status != 0)
        #expect(badConsent.stderr.contains("email,text"))
        let missing = try cli.run(["import", cli.path("nope.csv"), "--location", "Nashua", "--consent", "email"])
        #expect(missing.status != 0)
        let place = try cli.run(["import", unknown, "--location", "Nashau", "--consent", "email"])
        #expect(place.status != 0)
        #expect(place.stderr.contains("Hudson") && place.stderr.contains("Nashua"))
        let practice = try cli.run(["location", "list", "--practice", "Bill's"])
        #expect(practice.stderr.contains("Phil's Physical Therapy"))
        let history = try cli.ok(["history", "--json"]).stdout
        let records = try JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == 1)
        for key in ["id", "kind", "file", "sha256", "location", "at", "consent", "rows", "created"] { #expect(records.first?[key] != nil) }
    }

    @Test func maxRowsAndDryRunAndSameFile() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("l.csv", list)
        let tooMany = try cli.run(["import", file, "--location", "Nashua", "--consent", "email", "--max-rows", "3"])
        #expect(tooMany.status != 0)
        #expect(tooMany.stderr.contains("4") && tooMany.stderr.contains("3"))
        let dry = try cli.json(["import", file, "--location", "Nashua", "--consent", "email", "--dry-run", "--json"])
        #expect(dry["dry_run"] as? Bool == true)
        #expect(dry["created"] as? Int == 2)
        #expect(try cli.ok(["history"]).stdout.contains("No imports"))
        try cli.ok(["import", file, "--location", "Nashua", "--consent", "email"])
        let again = try cli.run(["import", file, "--location", "Nashua", "--consent", "email"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("--again"))
        let forced = try cli.json(["import", file, "--location", "Nashua", "--consent", "email", "--again", "--json"])
        #expect(forced["skipped"] as? Int == 2)
    }

    @Test func practiceMissingOwnerNamesTheOption() throws {
        let cli = CLI()
        try cli.ok(["practice", "add", "Bare PT"])
        try cli.ok(["location", "add", "Main", "--practice", "Bare PT"])
        let r = try cli.run(["import", cli.file("l.csv", list), "--location", "Main", "--consent", "email,text"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("roster practice set \"Bare PT\" --owner"))
        #expect(try cli.ok(["history"]).stdout.contains("No imports"))
    }

    /// A failed hand-off to sendmail exits 1 after the readout (cron notices); the
    /// message stays queued and the next run sends it.
    @Test func outboxSendExitsOneWhenAHandOffFails() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["practice", "set", "Phil's Physical Therapy", "--email", "phil@example.com", "--preferences-url", "https://x.example/p"])
        try cli.ok(["import", cli.file("l.csv", "First Name,Email\nAnn,ann@example.com\n"), "--location", "Nashua", "--consent", "email"])
        let failing = cli.script("failing-sendmail", "#!/bin/sh\ncat >/dev/null\necho 'mail server down' >&2\nexit 75\n")
        let failed = try cli.run(["outbox", "send", "--sendmail", failing])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("0 sent, 1 failed") && failed.stdout.contains("mail server down"))
        #expect(failed.stderr.contains("could not be handed to") && failed.stderr.contains("stay queued"))
        let working = cli.script("working-sendmail", "#!/bin/sh\ncat >/dev/null\nexit 0\n")
        let sent = try cli.ok(["outbox", "send", "--sendmail", working])
        #expect(sent.stdout.contains("1 sent, 0 failed"))
    }

    /// The export filters as SPEC 10 spells them; a status that is none of the three is a
    /// usage error with export's own usage line.
    @Test func exportFiltersAndTheirErrors() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", cli.file("l.csv", "First Name,Email,Phone (Mobile),Phase\nAnn,ann@example.com,6035550123,Lead-New\nBo,bo@example.com,,\n"),
                    "--location", "Nashua", "--consent", "email,text"])
        let leads = try cli.ok(["export", "--location", "Nashua", "--phase", "lead-new", "--text-status", "subscribed", "--with-status"])
            .stdout.split(separator: "\n")
        #expect(leads.count == 2 && leads[0].hasSuffix("Text Status,Email Status") && leads[1].contains("Ann"))
        #expect(leads[1].hasSuffix(",subscribed,subscribed"))
        let bad = try cli.run(["export", "--location", "Nashua", "--text-status", "bogus"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--text-status bogus is not a status") && bad.stderr.contains("Usage: roster export"))
        #expect(bad.stdout.isEmpty)
        let badPhase = try cli.run(["export", "--location", "Nashua", "--phase", "bogus"])
        #expect(badPhase.status == 64 && badPhase.stderr.contains("--phase bogus is not a phase"))
        // A carrier's name with a comma matches as a whole; commas still separate names.
        try cli.ok(["import", cli.file("c.csv", "First Name,Email,Insurance Carrier\nDi,di@example.com,\"Blue Cross, Blue Shield\"\nEd,ed@example.com,Aetna\n"),
                    "--location", "Nashua", "--consent", "none"])
        let blue = try cli.ok(["export", "--location", "Nashua", "--insurance-carrier", "Blue Cross, Blue Shield"]).stdout.split(separator: "\n")
        #expect(blue.count == 2 && blue[1].contains("Di"))
        let two = try cli.ok(["export", "--location", "Nashua", "--insurance-carrier", "aetna,Blue Cross, Blue Shield"]).stdout.split(separator: "\n")
        #expect(two.count == 2 && two[1].contains("Ed"))
        #expect(try cli.ok(["export", "--location", "Nashua", "--insurance-carrier", "Aetna", "--insurance-carrier", "Blue Cross, Blue Shield"]).stdout
            .split(separator: "\n").count == 3)
        // --quiet drops the text readout, never what --json or --plan asks for.
        let file = cli.file("q.csv", "First Name,Email\nCy,cy@example.com\n")
        let quietJSON = try cli.ok(["import", file, "--location", "Nashua", "--consent", "email", "--quiet", "--json", "--dry-run"]).stdout
        #expect(quietJSON.hasPrefix("{") && quietJSON.contains("\"created\":1"))
        let quietPlan = try cli.ok(["import", file, "--location", "Nashua", "--consent", "email", "--quiet", "--plan", "--dry-run"]).stdout
        #expect(quietPlan.contains("Plan:") && quietPlan.contains("row 2  created") && !quietPlan.contains("rows:"))
        #expect(try cli.ok(["import", file, "--location", "Nashua", "--consent", "email", "--quiet"]).stdout.isEmpty)
    }

    /// A copy turns texts off at A (the text rule); a move takes the contact out of A, so
    /// it says where texts come from now.
    @Test func copyAndMoveSayWhatHappenedToTexts() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["location", "add", "Salem", "--practice", "Phil's Physical Therapy"])
        try cli.ok(["import", cli.file("l.csv", "First Name,Phone (Mobile)\nAnn,6035550123\n"), "--location", "Nashua", "--consent", "text"])
        let copied = try cli.ok(["copy", "--from", "Nashua", "--to", "Hudson", "--all"]).stdout
        #expect(copied.contains("Copied 1 contact from Nashua to Hudson."))
        #expect(copied.contains("1 person now gets texts from Hudson only") && copied.contains("texts from Nashua were turned off"))
        let moved = try cli.ok(["copy", "--from", "Hudson", "--to", "Salem", "--all", "--move"]).stdout
        #expect(moved.contains("Moved 1 contact from Hudson to Salem."))
        #expect(moved.contains("1 person gets texts from Salem now, instead of from Hudson."))
        #expect(moved.contains("1 contact no longer in Hudson."))
        #expect(!moved.contains("turned off"))
    }

    /// `--db PATH` works before the command too (SPEC 10: every command takes it), and
    /// `--contact` takes several IDs after it as well as repeated.
    @Test func dbFirstAndSeveralContactsAfterOneOption() throws {
        let cli = CLI()
        let db = cli.path("first.sqlite")
        try cli.ok(["--db", db, "practice", "add", "P", "--owner", "O", "--phone", "(603) 555-0100", "--address", "1 Main St"])
        try cli.ok(["location", "--db", db, "add", "A", "--practice", "P"])
        try cli.ok(["--db=\(db)", "location", "add", "B", "--practice", "P"])
        try cli.ok(["--db", db, "import", cli.file("l.csv", "First Name,Email\nAnn,ann@example.com\nBo,bo@example.com\nCy,cy@example.com\n"),
                    "--location", "A", "--consent", "email"])
        #expect(!FileManager.default.fileExists(atPath: cli.path("roster.sqlite")), "ROSTER_DB was not used")
        let ids = try cli.ok(["--db", db, "export", "--location", "A"]).stdout.split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",")[0]) }
        #expect(ids.count == 3)
        let copied = try cli.json(["--db", db, "copy", "--from", "A", "--to", "B", "--contact", ids[0], ids[1], "--json"])
        #expect(copied["copied"] as? Int == 2)
        let third = try cli.json(["copy", "--from", "A", "--to", "B", "--contact", ids[2], "--contact", ids[0], "--json", "--db", db])
        #expect((third["copied"] as? Int, third["already_there"] as? Int) == (1, 1))
        // mark-sent counts what it marked, and says why each other number was not.
        #expect(try cli.ok(["--db", db, "outbox", "mark-sent", "1", "99"]).stdout
            == "Marked 1 message sent. Not marked: #99 is no message in the queue (`roster outbox` lists the queue).\n")
        #expect(try cli.ok(["--db", db, "outbox", "mark-sent", "1"]).stdout
            == "Marked 0 messages sent. Not marked: #1 was already sent (`roster outbox` lists the queue).\n")
    }

    /// `outbox --json --unsent` is what an outside sender mails: a message to someone who
    /// opted out since it was queued is left out, and `mark-sent --all` leaves it unsent.
    @Test func theUnsentListingLeavesOutWhomNotToMail() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", cli.file("l.csv", "First Name,Email\nAnn,ann@example.com\nBo,bo@example.com\n"),
                    "--location", "Nashua", "--consent", "email"])
        let ann = try #require(try cli.ok(["export", "--location", "Nashua"]).stdout.split(separator: "\n")
            .first { $0.contains("Ann") }?.split(separator: ",").first).description
        try cli.ok(["unsubscribe", ann, "--location", "Nashua", "--channel", "email", "--opt-out"])
        let unsent = try cli.ok(["outbox", "--json", "--unsent"]).stdout.split(separator: "\n")
        #expect(unsent.count == 1 && unsent.first?.contains("bo@example.com") == true)
        let all = try cli.ok(["outbox", "--json"]).stdout.split(separator: "\n")
        #expect(all.count == 2 && all.contains { $0.contains("\"drop_reason\":\"the contact opted out of email\"") })
        let listing = try cli.ok(["outbox"]).stdout
        #expect(listing.contains("2 welcome emails: 1 waiting, 0 sent, 1 dropped."))
        // The practice has no From address or preferences URL yet: the listing says so.
        #expect(listing.contains("1 waiting message cannot be sent yet"), "\(listing)")
        try cli.ok(["practice", "set", "Phil's Physical Therapy", "--email", "phil@example.com", "--preferences-url", "https://example.com/p"])
        #expect(try cli.ok(["outbox"]).stdout.contains("cannot be sent yet") == false)
        #expect(try cli.ok(["outbox", "mark-sent", "--all"]).stdout.contains("Marked 1 message sent."))
        #expect(try cli.ok(["outbox", "--json", "--unsent"]).stdout.isEmpty)
        #expect(try cli.ok(["outbox"]).stdout.contains("1 waiting") == false)
    }

    /// History and show print times in the reader's zone (TZ), saying which; JSON keeps UTC.
    @Test func timesAreShownInLocalTime() throws {
        let cli = CLI()
        try cli.setUpPractice()
        try cli.ok(["import", cli.file("l.csv", "First Name,Email\nAnn,ann@example.com\n"), "--location", "Nashua", "--consent", "email"])
        let json = try JSONSerialization.jsonObject(with: Data(try cli.ok(["history", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let stored = try #require(json.first?["at"] as? String)
        #expect(stored.hasSuffix("Z"))
        let utcHour = Int(stored.dropFirst(11).prefix(2))!
        let newYork = try cli.ok(["history"], environment: ["TZ": "America/New_York"]).stdout
        #expect(newYork.contains("when (EST)") || newYork.contains("when (EDT)"))
        let shownHour = Int(newYork.split(separator: "\n")[1].split(separator: " ")[2].prefix(2))!
        #expect((utcHour - shownHour + 24) % 24 == 5 || (utcHour - shownHour + 24) % 24 == 4)
        let utc = try cli.ok(["history"], environment: ["TZ": "UTC"]).stdout
        #expect(utc.contains("when (UTC)") && utc.contains(String(stored.prefix(16)).replacingOccurrences(of: "T", with: " ")))
    }

    /// The PHI test (issue 7.5): failing imports, merges, copies and lookups.
    @Test func stderrNeverHoldsContactValues() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let file = cli.file("l.csv", list)
        let outcomes = [
            try cli.run(["import", file, "--location", "Nashua", "--consent", "email,text"]),
            try cli.run(["merge", file, "--location", "Nashua", "--consent", "none"]),
            try cli.run(["import", cli.file("m.csv", "Contact ID,First Name\nC0000000000,Mary\n"), "--location", "Nashua", "--consent", "none"]),
            try cli.run(["copy", "--from", "Nashua", "--to", "Hudson", "--contact", "CNOTANID00"]),
            try cli.run(["show", "C0000000000"]),
            // A file without its header row: the first person must not be quoted as column names.
            try cli.run(["import", cli.file("nohdr.csv", "Mary,Smith,mary@example.com,(603) 555-0123,Secret note\n"),
                         "--location", "Nashua", "--consent", "email"]),
            try cli.run(["import", cli.path("nohdr.csv"), "--location", "Nashua", "--consent", "email", "--ignore-unknown-columns"]),
        ]
        for o in outcomes {
            for value in ["Mary", "Smith", "mary@example.com", "555-0123", "Secret note", "Private remark", "Bad1", "JOHN", "DOE"] {
                #expect(!o.stderr.contains(value), "stderr holds \(value): \(o.stderr)")
            }
        }
    }

    /// A misspelt command is named, with the one meant, as a usage error (not as its first
    /// option unknown, which is what the argument parser says).
    @Test func aMisspeltCommandIsNamed() throws {
        let cli = CLI()
        let typo = try cli.run(["exprot", "--location", "Nashua"])
        #expect(typo.status == 64 && typo.stderr.contains("there is no command \"exprot\". Did you mean \"export\"?"))
        let unknown = try cli.run(["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.contains("there is no command \"frobnicate\" (`roster --help` lists them)"))
        // A group's command misspelt too (`practice ad`); a group with a default command
        // still runs it bare.
        let inGroup = try cli.run(["practice", "ad", "Phil's PT"])
        #expect(inGroup.status == 64 && inGroup.stderr.contains("there is no command \"ad\" in `roster practice`. Did you mean \"add\"?"), "\(inGroup.stderr)")
        let list = try cli.run(["location", "ls"])
        #expect(list.status == 64 && list.stderr.contains("Did you mean \"list\"?"), "\(list.stderr)")
        try cli.ok(["outbox"])
        try cli.ok(["help", "import"])
        #expect(try cli.ok(["help", "import", "--db", cli.path("h.sqlite")]).stdout.contains("roster import"))   // every command takes --db
        // An option a typo away from the command's own is named, with the one meant (the
        // parser would say `--consent` is missing).
        let option = try cli.run(["import", "x.csv", "--location", "Nashua", "--consnet", "email"])
        #expect(option.status == 64 && option.stderr.contains("`roster import` has no option --consnet. Did you mean --consent?"))
        let nested = try cli.run(["outbox", "send", "--dryrun"])
        #expect(nested.status == 64 && nested.stderr.contains("`roster outbox send` has no option --dryrun. Did you mean --dry-run?"))
        let equals = try cli.run(["export", "--location", "Nashua", "--db=\(cli.path("db.sqlite"))", "--outt=x.csv"])
        #expect(equals.status == 64 && equals.stderr.contains("has no option --outt. Did you mean --out?"))
    }

    /// A location, practice or contact not found names the database looked in, and what
    /// chose it: the usual reason is another database than the one meant (a new user's
    /// trial: a new shell without ROSTER_DB opened the default one without a word).
    @Test func notFoundNamesTheDatabaseAndWhatChoseIt() throws {
        let cli = CLI()
        try cli.setUpPractice()
        let fromEnvironment = try cli.run(["show", "CXXXXXXXXX"])
        #expect(fromEnvironment.stderr.contains("(database: \(cli.environment["ROSTER_DB"]!), from ROSTER_DB)"))
        let fromOption = try cli.run(["export", "--location", "Nashau", "--db", cli.path("other.sqlite")])
        #expect(fromOption.status == 1 && fromOption.stderr.contains("other.sqlite, from --db)"))
        let byDefault = try cli.run(["export", "--location", "Nashua"], environment: ["ROSTER_DB": ""])
        #expect(byDefault.stderr.contains("\(cli.dir.path)/.local/share/roster/roster.sqlite, the default, as neither --db nor ROSTER_DB is set)"))
        let list = try cli.ok(["practice", "list"], environment: ["ROSTER_DB": ""])
        #expect(list.stdout.contains("No practices yet") && list.stdout.contains("(database: \(cli.dir.path)/.local/share/roster/roster.sqlite"))
    }

    @Test func helpHasAnExampleForEveryCommand() throws {
        let cli = CLI()
        let commands = [["template"], ["practice", "add"], ["practice", "set"], ["practice", "list"], ["location", "add"],
                        ["location", "list"], ["import"], ["merge"], ["export"], ["copy"], ["subscribe"], ["unsubscribe"],
                        ["show"], ["find"], ["outbox", "list"], ["history"]]
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for command in commands {
            let help = try cli.ok(command + ["--help"]).stdout
            #expect(help.contains("Example"), "\(command) --help has no example")
            // `outbox list` is the default subcommand, spelled `roster outbox`.
            let spelled = "roster " + (command == ["outbox", "list"] ? ["outbox"] : command).joined(separator: " ")
            #expect(readme.contains(spelled), "README does not name \(spelled)")
        }
    }
}

/// Third-party data (../shared/testdata) through the binary.
@Suite(.serialized, .enabled(if: testdataAvailable, "needs ../shared/testdata beside the package"))
struct TestdataTests {
    func setUp() throws -> CLI {
        let cli = CLI()
        try cli.setUpPractice()
        return cli
    }

    @Test func syntheaTemplateReportsDigitNamesInvalid() throws {
        let cli = try setUp()
        let path = testdataRoot.appendingPathComponent("synthea_template.csv").path
        let r = try cli.json(["import", path, "--location", "Nashua", "--consent", "email,text", "--json"])
        let failures = r["failures"] as? [[String: Any]] ?? []
        #expect(r["rows"] as? Int == 1171)
        #expect(failures.count > 1000)
        #expect(failures.allSatisfy { ($0["reason"] as? String) == "Invalid" })
        #expect(failures.contains { ($0["field"] as? String) == "First Name" && (($0["message"] as? String) ?? "").contains("digit") })
    }

    @Test func syntheaCleanImportsWithoutFailures() throws {
        let cli = try setUp()
        let path = testdataRoot.appendingPathComponent("synthea_template_clean.csv").path
        let r = try cli.json(["import", path, "--location", "Nashua", "--consent", "email,text", "--json"])
        #expect(r["failed"] as? Int == 0, "\(String(describing: (r["failures"] as? [Any])?.prefix(3)))")
        #expect(r["created"] as? Int == 1171)
        if sqlite3Available { #expect(try cli.integrity() == "ok") }
    }

    @Test func rawSyntheaExportIsRefusedNamingItsSensitiveColumns() throws {
        let cli = try setUp()
        let path = testdataRoot.appendingPathComponent("synthea/patients_synthea_sample_apr2020.csv").path
        for flags in [[], ["--ignore-unknown-columns"]] {
            let r = try cli.run(["import", path, "--location", "Nashua", "--consent", "email"] + flags)
            #expect(r.status != 0)
            for column in ["SSN", "DRIVERS", "PASSPORT"] { #expect(r.stderr.contains(column)) }
            #expect(!r.stderr.contains("999-"))
        }
    }

    @Test func messyExcelFileIsReadAsWindows1252() throws {
        let cli = try setUp()
        let path = testdataRoot.appendingPathComponent("messy_excel_cp1252.csv").path
        let r = try cli.json(["import", path, "--location", "Nashua", "--consent", "email", "--json"])
        #expect(r["rows"] as? Int == 200)
        #expect((r["warnings"] as? [String] ?? []).contains { $0.contains("Windows-1252") })
        let found = try cli.ok(["find", "Núñez"]).stdout
        #expect(found.contains("José") || found.contains("Núñez"))
    }
}
