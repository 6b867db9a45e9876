import ArgumentParser
import Foundation
import RosterKit

struct PracticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "practice",
        abstract: "Add, change and list practices.",
        subcommands: [Add.self, Set.self, List.self]
    )

    struct Details: ParsableArguments {
        @Option(help: "The owner's full name (signs the welcome email).") var owner: String?
        @Option(help: "The practice's phone number (in the welcome email).") var phone: String?
        @Option(help: "The practice's address (in the welcome email).") var address: String?
        @Option(help: "The From address of welcome emails.") var email: String?
        @Option(name: .customLong("preferences-url"), help: "Where \"manage your contact preferences\" points.") var preferencesURL: String?

        var details: PracticeDetails {
            PracticeDetails(ownerFullName: owner.map { $0.trimmingCharacters(in: .whitespaces) },
                            phone: phone.map { $0.trimmingCharacters(in: .whitespaces) },
                            address: address.map { $0.trimmingCharacters(in: .whitespaces) },
                            email: email.map { $0.trimmingCharacters(in: .whitespaces) },
                            preferencesURL: preferencesURL.map { $0.trimmingCharacters(in: .whitespaces) })
        }

        /// A phone that is no phone number (`--phone "call me"`) is stored as given, since a
        /// practice may list an extension or a toll-free line, but said: it goes into every
        /// welcome email.
        func warnAboutPhone() {
            guard let phone = details.phone, !phone.isEmpty, Phone.normalise(phone).value == nil else { return }
            FileHandle.standardError.write(Data("roster: note: --phone \"\(phone)\" is not a phone number roster can read (such as (603) 555-0100); it goes into every welcome email as it is\n".utf8))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a practice.",
            discussion: "Example:\n  roster practice add \"Phil's Physical Therapy\" --owner \"Phil Jones\" \\\n      --phone \"(603) 555-0100\" --address \"1 Main St, Nashua, NH 03060\""
        )
        @Argument(help: "The practice's name.") var name: String
        @OptionGroup var details: Details
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting {
                let practice = try database.open().addPractice(name: name, details: details.details, at: Clock.timestamp(Date()))
                print("Added practice \(practice.name).")
                details.warnAboutPhone()
                let missing = (try? WelcomeEmail.missingPracticeValues(practice)) ?? []
                if !missing.isEmpty {
                    print("Welcome emails need its \(missing.map(\.field).joined(separator: ", ")): set with `roster practice set \"\(practice.name)\" \(missing.map { $0.option + " ..." }.joined(separator: " "))`.")
                }
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change a practice's owner, phone, address or email settings.",
            discussion: "Example:\n  roster practice set \"Phil's Physical Therapy\" --owner \"Phil Jones\""
        )
        @Argument(help: "The practice's name.") var name: String
        @OptionGroup var details: Details
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting {
                let practice = try database.open().updatePractice(name: name, details: details.details)
                print("Updated practice \(practice.name).")
                details.warnAboutPhone()
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List practices.",
            discussion: "Example:\n  roster practice list"
        )
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try runReporting(json: json) {
                let store = try database.open(reading: true)
                let practices = try store.practices()
                if json {
                    try printJSONObject(practices.map { p -> [String: Any] in
                        ["name": p.name, "owner": p.ownerFullName ?? NSNull(), "phone": p.phone ?? NSNull(),
                         "address": p.address ?? NSNull(), "email": p.email ?? NSNull(),
                         "preferences_url": p.preferencesURL ?? NSNull(),
                         "locations": ((try? store.locations(practice: p.name)) ?? []).map(\.name)]
                    })
                    return
                }
                if practices.isEmpty {
                    print("No practices yet: add one with `roster practice add NAME --owner \"FULL NAME\"`.")
                    if let opened = DatabaseOptions.opened { print("(database: \(opened))") }
                }
                for p in practices {
                    let locations = (try? store.locations(practice: p.name).map(\.name)) ?? []
                    print("\(p.name)")
                    print("  owner: \(p.ownerFullName ?? "-")  phone: \(p.phone ?? "-")  address: \(p.address ?? "-")")
                    print("  email (welcome emails' From): \(p.email ?? "-")  preferences URL: \(p.preferencesURL ?? "-")")
                    print("  locations: \(locations.isEmpty ? "none" : locations.joined(separator: ", "))")
                }
            }
        }
    }
}
