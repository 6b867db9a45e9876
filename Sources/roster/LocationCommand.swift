import ArgumentParser
import Foundation
import RosterKit

struct LocationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location",
        abstract: "Add and list a practice's locations.",
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a location to a practice.",
            discussion: "Example:\n  roster location add Nashua --practice \"Phil's Physical Therapy\""
        )
        @Argument(help: "The location's name, unique in its practice.") var name: String
        @Option(help: "The practice it belongs to (may be left out while the database holds one practice).") var practice: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting {
                let store = try database.open()
                let location = try store.addLocation(name: name, practice: practice ?? LocationCommand.onlyPractice(store), at: Clock.timestamp(Date()))
                print("Added location \(location.name) to \(location.practiceName).")
            }
        }
    }

    /// The one practice there is; with none or several, which to name.
    static func onlyPractice(_ store: any ContactStore) throws -> String {
        let practices = try store.practices().map(\.name)
        guard practices.count == 1 else {
            throw ValidationError(practices.isEmpty
                ? "there is no practice yet: add one with `roster practice add NAME`, then `roster location add NAME --practice NAME`"
                : "name the practice with --practice: the database holds \(ReadoutText.list(practices.map { "\"\($0)\"" }))")
        }
        return practices[0]
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List locations.",
            discussion: "Example:\n  roster location list --practice \"Phil's Physical Therapy\""
        )
        @Option(help: "Only this practice's locations.") var practice: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting(json: json) {
                let locations = try database.open(reading: true).locations(practice: practice)
                if json {
                    try printJSONObject(locations.map { ["name": $0.name, "practice": $0.practiceName] })
                    return
                }
                if locations.isEmpty { print("No locations yet: add one with `roster location add NAME --practice P`.") }
                for l in locations { print("\(l.name)\t\(l.practiceName)") }
            }
        }
    }
}
