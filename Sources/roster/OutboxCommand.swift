import ArgumentParser
import Foundation
import RosterKit

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List the welcome emails queued for sending, and mark them sent.",
        subcommands: [List.self, Send.self, MarkSent.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the queue (the default); --json writes JSON Lines for a sender.",
            discussion: "Example:\n  roster outbox\n  roster outbox --json --unsent > welcome.jsonl"
        )
        @Flag(help: "Print JSON Lines: contact_id, to, subject, body, sent.") var json = false
        @Flag(help: "Only messages still to send (not sent, not dropped).") var unsent = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting(json: json) {
                let messages = try Outbox(store: database.open(reading: true)).messages().filter { !unsent || (!$0.sent && $0.dropReason == nil) }
                if json {
                    for m in messages { try printJSON(m) }
                    return
                }
                let waiting = messages.filter { !$0.sent && $0.dropReason == nil }.count
                let dropped = messages.filter { $0.dropReason != nil }.count
                print("\(ReadoutText.count(messages.count, "welcome email")): \(ReadoutText.number(waiting)) waiting, \(ReadoutText.number(messages.filter(\.sent).count)) sent, \(ReadoutText.number(dropped)) dropped.")
                for m in messages {
                    let state = m.sent ? "sent \(m.sentAt.map(Clock.local) ?? "")" : m.dropReason.map { "dropped: \($0)" }
                        ?? (m.attempts > 0 ? "waiting (\(ReadoutText.count(m.attempts, "failed attempt")): \(m.lastError ?? ""))" : "waiting")
                    print("  #\(m.id)  \(m.contactID)  \(m.to)  \(state)  \(m.subject)")
                }
                // Said here, not first at `send`: what keeps waiting messages from going.
                let unsendable = messages.filter { !$0.sent && $0.dropReason == nil && ($0.from == nil || $0.preferencesURL == nil) }
                if !unsendable.isEmpty {
                    print("\(ReadoutText.count(unsendable.count, "waiting message")) cannot be sent yet: the practice needs a From address and a preferences URL (`roster practice set NAME --email ADDRESS --preferences-url URL`).")
                }
            }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Hand each unsent welcome email to the system's sendmail (Postfix, Exim, msmtp…).",
            discussion: """
                Runs `sendmail -i -t` once per message. Exit status 0 marks the message sent; anything else \
                leaves it unsent for the next run, and `roster outbox send` then exits 1 after its readout. Messages to contacts who opted out of email, or whose email \
                changed since queueing, are dropped with a reason that `roster outbox` shows. A practice needs \
                a From address and a preferences URL first (`roster practice set NAME --email ... --preferences-url ...`).

                Example:
                  roster practice set "Phil's Physical Therapy" --email phil@philspt.example \\
                      --preferences-url https://philspt.example/prefs
                  roster outbox send --dry-run
                  roster outbox send --limit 100
                """
        )
        @Option(help: ArgumentHelp("The sendmail program (default: $ROSTER_SENDMAIL, else /usr/sbin/sendmail).", valueName: "path"))
        var sendmail: String?
        @Option(help: "Send at most this many messages.") var limit: Int?
        @Flag(name: .customLong("dry-run"), help: "Say what would be sent; run nothing.") var dryRun = false
        @Flag(help: "Print the result as JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            try runReporting(json: json) {
                let path = Sender.sendmailPath(explicit: sendmail, environment: ProcessInfo.processInfo.environment)
                let readout = try Sender(store: database.open()).send(sendmail: path, limit: limit, dryRun: dryRun)
                // A run with failed hand-offs exits 1 (after its readout), so cron or a
                // script notices; the messages stay queued for the next run.
                if readout.failed > 0 && !dryRun {
                    if json { try printJSON(readout) } else { printReadout(readout, path: path) }
                    FileHandle.standardError.write(Data("roster: error: \(readout.failed) of the messages could not be handed to \(path) (listed above); they stay queued, and the next `roster outbox send` tries them again\n".utf8))
                    throw ExitCode(1)
                }
                if json { return try printJSON(readout) }
                printReadout(readout, path: path)
            }
        }

        func printReadout(_ readout: SendReadout, path: String) {
            if dryRun {
                let waiting = readout.left - readout.wouldSend
                print("Dry run: \(ReadoutText.count(readout.wouldSend, "message")) would be handed to \(path); nothing was run."
                      + (waiting > 0 ? " \(ReadoutText.count(waiting, "more message")) would stay queued (over --limit, or for a practice setting listed below)." : ""))
                if readout.wouldSend > 0, let problem = Sender.sendmailProblem(path) { print("  But \(problem).") }
                let shown = readout.wouldSendTo.prefix(20)
                if !shown.isEmpty {
                    print("  To: " + shown.joined(separator: ", ") + (readout.wouldSendTo.count > shown.count ? " and \(ReadoutText.number(readout.wouldSendTo.count - shown.count)) more (`--json` lists each)" : "")
                          + " (`roster show ID` shows one)")
                }
            } else {
                print("\(readout.sent) sent, \(readout.failed) failed, \(readout.left) left.")
            }
            for f in readout.failures { print("  #\(f.id) to \(f.contactID) not sent: \(f.error)") }
            for d in readout.dropped { print("  #\(d.id) to \(d.contactID) dropped: \(d.reason)") }
            for b in readout.blocked { print("  " + b) }
        }
    }

    struct MarkSent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-sent",
            abstract: "Mark queued messages sent, by their # from `roster outbox`, or all with --all.",
            discussion: "Example:\n  roster outbox mark-sent 1 2 3\n  roster outbox mark-sent --all"
        )
        @Argument(help: "Message numbers, the # column of `roster outbox` (12 or #12); not Contact IDs.",
                  transform: { try shownNumber($0, listedBy: "roster outbox") })
        var ids: [Int64] = []
        @Flag(help: "Mark every waiting message sent.") var all = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("give message numbers from `roster outbox`, or --all") }
        }

        func run() throws {
            try runReporting {
                let outbox = try Outbox(store: database.open(reading: true))
                let messages = try outbox.messages()
                // --all: the waiting ones; a message to drop is never marked sent.
                let chosen = all ? messages.filter { !$0.sent && $0.dropReason == nil }.map(\.id) : ids
                // Why a number named is not marked: said for each, before marking.
                let byID = Dictionary(messages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let notMarked = chosen.compactMap { id -> String? in
                    guard let message = byID[id] else { return "#\(id) is no message in the queue" }
                    if message.sent { return "#\(id) was already sent" }
                    if let reason = message.dropReason { return "#\(id) is not to be sent (\(reason))" }
                    return nil
                }
                let marked = try outbox.markSent(ids: chosen)
                print("Marked \(ReadoutText.count(marked, "message")) sent."
                      + (notMarked.isEmpty ? "" : " Not marked: \(notMarked.prefix(20).joined(separator: "; "))\(notMarked.count > 20 ? "; and \(notMarked.count - 20) more" : "") (`roster outbox` lists the queue)."))
            }
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past imports and merges, and their undos (--all: copies and moves too).",
        discussion: "Example:\n  roster history --location Nashua"
    )
    @Option(help: "Only this location.") var location: String?
    @Option(help: "Only this practice.") var practice: String?
    @Flag(help: "Also list copies and moves.") var all = false
    @Flag(help: "Print a JSON list.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReporting(json: json) {
            // SPEC 9: "history lists past imports and merges"; issue 8 adds their undos (kind
            // import, merge, undo). Copies and moves are asked for by name.
            let everything = try database.open(reading: true).history(practice: practice, location: location)
            let records = all ? everything : everything.filter { ["import", "merge", "undo"].contains($0.kind) }
            if json { return try printJSON(records) }
            if records.isEmpty {
                print(everything.isEmpty ? "No imports or merges yet." : "No imports or merges yet (`roster history --all` lists the copies and moves).")
                return
            }
            let undoneOf = Dictionary(everything.compactMap { r in r.undoneBy.map { ($0, r.id) } }, uniquingKeysWith: { a, _ in a })
            // Two practices may each have a Nashua: then each place names its practice.
            let severalPractices = Set(records.map(\.practice)).count > 1
            func place(_ name: String?, _ r: OperationRecord) -> String? { name.map { severalPractices ? "\($0) (\(r.practice))" : $0 } }
            var table = [["#", "when (\(Clock.localZoneName))", "what", "file", "location", "consent", "rows", "result"]]
            for r in records {
                var what = r.kind
                if let undone = undoneOf[r.id] { what = "undo of #\(undone)" }
                if r.undoneBy != nil { what += " (undone)" }
                // An undo records the contacts it touched as its rows: its own readout has the
                // detail, so history says what it did to them in one phrase.
                let counts = r.kind == "undo" ? ["reverted for \(ReadoutText.count(r.rows, "contact"))"]
                    : [("created", r.created), ("updated", r.updated), (r.kind == "move" ? "moved" : "copied", r.copied), ("unchanged", r.unchanged),
                       ("skipped", r.skipped), ("failed", r.failed)].filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
                table.append(["#\(r.id)", Clock.local(r.at), what, r.file ?? "-",
                              r.from.map { "\($0) → \(place(r.location, r) ?? "-")" } ?? place(r.location, r) ?? "-", r.consent ?? "-", "\(r.rows)", counts.isEmpty ? "-" : counts.joined(separator: ", ")])
            }
            let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max() ?? 0 }
            for row in table {
                print(zip(row, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces))
            }
        }
    }
}
