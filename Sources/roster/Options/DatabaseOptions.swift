import ArgumentParser
import Foundation
import RosterKit

/// `--db`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file, or a postgresql:// URL (default: $ROSTER_DB, else $XDG_DATA_HOME/roster/roster.sqlite).", valueName: "path"))
    var db: String?

    var location: String {
        DatabaseLocation.resolve(explicit: db, environment: ProcessInfo.processInfo.environment)
    }

    /// `reading`: the command only reads. Then a database that was not there (a misspelt
    /// --db) is said: created empty, it would answer "No contact matches" of a patient on file.
    func open(reading: Bool = false) throws -> any ContactStore {
        let location = self.location
        let environment = ProcessInfo.processInfo.environment["ROSTER_DB"].map { !$0.isEmpty } ?? false
        Self.opened = DatabaseLocation.isPostgreSQL(location) ? "the PostgreSQL database of --db or ROSTER_DB"
            : "\(location), \(db?.isEmpty == false ? "from --db" : environment ? "from ROSTER_DB" : "the default, as neither --db nor ROSTER_DB is set")"
        let new = !DatabaseLocation.isPostgreSQL(location) && !FileManager.default.fileExists(atPath: location)
        let store = try DatabaseLocation.open(location)
        // A server's URL as libpq read it, never with its password.
        if let server = store as? PostgreSQLStore {
            Self.opened = "\(server.displayURL), \(db?.isEmpty == false ? "from --db" : "from ROSTER_DB")"
        }
        if reading && new {
            FileHandle.standardError.write(Data("roster: note: there was no database at \(Self.opened ?? location), so an empty one was created: if you meant another, check --db or ROSTER_DB\n".utf8))
        }
        return store
    }

    /// The database this run opened, and what chose it (a PostgreSQL URL, which may hold a
    /// password, is not repeated): said when a practice, location or contact is not found
    /// there, as the usual reason is another database than the one meant.
    nonisolated(unsafe) static var opened: String?
}

/// Runs a command body, turning the library's errors into a message on stderr and a
/// non-zero exit (SPEC 8): the message says what to do; it never holds contact values.
/// Under `--json` the message is also printed on stdout as `{"error": …}`, so a script that
/// parses stdout reads why the run wrote nothing instead of failing on empty output.
func runReporting(json: Bool = false, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        var message = String(describing: error)
        if let opened = DatabaseOptions.opened, let error = error as? StoreError {
            switch error {
            case .unknownPractice, .unknownLocation, .noPractices, .contactNotFound:
                message += " (database: \(opened))"
            default: break
            }
        } else if let opened = DatabaseOptions.opened, error is SQLiteError {
            message += " (database: \(opened))"
        }
        FileHandle.standardError.write(Data("roster: error: \(message)\n".utf8))
        if json { try? printJSONObject(["error": message]) }
        throw ExitCode(1)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

func printJSONObject(_ value: Any, pretty: Bool = false) throws {
    var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    if pretty { options.insert(.prettyPrinted) }
    print(String(decoding: try JSONSerialization.data(withJSONObject: value, options: options), as: UTF8.self))
}

func parseConsent(_ raw: String) throws -> Consent {
    guard let consent = Consent(parsing: raw) else {
        throw ValidationError("--consent \(raw) is not one of: email, text, email,text, none. Say what the people on this list agreed to receive.")
    }
    return consent
}

// Option values in any case (`--channel TEXT`), as `--consent EMAIL` is; a country in any
// spelling a Country cell takes (`--default-country USA`, `Canada`).
extension Channel: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
}
extension Status: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
}
extension Country: ExpressibleByArgument {
    public init?(argument: String) {
        guard let code = Country.normalise(argument.trimmingCharacters(in: .whitespaces)).value, let value = Country(rawValue: code) else { return nil }
        self = value
    }
}

/// Colour only on a terminal, and never with NO_COLOR set.
var stdoutWantsColour: Bool {
    isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"
}
