import ArgumentParser
import Foundation
import RosterKit

/// Options that `import` and `merge` share.
struct RunOptions: ParsableArguments {
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The location to import into.") var location: String
    @Option(help: "The practice (needed only when two practices have a location of that name).") var practice: String?
    @Option(help: ArgumentHelp("What the people on this list agreed to receive: email, text, email,text or none.", valueName: "consent"))
    var consent: String
    @Flag(name: .customLong("dry-run"), help: "Decide every row and print the readout, but write nothing.") var dryRun = false
    @Flag(help: "List every row's planned action, writing nothing (implies --dry-run).") var plan = false
    @Flag(help: "Print the readout as one JSON object.") var json = false
    @Flag(help: "Print no readout and no progress, only errors (--json and --plan still print).") var quiet = false
    @Option(help: ArgumentHelp("Write the failed rows, with a Reason column, to this CSV file.", valueName: "file")) var report: String?

    func request(mode: ImportRequest.Mode) throws -> ImportRequest {
        var request = ImportRequest(path: file, mode: mode, location: location, practice: practice, consent: try parseConsent(consent))
        // A plan is a preview: it never writes (a user who forgets --dry-run must not import by accident).
        request.dryRun = dryRun || plan
        request.reportPath = report
        request.plan = plan
        request.keepsEveryDetail = json
        return request
    }

    func run(_ request: ImportRequest) throws {
        try runReporting(json: json) {
            let store = try database.open()
            let progress = ProgressLine(quiet: quiet || json)
            var request = request
            if progress.enabled { request.progress = { rows, fraction in progress.update(rows: rows, fraction: fraction) } }
            let readout: Readout
            do {
                readout = try Importer(store: store).run(request)
                progress.finish()
            } catch {
                progress.finish()
                throw error
            }
            // --quiet hushes the text readout and the progress line; what was asked for by
            // name (--json, --plan) still prints.
            if json {
                try printJSON(readout)
            } else {
                if !quiet { print(ReadoutText(colour: stdoutWantsColour, reportPath: report, toTerminal: isatty(STDOUT_FILENO) == 1).render(readout), terminator: "") }
                if let plan = readout.plan {
                    print("\nPlan:")
                    for p in plan {
                        print("  row \(p.row)  \(p.action)\(p.contactID.map { " \($0)" } ?? "")\(p.detail.map { ": \($0)" } ?? "")")
                    }
                }
            }
        }
    }

    @OptionGroup var database: DatabaseOptions
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a contact list into a location, and print what happened to every row.",
        discussion: """
            Rows without a Contact ID create contacts (or copy true duplicates from another location); rows \
            with one update that contact, as `roster merge` does. Nothing is written when the file itself has \
            a problem; failed rows are listed with what to fix.

            Example:
              roster import patients.csv --location Nashua --consent email,text \\
                  --report failed.csv
            """
    )

    @OptionGroup var options: RunOptions
    @Option(name: .customLong("max-rows"), help: "Refuse files with more data rows than this.") var maxRows = 10_000
    @Option(name: .customLong("default-country"), help: "Fill empty countries with US or CA.") var defaultCountry: Country?
    @Flag(help: "Import or merge a file that was already imported or merged into this location.") var again = false
    @Flag(name: .customLong("ignore-unknown-columns"), help: "Drop the data of columns roster does not know, instead of refusing the file.")
    var ignoreUnknownColumns = false
    @Flag(name: .customLong("strict-template"), help: "Refuse files that lack any of the 17 template columns.") var strictTemplate = false

    func validate() throws {
        guard maxRows > 0 else { throw ValidationError("--max-rows must be a positive number of rows") }
        _ = try parseConsent(options.consent)
    }

    func run() throws {
        var request = try options.request(mode: .importRows)
        request.maxRows = maxRows
        request.defaultCountry = defaultCountry
        request.again = again
        request.headerOptions = HeaderMap.Options(ignoreUnknownColumns: ignoreUnknownColumns, strictTemplate: strictTemplate)
        try options.run(request)
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Update contacts by Contact ID from an edited export.",
        discussion: """
            Non-empty cells replace the stored values; empty cells keep them (unless --clear-empty). A contact \
            not yet in the location is added to it. Never creates a contact.

            Example:
              roster export --location Nashua --out nashua.csv
              (edit nashua.csv in a spreadsheet)
              roster merge nashua.csv --location Nashua --consent none --dry-run
            """
    )

    @OptionGroup var options: RunOptions
    @Flag(name: .customLong("clear-empty"), help: "Empty cells clear the stored value (never First Name; an empty Phase is No Phase).") var clearEmpty = false
    @Option(name: .customLong("max-rows"),
            help: "Refuse files with more data rows than this (default: 10,000, or the practice's number of contacts when that is more).")
    var maxRows: Int?
    @Flag(help: "Say nothing of an earlier merge of the same file (a merge is never refused for it).") var again = false
    @Flag(name: .customLong("ignore-unknown-columns"), help: "Drop the data of columns roster does not know, instead of refusing the file.")
    var ignoreUnknownColumns = false

    func validate() throws {
        if let maxRows, maxRows <= 0 { throw ValidationError("--max-rows must be a positive number of rows") }
        _ = try parseConsent(options.consent)
    }

    func run() throws {
        var request = try options.request(mode: .merge)
        // The unknown-columns refusal offers this option, for merges too.
        request.headerOptions = HeaderMap.Options(ignoreUnknownColumns: ignoreUnknownColumns)
        request.clearEmpty = clearEmpty
        request.maxRows = maxRows ?? 10_000
        request.maxRowsAtLeastThePracticesContacts = maxRows == nil
        request.again = again
        try options.run(request)
    }
}
