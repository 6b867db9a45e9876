import Foundation
import Testing

/// Issue 10's end-to-end test: `roster outbox send` through a real mail transfer agent.
/// msmtp is the sendmail; it delivers over SMTP to a sink on 127.0.0.1 that the test starts
/// (Python's aiosmtpd), and what arrived there is parsed with Python's `email` package.
///
/// Needs `msmtp` (Debian package msmtp) and a Python with aiosmtpd: `$ROSTER_MAIL_PYTHON`
/// if set, else `.build/mail-venv/bin/python3` (which `.ci/run` makes), else the system
/// python3. Where either is missing the test is skipped, saying which.
@Suite struct MailTransferTests {
    static let practice = "Phil's Physical Therapy"
    static let from = "phil@philspt.example"
    static let preferencesURL = "https://philspt.example/preferences?practice=phils-pt"

    @Test(.enabled(if: MailTools.msmtp != nil,
                   "msmtp not found: install the Debian package msmtp (.ci/run does) to run the end-to-end mail test"),
          .enabled(if: MailTools.python != nil,
                   "no Python with aiosmtpd ($ROSTER_MAIL_PYTHON, else .build/mail-venv/bin/python3, else python3): make the venv with python3 -m venv .build/mail-venv && .build/mail-venv/bin/pip install aiosmtpd (.ci/run does)"),
          .timeLimit(.minutes(3)))
    func outboxSendDeliversThroughMsmtpToALocalSMTPSink() throws {
        let msmtp = try #require(MailTools.msmtp)
        let python = try #require(MailTools.python)
        let cli = CLI()
        let sink = try SMTPSink(python: python)
        defer { sink.stop() }

        // msmtp as the sendmail: no auth, no TLS, the practice's address as envelope sender.
        let rc = cli.file("msmtprc", """
            defaults
            auth off
            tls off
            syslog off
            timeout 10
            account default
            host 127.0.0.1
            port \(sink.port)
            from \(Self.from)
            domain localhost

            """)
        chmod(rc, 0o600)
        // coreutils' timeout bounds each hand-off on top of msmtp's own network timeout.
        let timeout = FileManager.default.isExecutableFile(atPath: "/usr/bin/timeout") ? "/usr/bin/timeout 30 " : ""
        let sendmail = cli.file("sendmail", "#!/bin/sh\nexec \(timeout)'\(msmtp)' -C '\(rc)' \"$@\"\n")
        chmod(sendmail, 0o755)

        try cli.setUpPractice()
        try cli.ok(["practice", "set", Self.practice, "--email", Self.from, "--preferences-url", Self.preferencesURL])
        let list = cli.file("welcome.csv", """
            First Name,Last Name,Email
            Zoë,Núñez,zoe@example.com
            Ann,Lee,ann.lee@example.com
            Marcus,O'Brien,marcus@example.org

            """)
        let imported = try cli.json(["import", list, "--location", "Nashua", "--consent", "email", "--json"])
        #expect(imported["created"] as? Int == 3)
        #expect(imported["welcome_emails_queued"] as? Int == 3)
        let firstNames = ["zoe@example.com": "Zoë", "ann.lee@example.com": "Ann", "marcus@example.org": "Marcus"]

        // The bodies as the outbox shows them (before "click here" gains the URL).
        var queuedBodies: [String: String] = [:]
        for line in try cli.ok(["outbox", "--json"]).stdout.split(separator: "\n") {
            let m = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            queuedBodies[m["to"] as? String ?? ""] = m["body"] as? String
        }
        #expect(Set(queuedBodies.keys) == Set(firstNames.keys))

        let first = try sink.roster(cli, ["outbox", "send", "--sendmail", sendmail, "--json"])
        try #require(first.status == 0, "outbox send failed: \(first.stderr)\n\(first.stdout)\nsink log: \(sink.log)")
        let readout = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(readout["sent"] as? Int == 3, "\(first.stdout)")
        #expect(readout["failed"] as? Int == 0, "\(first.stdout)")
        #expect(readout["left"] as? Int == 0, "\(first.stdout)")

        // msmtp exits 0 only after the sink answered 250 to DATA, and the sink stores the
        // message before answering, so everything delivered is on disk now.
        let delivered = try sink.parsedMessages()
        #expect(delivered.count == 3, "one message per created contact; sink log: \(sink.log)")
        #expect(Set(delivered.map { $0["to"] as? String ?? "" }) == Set(firstNames.keys))
        #expect(Set(delivered.map { $0["message_id"] as? String ?? "" }).count == delivered.count, "Message-IDs are unique")

        for m in delivered {
            let to = m["to"] as? String ?? ""
            let firstName = firstNames[to] ?? "?"
            #expect(m["mail_from"] as? String == Self.from, "envelope sender")
            #expect(m["rcpt_tos"] as? [String] == [to], "envelope recipient")
            #expect(m["from"] as? String == "Phil Jones <\(Self.from)>")
            #expect(m["subject"] as? String == "Hi \(firstName)! We're here for you")
            #expect(m["mime_version"] as? String == "1.0")
            #expect(m["content_type"] as? String == "text/plain")
            #expect(m["charset"] as? String == "utf-8")
            #expect(m["list_unsubscribe"] as? String == "<\(Self.preferencesURL)>")
            #expect(m["date_count"] as? Int == 1, "one Date header (roster's; msmtp adds none)")
            #expect(m["message_id_count"] as? Int == 1, "one Message-ID (roster's; msmtp adds none)")
            #expect(m["date_parses"] as? Bool == true)
            #expect((m["message_id"] as? String)?.hasSuffix("@philspt.example>") == true)
            #expect(m["defects"] as? Int == 0, "the email package found defects in the message to \(to)")
            #expect(m["ascii"] as? Bool == true, "the message on the wire is 7-bit")
            #expect((m["longest_line"] as? Int ?? 999) <= 78, "no line over 78 characters")
            let body = m["body"] as? String ?? ""
            #expect(body.hasPrefix("Hello \(firstName),\n"))
            #expect(body.contains("This is Phil Jones from Phil's Physical Therapy"))
            #expect(body.contains("To manage your contact preferences, click here: \(Self.preferencesURL)\n"))
            let expected = (queuedBodies[to] ?? "").replacingOccurrences(
                of: "To manage your contact preferences, click here.",
                with: "To manage your contact preferences, click here: \(Self.preferencesURL)")
            #expect(trimmingTrailingNewlines(body) == trimmingTrailingNewlines(expected),
                    "the body arrives as the outbox shows it, with the URL after \"click here\"")
        }
        let zoe = try #require(delivered.first { $0["to"] as? String == "zoe@example.com" })
        #expect(zoe["subject"] as? String == "Hi Zoë! We're here for you")
        #expect((zoe["raw_subject"] as? String)?.contains("=?utf-8?") == true, "a non-ASCII Subject is RFC 2047 encoded")

