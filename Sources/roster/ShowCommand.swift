import ArgumentParser
import Foundation
import RosterKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one contact with its locations and statuses.",
        discussion: "Example:\n  roster show C7KM29PXQ4 --json"
    )
    @Argument(help: "The Contact ID.") var id: String
    @Option(help: "Look only in this practice.") var practice: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReporting(json: json) {
            let view = try Contacts(store: database.open(reading: true)).show(id, practice: practice)
            if json { return try printJSONObject(view.jsonObject) }
            print(ContactText.render(view, withHistory: true), terminator: "")
        }
    }
}

struct FindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find contacts by name, email or phone (any common format).",
        discussion: "Example:\n  roster find \"mary smith\"\n  roster find \"603-555-0123\" --json"
    )
    @Argument(help: "Part of a name or email, or a phone number.") var text: String
    @Option(help: "Look only in this practice.") var practice: String?
    @Flag(help: "Print a JSON list.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReporting(json: json) {
            let found = try Contacts(store: database.open(reading: true)).find(text, practice: practice)
            if json { return try printJSONObject(found.map(\.jsonObject)) }
            if found.isEmpty { print("No contact matches.") }
            // Which practice, when the contacts found are of more than one.
            let practices = Set(found.map(\.practice)).count > 1
            for view in found { print(ContactText.line(view) + (practices ? "  [\(view.practice)]" : "")) }
        }
    }
}

enum ContactText {
    static func line(_ v: ContactView) -> String {
        let name = [v.values[.firstName], v.values[.lastName]].compactMap { $0 }.joined(separator: " ")
        let locations = v.memberships.map { "\($0.locationName) (text \($0.text.rawValue), email \($0.email.rawValue))" }
        // A home phone other than the mobile is shown too: `find` matches it.
        let home = v.values[.homePhone].flatMap { $0 == v.values[.phone] ? nil : "  home \(Phone.national($0))" } ?? ""
        return "\(v.id)  \(name)  \(v.values[.email] ?? "-")  \(v.values[.phone].map(Phone.national) ?? "-")\(home)  \(locations.joined(separator: "; "))"
    }

    static func render(_ v: ContactView, withHistory: Bool) -> String {
        var lines = ["Contact \(v.id) (\(v.practice))"]
        for field in TemplateField.allCases {
            guard let value = v.values[field] else { continue }
            // As an export writes them (phones national, dates mm/dd/yyyy); a value over
            // several lines (Notes) keeps its lines under the field, indented.
            let shown = switch field {
            case .phone, .homePhone: Phone.national(value)
            case .dateOfBirth: DateOfBirth.day(iso: value)?.us ?? value
            default: value
            }
            let indent = "\n" + String(repeating: " ", count: field.header.count + 4)
            lines.append("  \(field.header): \(shown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: indent))")
        }
        lines.append("Locations:")
        if v.memberships.isEmpty { lines.append("  none") }
        for m in v.memberships { lines.append("  \(m.locationName): text \(m.text.rawValue), email \(m.email.rawValue)") }
        if withHistory && !v.history.isEmpty {
            lines.append("Status history (times in \(Clock.localZoneName)):")
            for h in v.history {
                lines.append("  \(Clock.local(h.at))  \(h.location) \(h.channel): \(h.from ?? "new") → \(h.to) (\(h.reason))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
