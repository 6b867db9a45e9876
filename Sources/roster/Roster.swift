import ArgumentParser
import Foundation
import RosterKit

struct Roster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Keep a healthcare practice's contact lists in one SQLite database.",
        discussion: """
            Import a patient list exported from an EMR into one location, read what failed and why, export \
            contacts with their IDs, edit them in a spreadsheet, merge them back, and copy contacts between \
            locations without ever texting a person from two locations.

            Example:
              roster practice add "Phil's Physical Therapy" --owner "Phil Jones" \\
                  --phone "(603) 555-0100" --address "1 Main St, Nashua, NH 03060"
              roster location add Nashua --practice "Phil's Physical Therapy"
              roster import patients.csv --location Nashua --consent email,text
            """,
        subcommands: [
            TemplateCommand.self, PracticeCommand.self, LocationCommand.self, ImportCommand.self, MergeCommand.self,
            ExportCommand.self, CopyCommand.self, SubscribeCommand.self, UnsubscribeCommand.self, ShowCommand.self,
            FindCommand.self, OutboxCommand.self, HistoryCommand.self, UndoCommand.self,
        ]
    )
}