        // Nothing is sent twice.
        let second = try sink.roster(cli, ["outbox", "send", "--sendmail", sendmail, "--json"])
        #expect(second.status == 0, "second outbox send failed: \(second.stderr)")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(again["sent"] as? Int == 0)
        #expect(again["failed"] as? Int == 0)
        #expect(again["left"] as? Int == 0)
        #expect(try sink.parsedMessages().count == 3, "a second send delivers nothing more")
        let outbox = try cli.ok(["outbox", "--json"]).stdout.split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(outbox.count == 3 && outbox.allSatisfy { $0["sent"] as? Bool == true && $0["sent_at"] is String })
    }

    func trimmingTrailingNewlines(_ s: String) -> String {
        var s = s
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}

/// msmtp and a Python with aiosmtpd, found once.
enum MailTools {
    static let msmtp: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        return (["/usr/bin", "/usr/local/bin"] + path).map { $0 + "/msmtp" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// `$ROSTER_MAIL_PYTHON` when set (and only it), else the venv `.ci/run` makes, else the system python3.
    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates: [String]
        if let chosen = environment["ROSTER_MAIL_PYTHON"], !chosen.isEmpty {
            candidates = [chosen]
        } else {
            let path = environment["PATH"]?.split(separator: ":").map { String($0) + "/python3" } ?? []
            candidates = [packageRoot.appendingPathComponent(".build/mail-venv/bin/python3").path, "/usr/bin/python3"] + path
        }
        return candidates.first { candidate in
            guard FileManager.default.isExecutableFile(atPath: candidate),
                  let outcome = try? BoundedProcess.run(candidate, ["-c", "import aiosmtpd.smtp"], timeout: 30)
            else { return false }
            return outcome.status == 0
        }
    }()
}

