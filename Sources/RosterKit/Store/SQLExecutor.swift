/// What the SQL shared by both stores (`SQLStore`, `SQLTransaction`) needs from a
/// connection. SQL is written once, with `?` and `?N` placeholders; a connection that
/// speaks another dialect rewrites them (PostgreSQL's `$N`). Values are always bound,
/// never spliced into SQL.
protocol SQLExecutor: AnyObject {
    /// Runs a query and calls `body` with each row, streaming: rows are not collected.
    func query(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
    /// Like `query`, for reads of a whole practice or location: memory stays flat however
    /// many rows, and `body` may run other statements.
    func stream(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ args: [SQLValue]) throws -> Int
    /// Runs an INSERT into a table with an `id` key and returns the new row's id.
    func insert(_ sql: String, _ args: [SQLValue]) throws -> Int64
    /// Runs SQL without values: several statements, as in a migration.
    func execute(_ sql: String) throws
}

/// One row of a result, read by column position.
protocol SQLRow {
    func text(_ column: Int32) -> String?
    func int(_ column: Int32) -> Int64
    func isNull(_ column: Int32) -> Bool
}

extension SQLRow {
    func string(_ column: Int32) -> String { text(column) ?? "" }
}

extension SQLExecutor {
    /// Every row, each read by `read`.
    func rows<T>(_ sql: String, _ args: [SQLValue] = [], _ read: (any SQLRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, args) { result.append(try read($0)) }
        return result
    }

    /// The first row read by `read`, or nil.
    func first<T>(_ sql: String, _ args: [SQLValue] = [], _ read: (any SQLRow) throws -> T) throws -> T? {
        var result: T?
        try query(sql, args) { row in if result == nil { result = try read(row) } }
        return result
    }

    func exists(_ sql: String, _ args: [SQLValue]) throws -> Bool {
        try first(sql, args) { _ in true } ?? false
    }
}

/// A value bound to a statement.
enum SQLValue {
    case null
    case int(Int64)
    case text(String)

    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    init(_ int: Int) { self = .int(Int64(int)) }
    init(_ int: Int64?) { self = int.map { .int($0) } ?? .null }
}
