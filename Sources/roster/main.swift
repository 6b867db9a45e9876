import ArgumentParser
import Foundation
import RosterKit

// Every file roster creates (database, -wal, -shm, exports, reports) holds PHI: 0600.
umask(0o077)
let arguments = movingDatabaseOptionLast(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
refuseUnknownCommand(arguments)
refuseMisspeltOption(arguments)
Roster.main(arguments)

/// A misspelt option (`--consnet email`) is named, with the option meant: the argument
/// parser would report the option it then misses (`--consent`) instead. Only an option a
/// typo away from one of the command's own is caught here; the parser answers the rest.
func refuseMisspeltOption(_ arguments: [String]) {
    var command: any ParsableCommand.Type = Roster.self
    var rest = arguments[...]
    while let next = rest.first, let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == next }) {
        command = sub
        rest = rest.dropFirst()
    }
    guard command != Roster.self else { return }
    let help = Roster.helpMessage(for: command)
    let known = Set(help.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") })
        .filter { $0.hasPrefix("--") && $0.count > 2 }.map(String.init))
    for argument in rest.prefix(while: { $0 != "--" }) where argument.hasPrefix("--") && argument.count > 2 {
        let name = String(argument.split(separator: "=", maxSplits: 1)[0])
        guard !known.contains(name), let meant = Spelling.closest(to: name, among: Array(known)) else { continue }
        let path = arguments.prefix(arguments.count - rest.count).joined(separator: " ")
        FileHandle.standardError.write(Data("roster: error: `roster \(path)` has no option \(name). Did you mean \(meant)? (`roster \(path) --help` lists them)\n".utf8))
        exit(64)
    }
}

/// A misspelt command (`roster exprot --location Nashua`) is named as such, with the command
/// meant: the argument parser would complain of its first option instead.
func refuseUnknownCommand(_ arguments: [String]) {
    var command: any ParsableCommand.Type = Roster.self
    var path: [String] = []
    for argument in arguments {
        let subcommands = command.configuration.subcommands
        guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return }
        if let sub = subcommands.first(where: { $0.configuration.commandName == argument }) {
            command = sub
            path.append(argument)
            continue
        }
        // `roster practice ad`, `roster location ls`: a group's command misspelt. A group
        // with a default command (`outbox` lists) passes on what is not near one of its own.
        let names = subcommands.compactMap { $0.configuration.commandName }
        let meant = Spelling.closest(to: argument, among: names)
        guard meant != nil || command.configuration.defaultSubcommand == nil else { return }
        let group = (["roster"] + path).joined(separator: " ")
        let hint = meant.map { ". Did you mean \"\($0)\"?" } ?? ""
        let place = path.isEmpty ? "" : " in `\(group)`"
        FileHandle.standardError.write(Data("roster: error: there is no command \"\(argument)\"\(place)\(hint) (`\(group) --help` lists them)\n".utf8))
        exit(64)
    }
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
    // `roster help import --db x`: help opens no database, so the option is dropped.
    if rest.first == "help" { return rest + arguments[end...] }
    return rest + moved + arguments[end...]
}

/// `--max-rows -1`: the argument parser reads `-1` as an option and answers "missing value";
/// joined (`--max-rows=-1`) it reaches the command, which says what values it takes.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var result: [String] = []
    for argument in arguments {
        if let last = result.last, last.hasPrefix("--"), !last.contains("="), last != "--",
           argument.count > 1, argument.hasPrefix("-"), argument.dropFirst().allSatisfy(\.isNumber) {
            result[result.count - 1] = last + "=" + argument
        } else {
            result.append(argument)
        }
    }
    return result
}
