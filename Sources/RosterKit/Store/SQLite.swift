import CSQLite
import Foundation

/// A failure from SQLite. The message never carries bound values (SPEC 11: errors name
/// rows and fields, never a contact's values); SQLite's own messages name only schema
/// objects and constraints.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String {
        switch code & 0xFF {
        case SQLITE_READONLY where code == SQLITE_READONLY || code == 1544:   // 1544: SQLITE_READONLY_DIRECTORY
            "the database cannot be written: the file, or the folder it is in, is read-only for this user (roster writes the database and a -wal file beside it). Check their permissions, or use --db for a database in a folder you can write (database error \(code))"
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            "the database file is damaged or is not a roster database (database error \(code): \(message)): check the --db path; restore the file from a backup if it is the right one"
        case SQLITE_IOERR:
            "the database could not be read or written (database error \(code): \(message)): check the disk and the file's permissions, then run the command again"
        default:
            "database error \(code): \(message)"
        }
    }

    var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    var isFull: Bool { code & 0xFF == SQLITE_FULL }
}


/// `lower(text)` with every letter lowered as `Text.lowercased` lowers it (NULL stays NULL).
private let unicodeLower: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { context, count, arguments in
    guard count == 1, let argument = arguments?[0], let text = sqlite3_value_text(argument) else {
        sqlite3_result_null(context)
        return
    }
    // The whole value, by its length (a NUL byte inside does not end it).
    let lowered = Text.lowercased(String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument))), as: UTF8.self))
    // SQLITE_TRANSIENT: SQLite copies the bytes before the String goes.
    sqlite3_result_text(context, lowered, Int32(lowered.utf8.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
}

/// One SQLite connection: open, prepare, bind, step. Our own small wrapper over the C API
/// (measured faster to build and run than GRDB here; see issue 3).
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?

    /// Process-wide settings, made once before the first connection opens.
    private static let configured: Bool = roster_sqlite3_disable_memory_statistics() == SQLITE_OK

    init(path: String) throws {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // SQLite's own lower() changes ASCII letters only; PostgreSQL's, and the keys
        // roster stores (`Text.lowercased`), every letter. The one query that lowers a
        // column (find's nickname) then finds "ZOË" by "zoë" on both stores.
        sqlite3_create_function_v2(db, "lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, unicodeLower, nil, nil, nil)
    }

    deinit {
        statements.values.forEach { sqlite3_finalize($0.pointer) }
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }

    func execute(_ sql: String) throws {
        // A rollback drops the held rows; anything else (COMMIT included) writes them first.
        if sql == "ROLLBACK" { discardHeld() } else { try flush() }
        nextContactNumber = nil
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? ""
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Statements are prepared once per connection and reused across rows (issue 3).
    private var statements: [String: Statement] = [:]

    func statement(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var pointer: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard rc == SQLITE_OK, let pointer else { throw error(rc) }
        let statement = Statement(pointer: pointer, connection: self)
        statements[sql] = statement
        return statement
    }

    /// A statement and the held rows it needs written, found by the address of the SQL's
    /// bytes: the SQL of a row's statements is a static text, so it comes back at the same
    /// address, and hashing a long text twice per row (for `statements` and the
    /// tables it needs) was 5 % of an import. The text itself confirms a hit (cheap when it is the
    /// same storage), so a reused address never picks the wrong statement.
    private var byAddress: [Int: (sql: String, statement: Statement, needs: UInt8)] = [:]

    private func prepared(_ sql: String) throws -> (statement: Statement, needs: UInt8) {
        let address = sql.utf8.withContiguousStorageIfAvailable { Int(bitPattern: $0.baseAddress) } ?? 0
        if let hit = byAddress[address], hit.sql == sql {
            hit.statement.reset()
            return (hit.statement, hit.needs)
        }
        let entry = (sql: sql, statement: try statement(sql), needs: BulkTable.tablesNeeded(before: sql))
        if address != 0 {
            // SQL built at run time comes at ever new addresses: keep the table small.
            if byAddress.count >= 256 { byAddress.removeAll(keepingCapacity: true) }
            byAddress[address] = entry
        }
        return (entry.statement, entry.needs)
    }

    /// The statement for `sql`, after writing the held rows it must see.
    /// Whether SQLite checks references (`PRAGMA foreign_keys`), set only when it changes.
    private var checkingReferences: Bool?

    func checkReferences(_ on: Bool) throws {
        guard checkingReferences != on else { return }
        checkingReferences = nil
        try execute(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF")
        checkingReferences = on
    }

    func ready(_ sql: String) throws -> Statement {
        let (statement, needs) = try prepared(sql)
        if anyHeld && needs != 0 && writesHeldFirst { try flush(needs) }
        return statement
    }

    /// False inside `withoutWritingHeld`.
    var writesHeldFirst = true

    func holdsRows(of table: BulkTable) -> Bool { heldRows[table.rawValue] > 0 }

    // MARK: appended rows

    /// Rows appended and not yet written, per table, flat (a table's columns, row after row).
    private var held: [[SQLValue]] = Array(repeating: [], count: BulkTable.allCases.count)
    private var heldRows: [Int] = Array(repeating: 0, count: BulkTable.allCases.count)
    private var anyHeld = false

    /// Rows written by one statement: a statement per row was a quarter of an import's
    /// time in SQLite's per-statement work (step, reset, its transaction checks).
    static let rowsPerInsert = 64

    /// How many of `remaining` held rows the next statement writes: 64, 16, 4 or 1. A table
    /// is often written before it has 64 rows (a row of another table that refers to it
    /// is); four sizes keep the statements to prepare at four a table (preparing one for
    /// every count up to 64 cost more than the rows of a small import).
    static func rowsPerStatement(_ remaining: Int) -> Int {
        var rows = rowsPerInsert
        while rows > remaining && rows > 1 { rows /= 4 }
        return rows
    }

    /// The multi-row INSERT of each (table, row count), prepared once.
    private var bulkStatements: [Int: Statement] = [:]

    func bulkStatement(_ table: BulkTable, rows: Int) throws -> Statement {
        let key = table.rawValue * 1_000 + rows
        if let cached = bulkStatements[key] {
            cached.reset()
            return cached
        }
        let statement = try statement(table.insertSQL(rows: rows))
        bulkStatements[key] = statement
        return statement
    }

    /// Writes the held rows of `tables` (every table by default), in `BulkTable` order (a
    /// row's references first), up to `rowsPerInsert` rows a statement. On failure the
    /// held rows are dropped: the transaction is being rolled back.
    func flush(_ tables: UInt8 = BulkTable.everyTable) throws {
        guard anyHeld else { return }
        var failed = true
        defer { if failed { discardHeld() } }
        for table in BulkTable.allCases where tables & table.bit != 0 && heldRows[table.rawValue] > 0 {
            let values = held[table.rawValue]
            let width = table.columns.count
            var start = 0
            while start < values.count {
                let rows = Self.rowsPerStatement((values.count - start) / width)
                try bulkStatement(table, rows: rows).run(values[start..<(start + rows * width)])
                start += rows * width
            }
            held[table.rawValue].removeAll(keepingCapacity: true)
            heldRows[table.rawValue] = 0
        }
        anyHeld = heldRows.contains { $0 > 0 }
        failed = false
    }

    func discardHeld() {
        for i in held.indices { held[i].removeAll(keepingCapacity: true) }
        heldRows = heldRows.map { _ in 0 }
        anyHeld = false
    }

    /// The contact number `reserveContactNumber` hands out next; read again after any
    /// `execute` (a transaction's BEGIN, COMMIT or ROLLBACK among them).
    fileprivate var nextContactNumber: Int64?

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A prepared statement. Values are bound by position (`?`), never spliced into SQL.
final class Statement {
    let pointer: OpaquePointer
    unowned let connection: SQLiteConnection

    init(pointer: OpaquePointer, connection: SQLiteConnection) {
        self.pointer = pointer
        self.connection = connection
    }

    /// The number of `?` parameters the statement has.
    private lazy var parameterCount = Int(sqlite3_bind_parameter_count(pointer))

    func reset() {
        sqlite3_reset(pointer)
    }

    /// The bytes of the text values bound last, owned here. SQLite reads bound text only
    /// while stepping, and a statement steps only right after `bind`, so text is bound
    /// `SQLITE_STATIC` from this buffer: no copy and no malloc inside SQLite per value
    /// (`SQLITE_TRANSIENT` was 8 % of an import's instructions). The buffer is replaced
    /// only at the start of a later `bind`, which rebinds (or clears) every parameter.
    private var textBytes: UnsafeMutablePointer<UInt8>?
    private var textCapacity = 0

    deinit { textBytes?.deallocate() }

    /// Binds `values` to the parameters in order. Parameters past the values are bound
    /// to NULL, so that no value of a previous run is ever left bound.
    @discardableResult
    func bind(_ values: some Collection<SQLValue>) -> Statement {
        if values.count < parameterCount { sqlite3_clear_bindings(pointer) }
        var needed = 0
        for case .text(let v) in values { needed += v.utf8.count }
        if textBytes == nil || needed > textCapacity {
            textBytes?.deallocate()
            textCapacity = max(needed, 2 * textCapacity, 512)
            textBytes = .allocate(capacity: textCapacity)
        }
        let bytes = textBytes!
        var offset = 0
        var index: Int32 = 1
        for value in values {
            switch value {
            case .null: sqlite3_bind_null(pointer, index)
            case .int(let v): sqlite3_bind_int64(pointer, index, v)
            case .text(let v):
                let start = bytes + offset
                let copied = v.utf8.withContiguousStorageIfAvailable { utf8 in
                    if let base = utf8.baseAddress { start.update(from: base, count: utf8.count) }
                    return utf8.count
                }
                if copied == nil {
                    for byte in v.utf8 { bytes[offset] = byte; offset += 1 }
                } else {
                    offset += copied!
                }
                // Never a nil pointer: an empty string is empty text, not NULL.
                sqlite3_bind_text(pointer, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self),
                                  Int32(bytes + offset - start), nil /* SQLITE_STATIC */)
            }
            index += 1
        }
        return self
    }

    /// Steps once; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(pointer)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc)
        }
    }

    func run(_ values: some Collection<SQLValue> = [SQLValue]()) throws {
        bind(values)
        while try step() {}
        sqlite3_reset(pointer)
    }

    /// All rows, each read by `read`.
    func rows<T>(_ values: [SQLValue] = [], _ read: (Row) throws -> T) throws -> [T] {
        bind(values)
        var result: [T] = []
        while try step() { result.append(try read(Row(pointer: pointer))) }
        sqlite3_reset(pointer)
        return result
    }

    func first<T>(_ values: [SQLValue] = [], _ read: (Row) throws -> T) throws -> T? {
        bind(values)
        defer { sqlite3_reset(pointer) }
        return try step() ? try read(Row(pointer: pointer)) : nil
    }
}

/// The current row of a statement.
struct Row: SQLRow {
    let pointer: OpaquePointer

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(pointer, column) else { return nil }
        return String(cString: bytes)
    }

    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        // column_text first: column_bytes then counts the text's bytes.
        guard let bytes = sqlite3_column_text(pointer, column) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(pointer, column)))
    }

    func string(_ column: Int32) -> String { text(column) ?? "" }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(pointer, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(pointer, column) == SQLITE_NULL }
}

