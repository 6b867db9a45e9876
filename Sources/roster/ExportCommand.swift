import ArgumentParser
import Foundation
import RosterKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a location's contacts, with their Contact IDs, as CSV.",
        discussion: """
            Filters take one value or a comma list and may repeat; a contact must match every filter given.
            Files are created with mode 0600: they hold PHI.

            Example:
              roster export --location Nashua --out nashua.csv
              roster export --location Nashua --phase Lead-New --text-status subscribed --with-status
            """
    )

    @Option(help: "The location to export.") var location: String
    @Option(help: "The practice (needed only when two practices have a location of that name).") var practice: String?
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
    @Option(help: "Only contacts in these phases.") var phase: [String] = []
    @Option(name: .customLong("insurance-carrier"), help: "Only contacts with these insurance carriers (commas separate them; a name with a comma, such as \"Blue Cross, Blue Shield\", matches as a whole too).") var insuranceCarrier: [String] = []
    @Option(name: .customLong("text-status"), help: "Only contacts with these text statuses here.") var textStatus: [String] = []
    @Option(name: .customLong("email-status"), help: "Only contacts with these email statuses here.") var emailStatus: [String] = []
    @Flag(name: .customLong("with-status"), help: "Add read-only Text Status and Email Status columns.") var withStatus = false
    @OptionGroup var database: DatabaseOptions

    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    static func statuses(_ values: [String], option: String) throws -> [Status] {
        try split(values).map {
            guard let s = Status(rawValue: $0.lowercased()) else {
                throw ValidationError("\(option) \($0) is not a status: use subscribed, unsubscribed or opted-out")
            }
            return s
        }
    }

    /// A bad phase or status is a usage error, reported with export's own usage line.
    func validate() throws {
        if let problem = Self.split(phase).lazy.compactMap(Exporter.phaseProblem).first { throw ValidationError(problem) }
        _ = try Self.statuses(textStatus, option: "--text-status")
        _ = try Self.statuses(emailStatus, option: "--email-status")
    }

    func run() throws {
        var request = ExportRequest(location: location, practice: practice)
        request.phases = Self.split(phase)
        // Carriers' names hold commas ("Blue Cross, Blue Shield"): the whole value counts too.
        request.insuranceCarriers = insuranceCarrier + Self.split(insuranceCarrier)
        request.textStatuses = try Self.statuses(textStatus, option: "--text-status")
        request.emailStatuses = try Self.statuses(emailStatus, option: "--email-status")
        request.withStatus = withStatus
        try runReporting {
            let store = try database.open(reading: true)
            if let out { try OutputFile.refuseDatabaseFile(out, option: "--out", store: store) }
            // The file is replaced only by a whole export: one that fails (a misspelt
            // location, a full disk) leaves the file that was there.
            let writer = try out.map { try CSVWriter.replacing(path: $0) } ?? CSVWriter(descriptor: STDOUT_FILENO)
            let count = try Exporter(store: store).export(request, to: writer)
            try writer.commit()
            if let out { FileHandle.standardError.write(Data("Exported \(ReadoutText.count(count, "contact")) to \(out).\n".utf8)) }
        }
    }
}
