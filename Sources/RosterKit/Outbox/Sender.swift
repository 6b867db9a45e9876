import Foundation

/// What `roster outbox send` did.
public struct SendReadout: Equatable, Sendable, Encodable {
    public struct Failure: Equatable, Sendable, Encodable {
        public var id: Int64
        public var contactID: String
        public var error: String
        enum CodingKeys: String, CodingKey {
            case id, error
            case contactID = "contact_id"
        }
    }
    public struct Dropped: Equatable, Sendable, Encodable {
        public var id: Int64
        public var contactID: String
        public var reason: String
        enum CodingKeys: String, CodingKey {
            case id, reason
            case contactID = "contact_id"
        }
    }

    public var sent = 0
    public var failed = 0
    public var left = 0
    /// A dry run's count of the messages it would hand to sendmail (within --limit, from
    /// practices with a From address and a preferences URL); `left` counts every queued one.
    public var wouldSend = 0
    /// A dry run's recipients, by Contact ID, in the order they would go.
    public var wouldSendTo: [String] = []
    public var dryRun = false
    public var failures: [Failure] = []
    public var dropped: [Dropped] = []
    /// Practices whose messages wait for a setting, with the option that sets it.
    public var blocked: [String] = []

    enum CodingKeys: String, CodingKey {
        case sent, failed, left, failures, dropped, blocked
        case dryRun = "dry_run"
        case wouldSend = "would_send"
        case wouldSendTo = "would_send_to"
    }
}

/// Hands unsent welcome emails to the system's `sendmail` interface, one process per
/// message (`sendmail -i -t`), the way git send-email and mutt do.
///
/// Delivery is at-least-once: a message is marked sent in its own transaction right after
/// sendmail exits 0. A crash in the instant between the two would send it again on the
/// next run (with a new Message-ID); nothing is ever marked sent that was not handed off.
public struct Sender {
    public let store: any ContactStore
    public let clock: Clock

