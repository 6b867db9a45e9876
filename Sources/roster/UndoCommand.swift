import ArgumentParser
import Foundation
import RosterKit

struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert one import or merge, by its number in `roster history`.",
        discussion: """
            Removes the contacts it created and the memberships it added, restores the values it updated and \
            the statuses it changed, and removes its unsent welcome emails. Refuses, naming the contacts, when \
            a later operation changed any of them. The undo is itself recorded in history.

            Example:
              roster history --location Nashua
              roster undo 12 --dry-run
              roster undo 12
            """
    )
    @Argument(help: "The operation's number, from `roster history` (12 or #12).",
              transform: { try shownNumber($0, listedBy: "roster history") })
    var id: Int64
    @Flag(name: .customLong("dry-run"), help: "Say what would be reverted; change nothing.") var dryRun = false
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReporting(json: json) {
            let r = try Undoer(store: database.open()).undo(id, dryRun: dryRun)
            if json { return try printJSON(r) }
            // What it did, each part once and only when it happened: a contact removed takes
            // its memberships with it, so those are not counted again.
            let parts = [
                r.contactsRemoved > 0 ? "\(ReadoutText.count(r.contactsRemoved, "contact")) it created removed, with their memberships" : nil,
                r.membershipsRemoved > 0 ? "\(ReadoutText.count(r.membershipsRemoved, "membership")) it added removed" : nil,
                r.contactsRestored > 0 ? "\(ReadoutText.count(r.contactsRestored, "contact")) given back the values it changed" : nil,
                r.statusesRestored > 0 ? "\(ReadoutText.count(r.statusesRestored, "status", "statuses")) it changed set back" : nil,
                r.welcomeEmailsRemoved > 0 ? "\(ReadoutText.count(r.welcomeEmailsRemoved, "unsent welcome email")) removed" : nil,
            ].compactMap { $0 }
            print("\(dryRun ? "Dry run (nothing changed): would undo" : "Undid") #\(r.undone) (\(r.kind)): "
                  + (parts.isEmpty ? "it had changed nothing." : parts.joined(separator: "; ") + "."))
            if r.welcomeEmailsAlreadySent > 0 {
                print("\(ReadoutText.count(r.welcomeEmailsAlreadySent, "welcome email")) had already been sent to contacts this undo "
                      + "\(dryRun ? "would remove" : "removed"): those people have them, and the records of sending go with the contacts.")
            }
            if let h = r.historyID { print("Recorded in history as #\(h).") }
        }
    }
}