extension SQLiteConnection: SQLExecutor {
    func query(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let statement = try ready(sql)
        statement.bind(args)
        defer { statement.reset() }
        while try statement.step() { try body(Row(pointer: statement.pointer)) }
    }

    /// SQLite steps a statement row by row already.
    func stream(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        try query(sql, args, body)
    }

    @discardableResult
    func run(_ sql: String, _ args: [SQLValue]) throws -> Int {
        try ready(sql).run(args)
        return changes
    }

    func insert(_ sql: String, _ args: [SQLValue]) throws -> Int64 {
        try ready(sql).run(args)
        return lastInsertRowID
    }

    /// Holds the row back, and writes a table's rows `rowsPerInsert` at a time: before the
    /// next statement that reads or changes its table (`ready(_:)`), or when the
    /// table has that many. Every read of the transaction sees every appended row.
    func append(_ table: BulkTable, _ values: [SQLValue]) throws {
        try appendRow(table) { $0.append(contentsOf: values) }
    }

    func appendRow(_ table: BulkTable, _ fill: (inout [SQLValue]) -> Void) throws {
        let count = held[table.rawValue].count
        fill(&held[table.rawValue])
        assert(held[table.rawValue].count - count == table.columns.count, "a \(table) row of the wrong width")
        heldRows[table.rawValue] += 1
        anyHeld = true
        if heldRows[table.rawValue] >= Self.rowsPerInsert { try flush(table.withReferences) }
    }

    /// Numbers taken ahead, so a new contact's INSERT can be held and written many to a
    /// statement like the other tables' rows (one statement per contact was a tenth of an
    /// import's store thread). AUTOINCREMENT's own rule: above every number ever used
    /// (`sqlite_sequence`) and every row (the read writes held contacts first). The write
    /// transaction keeps other writers out until COMMIT, and an explicit id moves
    /// `sqlite_sequence` on, so a number is still never used twice.
    func reserveContactNumber() throws -> Int64? {
        if nextContactNumber == nil {
            nextContactNumber = try first("""
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contact'), 0),
                           coalesce((SELECT max(id) FROM contact), 0)) + 1
                """, []) { $0.int(0) }
        }
        defer { nextContactNumber? += 1 }
        return nextContactNumber
    }
}
