import Foundation

// Every file roster creates (database, -wal, -shm, exports, reports) holds PHI: 0600.
umask(0o077)
Roster.main(movingDatabaseOptionLast(Array(CommandLine.arguments.dropFirst())))

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
