import Foundation
import Testing
@testable import RosterKit

/// Issue 10: welcome emails handed to a fake `sendmail` that stores each message.
@Suite struct SenderTests {
    /// A fake sendmail: stores stdin in `dir` and exits with the status in `dir/status` (0 by default).
    static func fakeSendmail(_ scratch: Scratch) -> (path: String, dir: String) {
        let dir = scratch.path("mail")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            [ "$1" = "-i" ] && [ "$2" = "-t" ] || { echo "bad arguments: $*" >&2; exit 64; }
            status=$(cat "\(dir)/status" 2>/dev/null || echo 0)
            if [ "$status" != 0 ]; then cat >/dev/null; echo "queue full for $(whoami)" >&2; exit "$status"; fi
            cat > "\(dir)/$(date +%s%N).eml"
            """
        // Written through a descriptor closed on exec: a process another test forks while
        // this one writes must not hold the script open for writing, or running it fails
        // with "Text file busy" (seen once in a full parallel run).
        let path = scratch.path("sendmail")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        _ = Array(script.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        chmod(path, 0o755)
        return (path, dir)
    }

    static func messages(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".eml") }.sorted()
            .map { try String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }
    }

    func ready() throws -> Fixture {
        let f = try Fixture()
        _ = try f.store.updatePractice(name: f.practice, details: PracticeDetails(email: "phil@philspt.example", preferencesURL: "https://philspt.example/prefs"))
        return f
    }

    @Test func sendsOneMessagePerCreatedContactAndNeverTwice() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Last Name,Email\nZoë,Núñez,zoe@example.com\nAnn,Lee,ann@example.com\nAnn,Lee,ann@example.com\n")
        let sender = Sender(store: f.store, clock: fixedClock)
        let first = try sender.send(sendmail: sendmail)
        #expect((first.sent, first.failed, first.left) == (2, 0, 0))
        #expect(try Self.messages(dir).count == 2)
        let second = try sender.send(sendmail: sendmail)
        #expect((second.sent, second.failed, second.left) == (0, 0, 0))
        #expect(try Self.messages(dir).count == 2)
        #expect(try Outbox(store: f.store).messages().allSatisfy { $0.sent && $0.sentAt != nil })
    }

    @Test func theMessageParsesAsRFC5322AndMIMEWithExactHeadersAndBody() throws {
        let f = try ready()
        _ = try f.store.updatePractice(name: f.practice, details: PracticeDetails(ownerFullName: "Renée Lefèvre"))
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Last Name,Email\nZoë,Núñez,zoe@example.com\n")
        _ = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        let raw = try #require(try Self.messages(dir).first)
        #expect(raw.contains("\nMIME-Version: 1.0\n"))
        #expect(raw.contains("\nContent-Type: text/plain; charset=utf-8\n"))
        #expect(raw.contains("\nList-Unsubscribe: <https://philspt.example/prefs>\n"))
        #expect(raw.contains("\nDate: Wed, 25 Nov 2026 12:00:00 +0000\n"))
        #expect(raw.split(separator: "\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(raw.utf8.allSatisfy { $0 < 128 })
        // Python's email package decodes it (skipped where python3 is absent).
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        let checker = f.scratch.file("check.py", """
            import email, json, sys
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
            print(json.dumps({"from": str(m["From"]), "to": str(m["To"]), "subject": str(m["Subject"]),
                              "type": m.get_content_type(), "charset": m.get_content_charset(),
                              "mid": str(m["Message-ID"]), "body": m.get_content(), "defects": len(m.defects)}))
            """)
        let file = try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".eml") } ?? ""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [checker, dir + "/" + file]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(parsed["from"] as? String == "Renée Lefèvre <phil@philspt.example>")
        #expect(parsed["to"] as? String == "zoe@example.com")
        #expect(parsed["subject"] as? String == "Hi Zoë! We're here for you")
        #expect(parsed["type"] as? String == "text/plain")
        #expect(parsed["charset"] as? String == "utf-8")
        #expect(parsed["defects"] as? Int == 0)
        #expect((parsed["mid"] as? String)?.hasSuffix("@philspt.example>") == true)
        #expect(parsed["body"] as? String == """
            Hello Zoë,
            This is Renée Lefèvre from Phil's Physical Therapy and we appreciate you as a part of our community.
            We recently updated our email system and wanted to let you know that we are going to start sharing more tips and exclusive opportunities for our client base. We're excited to help you solve your health challenges naturally!
            To manage your contact preferences, click here: https://philspt.example/prefs
            Regards,
            Renée Lefèvre
            Phil's Physical Therapy
            (603) 555-0100
            1 Main St, Nashua, NH 03060
            PS - Are you experiencing any health or activity issues right now? If so, reply to this email and let us know how we can help.

            """)
    }

    @Test func aFailingSendmailLeavesTheMessageForTheNextRun() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\nBo,bo@example.com\n")
        #expect(FileManager.default.createFile(atPath: dir + "/status", contents: Data("75".utf8)))
        let failed = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        #expect((failed.sent, failed.failed, failed.left) == (0, 2, 2))
        #expect(failed.failures.allSatisfy { $0.error.contains("status 75") && !$0.error.contains("ann@example.com") })
        #expect(try Outbox(store: f.store).messages().allSatisfy { !$0.sent && $0.attempts == 1 })
        try FileManager.default.removeItem(atPath: dir + "/status")
        let retried = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail, limit: 1)
        #expect((retried.sent, retried.left) == (1, 1))
        let rest = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        #expect((rest.sent, rest.left) == (1, 0))
        #expect(try Self.messages(dir).count == 2)
    }

    @Test func optOutsUnsubscribesAndChangedEmailsAreDroppedWithAReason() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\nBo,bo@example.com\nCy,cy@example.com\nDi,di@example.com\n")
        _ = try f.contacts.setStatus(f.contact(named: "Ann").id, location: "Nashua", practice: nil, channel: .email, status: .optedOut)
        let bo = try f.contact(named: "Bo").id
        try f.importCSV("Contact ID,Email\n\(bo),robert@example.com\n") { $0.mode = .merge }
        // Unsubscribed by hand wherever she is: staff stopped her emails, so no welcome.
        _ = try f.contacts.setStatus(f.contact(named: "Di").id, location: "Nashua", practice: nil, channel: .email, status: .unsubscribed)
        // Before any send, the listing (what an outside sender reads) already says so.
        let before = try Outbox(store: f.store).messages()
        #expect(before.map(\.dropReason) == ["the contact opted out of email",
                                              "the contact's email changed after the message was queued", nil,
                                              "the contact is not subscribed to email at any location now"])
        #expect(before.allSatisfy { !$0.sent })
        let r = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        #expect(r.sent == 1)
        #expect(Set(r.dropped.map(\.reason)) == ["the contact opted out of email", "the contact's email changed after the message was queued",
                                                 "the contact is not subscribed to email at any location now"])
        #expect(try Self.messages(dir).count == 1)
        let listed = try Outbox(store: f.store).messages()
        #expect(listed.filter { $0.dropReason != nil }.count == 3)
        // A dropped message is never sent later, nor marked sent.
        #expect(try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail).sent == 0)
        try Outbox(store: f.store).markSent(ids: listed.map(\.id), clock: fixedClock)
        #expect(try Outbox(store: f.store).messages().filter(\.sent).count == 1)
    }

    /// A waiting welcome email is written with the practice's owner, phone and address when
    /// sent: `practice set` will not empty one while emails wait, and a practice that lacks
    /// one anyway (a database from before) sends nothing until it is set.
    @Test func aWaitingEmailKeepsThePracticeValuesItNeeds() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\n")
        #expect(throws: StoreError.invalidPracticeSetting(option: "--owner", value: "", problem: "would empty a value that 1 waiting welcome email is written with: give the new value instead (`roster outbox` lists the queue)")) {
            try f.store.updatePractice(name: f.practice, details: PracticeDetails(ownerFullName: " "))
        }
        #expect(throws: StoreError.self) { try f.store.updatePractice(name: f.practice, details: PracticeDetails(address: "")) }
        _ = try f.store.updatePractice(name: f.practice, details: PracticeDetails(ownerFullName: "Renée Lefèvre"))
        try f.store.write(commit: true) { _ in _ = try f.store.executor.run("UPDATE practice SET phone = NULL", []) }
        let blocked = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        #expect((blocked.sent, blocked.left) == (0, 1))
        #expect(blocked.blocked.first?.contains("--phone") == true)
        #expect(try Self.messages(dir).isEmpty)
        _ = try f.store.updatePractice(name: f.practice, details: PracticeDetails(phone: "(603) 555-0100"))
        #expect(try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail).sent == 1)
        #expect(try Self.messages(dir).first?.contains("This is Ren") == true)
        // Nothing waits now: the owner may be emptied.
        _ = try f.store.updatePractice(name: f.practice, details: PracticeDetails(ownerFullName: ""))
    }

    /// An email changed back to the queued one (any case) lets the message go again.
    @Test func aMessageIsHeldOnlyWhileTheReasonLasts() throws {
        let f = try ready()
        try f.importCSV("First Name,Email\nBo,bo@example.com\n")
        let bo = try f.contact(named: "Bo").id
        try f.importCSV("Contact ID,Email\n\(bo),robert@example.com\n") { $0.mode = .merge }
        #expect(try Outbox(store: f.store).messages().first?.dropReason != nil)
        try f.importCSV("Contact ID,Email\n\(bo),BO@example.com\n") { $0.mode = .merge }
        #expect(try Outbox(store: f.store).messages().first?.dropReason == nil)
    }

    @Test func aPracticeWithoutFromAddressSendsNothingAndSaysWhichOption() throws {
        let f = try Fixture()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\n")
        let r = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail)
        #expect((r.sent, r.left) == (0, 1))
        // What is missing, then the command to paste as it is.
        #expect(r.blocked.first?.hasSuffix("nothing sent until it has a From address and a preferences URL (where \"click here\" points): `roster practice set \"Phil's Physical Therapy\" --email ADDRESS --preferences-url URL`") == true)
        #expect(try Self.messages(dir).isEmpty)
    }

    @Test func dryRunRunsNothing() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\n")
        let r = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail, dryRun: true)
        #expect((r.sent, r.left, r.wouldSend, r.dryRun) == (0, 1, 1, true))
        #expect(r.wouldSendTo == [try f.contact(named: "Ann").id])
        let queued = try #require(try Outbox(store: f.store).messages().first)
        let practice = try #require(try f.store.practices().first)
        #expect(queued.from != nil && queued.preferencesURL != nil)
        #expect(queued.from == practice.email && queued.preferencesURL == practice.preferencesURL)
        #expect(Sender.sendmailProblem(sendmail) == nil)
        #expect(Sender.sendmailProblem(f.scratch.path("no-such-sendmail"))?.contains("is not an executable sendmail") == true)
        #expect(try Self.messages(dir).isEmpty)
        #expect(try Outbox(store: f.store).messages().first?.attempts == 0)
    }

    /// What sendmail prints is kept and shown without the contact's address or first name,
    /// in whatever case the mail server echoed them.
    @Test func sendmailsWordsHideTheContact() {
        let line = "554 rejected (Subject: Hi Karyn! We're here for you) rcpt=<KARYN.MUELLER@EXAMPLE.ORG> user karyn.mueller"
        let hidden = Sender.hideContact(in: line, recipient: "karyn.mueller@example.org", firstName: "Karyn")
        #expect(!hidden.lowercased().contains("karyn") && !hidden.lowercased().contains("mueller"), "\(hidden)")
        #expect(hidden == "554 rejected (Subject: Hi <first name>! We're here for you) rcpt=<<recipient>> user <recipient>")
    }

    /// A dry run counts what a real run with the same --limit would hand off, apart from
    /// what stays queued.
    @Test func dryRunKeepsToTheLimit() throws {
        let f = try ready()
        let (sendmail, dir) = Self.fakeSendmail(f.scratch)
        try f.importCSV("First Name,Email\nAnn,ann@example.com\nBo,bo@example.com\nCy,cy@example.com\n")
        let r = try Sender(store: f.store, clock: fixedClock).send(sendmail: sendmail, limit: 2, dryRun: true)
        #expect((r.wouldSend, r.left, r.sent) == (2, 3, 0))
        #expect(try Self.messages(dir).isEmpty)
    }

    @Test func encodings() {
        #expect(MailEncoding.headerText("Hi Ann! We're here") == "Hi Ann! We're here")
        #expect(MailEncoding.headerText("Zoë") == "=?utf-8?B?Wm/Dqw==?=")
        let long = MailEncoding.headerText(String(repeating: "é", count: 60))
        #expect(long.split(separator: "\n").allSatisfy { $0.count <= 76 })
        #expect(MailEncoding.displayName("Phil \"The\" Jones") == "\"Phil \\\"The\\\" Jones\"")
        #expect(MailEncoding.quotedPrintable("a=b é  ") == "a=3Db =C3=A9 =20")
        #expect(MailEncoding.quotedPrintable(String(repeating: "x", count: 100)).split(separator: "\n").map(\.count) == [76, 25])
    }
}
