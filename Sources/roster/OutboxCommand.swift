import ArgumentParser
import Foundation
import RosterKit

struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List the welcome emails queued for sending, and mark them sent.",
        subcommands: [List.self, MarkSent.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the queue (the default); --json writes JSON Lines for a sender.",
            discussion: "Example:\n  roster outbox\n  roster outbox --json --unsent > welcome.jsonl"
        )
        @Flag(help: "Print JSON Lines: contact_id, to, subject, body, sent.") var json = false
        @Flag(help: "Only messages not yet sent.") var unsent = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting {
                let messages = try Outbox(store: database.open()).messages().filter { !unsent || !$0.sent }
                if json {
                    for m in messages { try printJSON(m) }
                    return
                }
                let waiting = messages.filter { !$0.sent }.count
                print("\(messages.count) welcome emails: \(waiting) waiting, \(messages.count - waiting) sent.")
                for m in messages {
                    print("  #\(m.id)  \(m.contactID)  \(m.to)  \(m.sent ? "sent \(m.sentAt ?? "")" : "waiting")  \(m.subject)")
                }
            }
        }
    }

    struct MarkSent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-sent",
            abstract: "Mark queued messages sent, by their # from `roster outbox`, or all with --all.",
            discussion: "Example:\n  roster outbox mark-sent 1 2 3\n  roster outbox mark-sent --all"
        )
        @Argument(help: "Message numbers.") var ids: [Int64] = []
        @Flag(help: "Mark every waiting message sent.") var all = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("give message numbers from `roster outbox`, or --all") }
        }

        func run() throws {
            try runReporting {
                let outbox = try Outbox(store: database.open())
                let chosen = all ? try outbox.messages().filter { !$0.sent }.map(\.id) : ids
                try outbox.markSent(ids: chosen)
                print("Marked \(chosen.count) messages sent.")
            }
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past imports, merges and copies.",
        discussion: "Example:\n  roster history --location Nashua"
    )
    @Option(help: "Only this location.") var location: String?
    @Option(help: "Only this practice.") var practice: String?
    @Flag(help: "Print a JSON list.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReporting {
            let records = try database.open().history(practice: practice, location: location)
            if json { return try printJSON(records) }
            if records.isEmpty { print("No imports or merges yet.") }
            for r in records {
                print("#\(r.id)  \(r.at)  \(r.kind)  \(r.file ?? "-")  \(r.location ?? "-") (\(r.practice))  consent \(r.consent ?? "-")  "
                      + "rows \(r.rows): \(r.created) created, \(r.updated) updated, \(r.copied) copied, \(r.unchanged) unchanged, \(r.skipped) skipped, \(r.failed) failed")
            }
        }
    }
}