/// A process run with its output in files and a deadline, killed when it passes.
enum BoundedProcess {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    directory: URL? = nil, timeout: TimeInterval) throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bounded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("out").path, errPath = scratch.appendingPathComponent("err").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingAtPath: outPath).orThrow(), err = try FileHandle(forWritingAtPath: errPath).orThrow()
        defer { try? out.close(); try? err.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let timedOut = !waitForExit(process, timeout: timeout)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        var stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        if timedOut { stderr += "\n(\(executable) killed after \(Int(timeout)) seconds)" }
        return Outcome(status: timedOut ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Waits up to `timeout`; true when the process exited, else it is killed (TERM, then KILL).
    @discardableResult
    static func waitForExit(_ process: Process, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if !process.isRunning {
            process.waitUntilExit()
            return true
        }
        process.terminate()
        let grace = Date().addingTimeInterval(3)
        while process.isRunning && Date() < grace { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return false
    }
}

struct MailTestError: Error, CustomStringConvertible {
    var description: String
}

fileprivate extension Optional {
    func orThrow(_ message: String = "unexpected nil") throws -> Wrapped {
        guard let self else { throw MailTestError(description: message) }
        return self
    }
}

/// An SMTP sink on 127.0.0.1 (aiosmtpd) that stores each message it receives, raw, with its
/// envelope. It binds a free port itself (port 0, so no race with other listeners) and
/// reports it; it exits when stopped, when the test process goes away, or after 5 minutes.
final class SMTPSink {
    let dir: URL
    let inbox: URL
    let python: String
    let process = Process()
    private(set) var port = 0

    static let server = """
        import asyncio, json, os, sys, time
        from aiosmtpd.smtp import SMTP

        inbox, ready, lifetime = sys.argv[1], sys.argv[2], float(sys.argv[3])

        class Store:
            count = 0
            async def handle_DATA(self, server, session, envelope):
                Store.count += 1
                base = os.path.join(inbox, "%03d" % Store.count)
                with open(base + ".envelope.json", "w") as f:
                    json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
                with open(base + ".part", "wb") as f:
                    f.write(envelope.original_content)
                os.replace(base + ".part", base + ".eml")
                return "250 2.0.0 stored"

        async def main():
            store = Store()
            loop = asyncio.get_running_loop()
            # hostname given: aiosmtpd would otherwise look up the FQDN (DNS).
            server = await loop.create_server(
                lambda: SMTP(store, hostname="sink.localhost", timeout=30), "127.0.0.1", 0)
            with open(ready + ".part", "w") as f:
                f.write(str(server.sockets[0].getsockname()[1]))
            os.replace(ready + ".part", ready)
            parent, deadline = os.getppid(), time.monotonic() + lifetime
            while time.monotonic() < deadline and os.getppid() == parent:
                await asyncio.sleep(0.2)
            server.close()

        asyncio.run(main())
        """

    static let parser = """
        import email, email.utils, json, os, sys
        from email import policy

        inbox = sys.argv[1]
        out = []
        for name in sorted(os.listdir(inbox)):
            if not name.endswith(".eml"):
                continue
            raw = open(os.path.join(inbox, name), "rb").read()
            envelope = json.load(open(os.path.join(inbox, name[:-4] + ".envelope.json")))
            m = email.message_from_bytes(raw, policy=policy.default)
            raw_subject = email.message_from_bytes(raw, policy=policy.compat32)["Subject"]
            try:
                date_parses = email.utils.parsedate_to_datetime(str(m["Date"])) is not None
            except Exception:
                date_parses = False
            out.append({
                "mail_from": envelope["mail_from"], "rcpt_tos": envelope["rcpt_tos"],
                "from": str(m["From"]), "to": str(m["To"]), "subject": str(m["Subject"]),
                "raw_subject": str(raw_subject),
                "mime_version": str(m["MIME-Version"]), "content_type": m.get_content_type(),
                "charset": m.get_content_charset(), "list_unsubscribe": str(m["List-Unsubscribe"]),
                "message_id": str(m["Message-ID"]),
                "date_count": len(m.get_all("Date") or []), "message_id_count": len(m.get_all("Message-ID") or []),
                "date_parses": date_parses,
                "defects": len(m.defects) + sum(len(getattr(v, "defects", ())) for _, v in m.items()),
                "ascii": all(b < 128 for b in raw),
                "longest_line": max(len(line) for line in raw.replace(b"\\r\\n", b"\\n").split(b"\\n")),
                "body": m.get_content().replace("\\r\\n", "\\n"),
            })
        print(json.dumps(out))
        """

    init(python: String) throws {
        self.python = python
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-smtp-sink-\(UUID().uuidString)")
        inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("sink.py"), ready = dir.appendingPathComponent("port")
        try Self.server.write(to: script, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("sink.log").path, contents: nil)
        let logHandle = try FileHandle(forWritingAtPath: dir.appendingPathComponent("sink.log").path).orThrow()
        defer { try? logHandle.close() }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, inbox.path, ready.path, "300"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            usleep(50_000)
        }
        let why = process.isRunning ? "did not report its port within 30 seconds" : "exited with status \(process.terminationStatus)"
        stop()
        throw MailTestError(description: "the SMTP sink (\(python)) \(why): \(log)")
    }

    var log: String { (try? String(contentsOf: dir.appendingPathComponent("sink.log"), encoding: .utf8)) ?? "" }

    /// Runs roster in `cli`'s folder, bounded (msmtp has its own 10-second network timeout).
    func roster(_ cli: CLI, _ arguments: [String]) throws -> Outcome {
        try BoundedProcess.run(rosterBinary.path, arguments, environment: cli.environment, directory: cli.dir, timeout: 120)
    }

    /// Every message received so far, parsed by Python's email package (policy=default).
    func parsedMessages() throws -> [[String: Any]] {
        let parser = dir.appendingPathComponent("parse.py")
        try Self.parser.write(to: parser, atomically: true, encoding: .utf8)
        let outcome = try BoundedProcess.run(python, [parser.path, inbox.path], timeout: 60)
        guard outcome.status == 0,
              let parsed = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]]
        else { throw MailTestError(description: "parsing the received messages failed: \(outcome.stderr)") }
        return parsed
    }

    /// Stops the sink (bounded) and removes its folder; safe to call twice.
    func stop() {
        if process.isRunning { BoundedProcess.waitForExit(process, timeout: 0) }
        try? FileManager.default.removeItem(at: dir)
    }

    deinit { stop() }
}
