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
    /// Adds a row to `table` when nothing needs its result: the engine may hold it back
    /// and write many at once (PostgreSQL: `COPY`), but always before the next other
    /// statement of the transaction runs, so every read sees it.
    func append(_ table: BulkTable, _ values: [SQLValue]) throws
    /// `append` for a wide row: `fill` adds the row's values (as many as the table has
    /// columns) straight to where the engine holds them, without a row array to build,
    /// copy and free (a contact's were a twentieth of an import's store thread).
    func appendRow(_ table: BulkTable, _ fill: (inout [SQLValue]) -> Void) throws
    /// A new `contact.id`, taken ahead of the insert, when the engine hands them out in
    /// blocks (so a created contact can be appended); nil: insert and read the id back.
    func reserveContactNumber() throws -> Int64?
    /// Whether a statement first writes the held rows of the tables it names (true but
    /// inside `withoutWritingHeld`).
    var writesHeldFirst: Bool { get set }
    /// Whether rows of `table` are held back, not yet written.
    func holdsRows(of table: BulkTable) -> Bool
}

extension SQLExecutor {
    /// Runs `body`'s statements without first writing the held rows of the tables they
    /// name: for a statement the caller knows no held row can change (the memberships of
    /// a contact none of the held rows is about). Writing them before each such statement
    /// made an import of people the practice has write its rows one at a time.
    func withoutWritingHeld<T>(_ body: () throws -> T) throws -> T {
        let outer = writesHeldFirst
        writesHeldFirst = false
        defer { writesHeldFirst = outer }
        return try body()
    }
}

/// The tables that take appended rows, in the order their held-back rows are written (a
/// row's references first), with their columns.
enum BulkTable: Int, CaseIterable, Comparable {
    case contact, contactRevision, membership, statusChange, outbox

    static func < (a: BulkTable, b: BulkTable) -> Bool { a.rawValue < b.rawValue }

    var name: String {
        switch self {
        case .contact: "contact"
        case .contactRevision: "contact_revision"
        case .membership: "membership"
        case .statusChange: "status_change"
        case .outbox: "outbox"
        }
    }

    var columns: [String] {
        switch self {
        case .contact:
            ["id", "practice_id"] + TemplateField.allCases.map(\.snakeName)
                + ["email_key", "first_key", "last_key", "created_at", "updated_at", "created_operation"]
        case .contactRevision: ["operation_id", "contact_id", "before"]
        case .membership: ["contact_id", "location_id", "text_status", "email_status", "added_at", "added_operation"]
        case .statusChange: ["contact_id", "location_id", "channel", "from_status", "to_status", "reason", "operation_id", "at"]
        case .outbox: ["contact_id", "operation_id", "to_address", "queued_at"]
        }
    }

    /// The table as a bit of a set of tables (see `tablesNeeded(before:)`).
    var bit: UInt8 { 1 << UInt8(rawValue) }
    static let everyTable: UInt8 = (1 << UInt8(allCases.count)) - 1

    /// The table and the tables its rows refer to: a contact, for all the others.
    var withReferences: UInt8 { self == .contact ? bit : bit | BulkTable.contact.bit }

    /// The tables whose held rows must be written before `sql` runs. A read, an update or
    /// an insert sees the tables it names (with what their rows refer to, written first;
    /// an insert cannot remove a row a held one refers to); anything else (a DELETE, which
    /// may cascade, COMMIT, a migration) needs every held row.
    ///
    /// Read from the bytes, word by word (ASCII letters, digits and `_`; any other byte ends
    /// a word, so a name is never missed): a merge's batch reads have new SQL each batch,
    /// and splitting it into a set of words was a twelfth of the merge.
    static func tablesNeeded(before sql: String) -> UInt8 {
        var sql = sql
        return sql.withUTF8 { bytes in
            var i = 0
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A) { i += 1 }
            guard bytes.count - i >= 6 else { return everyTable }
            let verb = (0..<6).map { bytes[i + $0] & 0xDF }   // ASCII upper case (a non-letter is no verb anyway)
            guard verbs.contains(verb) else { return everyTable }
            var needs: UInt8 = 0
            var start = i
            while i <= bytes.count {
                let byte = i < bytes.count ? bytes[i] : 0x20
                let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
                if !isWord {
                    if i > start {
                        for table in allCases where names[table.rawValue].count == i - start
                            && names[table.rawValue].indices.allSatisfy({ names[table.rawValue][$0] == lowered(bytes[start + $0]) }) {
                            needs |= table.withReferences
                        }
                    }
                    start = i + 1
                }
                i += 1
            }
            return needs
        }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    private static let verbs = ["SELECT", "UPDATE", "INSERT"].map { Array($0.utf8) }
    private static let names = allCases.map { Array($0.name.utf8) }

    /// SQLite's INSERT of `rows` rows. `OR ROLLBACK`: a refused row ends the transaction,
    /// as any failed write does here. With the default (ABORT), SQLite keeps a statement
    /// journal to undo a multi-row statement's earlier rows, in a temporary file: a write
    /// system call per page touched, 130,000 for a 20,000-row import.
    func insertSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT OR ROLLBACK INTO \(name) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The INSERT of one row: for engines that write appended rows at once.
    var insertSQL: String {
        "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }
}

/// One row of a result, read by column position.
protocol SQLRow {
    func text(_ column: Int32) -> String?
    /// A column's text as the engine holds it, nil for NULL; valid only until the row moves on.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>?
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