    public init(store: any ContactStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// The sendmail to run: `--sendmail`, else `$ROSTER_SENDMAIL`, else /usr/sbin/sendmail.
    public static func sendmailPath(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment["ROSTER_SENDMAIL"], !path.isEmpty { return path }
        return "/usr/sbin/sendmail"
    }

    /// The body as sent: SPEC 7's, with the preferences URL after "click here".
    public static func body(firstName: String, practice: Practice) throws -> String {
        let body = try WelcomeEmail.body(firstName: firstName, practice: practice)
        guard let url = practice.preferencesURL else { return body }
        return body.replacingOccurrences(of: "To manage your contact preferences, click here.",
                                         with: "To manage your contact preferences, click here: \(url)")
    }

    /// The `practice set` options a practice needs before its messages can go: the
    /// template's own values too, as a database from before `practice set` refused to empty
    /// them may hold a practice without one.
    /// What a practice lacks before its messages can go: each as what it is and the option
    /// (with a placeholder) that sets it.
    static func missingValues(_ practice: Practice) throws -> [(what: String, option: String)] {
        var missing = try WelcomeEmail.missingPracticeValues(practice).map { (what: "the \($0.field)", option: "\($0.option) ...") }
        if practice.email == nil { missing.append((what: "a From address", option: "--email ADDRESS")) }
        if practice.preferencesURL == nil { missing.append((what: "a preferences URL (where \"click here\" points)", option: "--preferences-url URL")) }
        return missing
    }

    /// Why `sendmail` cannot be run, or nil.
    public static func sendmailProblem(_ sendmail: String) -> String? {
        FileManager.default.isExecutableFile(atPath: sendmail) ? nil
            : "\(sendmail) is not an executable sendmail: install a mail transfer agent (Postfix, msmtp…) or pass --sendmail PATH"
    }

    public func send(sendmail: String, limit: Int? = nil, dryRun: Bool = false) throws -> SendReadout {
        var readout = SendReadout(dryRun: dryRun)
        let pending = try store.outbox().filter { $0.sentAt == nil && $0.dropReason == nil }
        var handled = 0
        var blockedPractices = Set<Int64>()
        var missingByPractice: [Int64: [(what: String, option: String)]] = [:]   // once a practice, not once a message
        for var entry in pending {
            let id = store.idCodec.encode(entry.contactNumber)
            // Read again just before the hand-off: an earlier message may have taken a while.
            (entry.currentEmail, entry.optedOutOfEmail, entry.subscribedToEmail) = try store.read { tx -> (String?, Bool, Bool) in
                let contact = try tx.contact(number: entry.contactNumber, practiceID: entry.practice.id)
                let memberships = try tx.memberships(contact: entry.contactNumber)
                return (contact?.values[.email], memberships.contains { $0.email == .optedOut }, memberships.contains { $0.email == .subscribed })
            }
            if let dropReason = entry.reasonNotToSend {
                readout.dropped.append(.init(id: entry.id, contactID: id, reason: dropReason))
                if !dryRun { try store.recordDelivery(id: entry.id, outcome: .dropped(reason: dropReason), at: Clock.timestamp(clock.now())) }
                continue
            }
            let practice = entry.practice
            let missing = try missingByPractice[practice.id] ?? Self.missingValues(practice)
            missingByPractice[practice.id] = missing
            if !missing.isEmpty {
                if blockedPractices.insert(practice.id).inserted {
                    readout.blocked.append("\(practice.name): nothing sent until it has \(ReadoutText.list(missing.map(\.what))): `roster practice set \"\(practice.name)\" \(missing.map(\.option).joined(separator: " "))`")
                }
                readout.left += 1
                continue
            }
            if let limit, handled >= limit {
                readout.left += 1
                continue
            }
            handled += 1
            let now = clock.now()
            let domain = practice.email?.split(separator: "@").last.map(String.init) ?? "roster.invalid"
            let messageID = "roster.\(entry.id).\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF).\(Int64(now.timeIntervalSince1970))@\(domain)"
            let message = MailMessage(from: practice.email ?? "", fromName: practice.ownerFullName, to: entry.to,
                                      subject: try WelcomeEmail.subject(firstName: entry.firstName, practice: practice),
                                      body: try Self.body(firstName: entry.firstName, practice: practice),
                                      date: now, messageID: messageID, unsubscribeURL: practice.preferencesURL ?? "")
            if dryRun {
                readout.wouldSend += 1
                readout.wouldSendTo.append(id)
                readout.left += 1
                continue
            }
            let error = Self.handOff(message.rendered, to: sendmail, recipient: entry.to, firstName: entry.firstName)
            let at = Clock.timestamp(clock.now())
            if let error {
                try store.recordDelivery(id: entry.id, outcome: .failed(messageID: messageID, error: error), at: at)
                readout.failed += 1
                readout.left += 1
                readout.failures.append(.init(id: entry.id, contactID: id, error: error))
            } else {
                try store.recordDelivery(id: entry.id, outcome: .sent(messageID: messageID), at: at)
                readout.sent += 1
            }
        }
        return readout
    }

    /// Runs `sendmail -i -t` with the message on standard input; nil when it exited 0,
    /// else why (its status and first line of output, the recipient's address hidden).
    static func handOff(_ message: String, to sendmail: String, recipient: String, firstName: String) -> String? {
        if let problem = sendmailProblem(sendmail) { return problem }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sendmail)
        process.arguments = ["-i", "-t"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = errors
        process.standardError = errors
        do { try process.run() } catch { return "could not start \(sendmail): \(error.localizedDescription)" }
        let writer = input.fileHandleForWriting
        // A sendmail that exits early closes its end; ignore the broken pipe and read its status.
        signal(SIGPIPE, SIG_IGN)
        try? writer.write(contentsOf: Data(message.utf8))
        try? writer.close()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationReason == .exit && process.terminationStatus == 0 { return nil }
        let said = String(decoding: output, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let hidden = hideContact(in: said, recipient: recipient, firstName: firstName)
        let status = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
        return "sendmail \(status)" + (hidden.isEmpty ? "" : ": \(hidden.prefix(200))")
    }

    /// A line sendmail printed, with the contact's address (and its part before the @) and
    /// first name hidden, whatever their case: it is printed, and kept for `roster outbox`
    /// (SPEC 11: errors never hold a contact's values). A mail server may echo the address
    /// in capitals, or the subject ("Hi Ann!").
    static func hideContact(in line: String, recipient: String, firstName: String) -> String {
        var hidden = line
        let local = recipient.split(separator: "@").first.map(String.init) ?? ""
        for (value, placeholder) in [(recipient, "<recipient>"), (local, "<recipient>"), (firstName, "<first name>")]
            where value.count >= 2 {
            hidden = hidden.replacingOccurrences(of: value, with: placeholder, options: [.caseInsensitive])
        }
        return hidden
    }
}
