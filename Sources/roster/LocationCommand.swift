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
        @Option(help: "The practice it belongs to.") var practice: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting {
                let location = try database.open().addLocation(name: name, practice: practice, at: Clock.timestamp(Date()))
                print("Added location \(location.name) to \(location.practiceName).")
            }
        }
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
            try runReporting {
                let locations = try database.open().locations(practice: practice)
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
