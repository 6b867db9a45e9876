import Foundation
import RosterKit

// Every file roster creates (database, -wal, -shm, exports, reports) holds PHI: 0600.
umask(0o077)
let arguments = movingDatabaseOptionLast(Array(CommandLine.arguments.dropFirst()))
refuseUnknownCommand(arguments)
Roster.main(arguments)

/// A misspelt command (`roster exprot --location Nashua`) is named as such, with the command
/// meant: the argument parser would complain of its first option instead.
func refuseUnknownCommand(_ arguments: [String]) {
    guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return }
    let commands = Roster.configuration.subcommands.compactMap { $0.configuration.commandName }
    guard !commands.contains(first) else { return }
    let meant = Spelling.closest(to: first, among: commands).map { ". Did you mean \"\($0)\"?" } ?? ""
    FileHandle.standardError.write(Data("roster: error: there is no command \"\(first)\"\(meant) (`roster --help` lists them)\n".utf8))
    exit(64)
}

/// SPEC 10: "every command takes `--db PATH`", and scripts put it first as often as last
/// (`roster --db x.sqlite import ...`). The argument parser knows it only on the commands
/// that open a database, so a `--db PATH` (or `--db=PATH`) given before them is moved
/// after them (before a `--`, which ends the options).
func movingDatabaseOptionLast(_ arguments: [String]) -> [String] {
    let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
    var rest: [String] = [], moved: [String] = []
    var i = 0
    while i < end {
        let argument = arguments[i]
        if argument == "--db", i + 1 < end {
            moved += [argument, arguments[i + 1]]
            i += 2
        } else if argument.hasPrefix("--db=") {
            moved.append(argument)
            i += 1
        } else {
            rest.append(argument)
            i += 1
        }
    }
    return rest + moved + arguments[end...]
}
