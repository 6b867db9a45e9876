import CLibPQ
import Foundation

/// A failure from PostgreSQL. Like `SQLiteError`, it never carries a contact's values:
/// for data and constraint errors (SQLSTATE classes 22 and 23), whose text may quote the
/// offending value, it keeps only the constraint's name; the server's DETAIL is never read.
public struct PostgreSQLError: Error, Equatable, CustomStringConvertible {
    public let sqlState: String
    public let message: String
    public var description: String {
        let raw = "database error \(sqlState): \(message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message)"
        if sqlState.hasPrefix("08") || (sqlState == "XX000" && message.contains("connection")) {
            return "the connection to the database server was lost (\(raw)): nothing of this run was written, as a run is one transaction. Check the server and run the command again"
        }
        switch sqlState {
        case "42501":
            return "the database role lacks a permission roster needs (\(raw)): roster creates and changes its own tables, so the role needs CREATE on the schema and all rights on roster's tables"
        case "42P07":
            return "the database already holds a table of the name roster uses (\(raw)), from another program: give roster a database (or schema) of its own"
        default:
            return raw
        }
    }

    var isBusy: Bool { ["55P03", "40P01", "40001"].contains(sqlState) }
    var isFull: Bool { sqlState == "53100" }
}

/// One libpq connection: our own small wrapper over the C API, as for SQLite. Statements
/// are prepared once per connection (named `roster_N`) and reused; values travel as
/// parameters in text form, never spliced into SQL.
final class PGConnection {
    private let handle: OpaquePointer
    private var prepared: [String: String] = [:]
    private var cursors = 0
    /// Appended rows not yet written, per table (see `append` and `flush`).
    private var held: [[[SQLValue]]] = Array(repeating: [], count: BulkTable.allCases.count)
    /// The held rows' size, per table and in all: a flush of some tables takes theirs off.
    private var heldBytesByTable: [Int] = Array(repeating: 0, count: BulkTable.allCases.count)
    private var heldBytes = 0
    /// Contact numbers taken from the sequence ahead of their inserts, next first.
    private var reserved: ArraySlice<Int64> = []
    /// Off (ROSTER_PG_BULK=0): every appended row is its own INSERT, as measured in
    /// docs/PERFORMANCE.md against the COPY path.
    private let bulk = ProcessInfo.processInfo.environment["ROSTER_PG_BULK"] != "0"

    /// Connects to `url` (a `postgresql://` URL; libpq's parameters such as `sslmode` pass
    /// through; `connect_timeout` is 10 s unless the URL says otherwise). Messages name the
    /// server from libpq's own reading of the URL, never with the password.
    init(url: String) throws {
        let display = try PGConnection.describe(url)
        let keys = ["connect_timeout", "dbname"], values = ["10", url]
        let connection = keys.withCStrings { k in values.withCStrings { v in PQconnectdbParams(k, v, 1) } }
        guard let connection else {
            throw StoreError.unsupportedDatabase("cannot connect to PostgreSQL at \(display.url): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            // libpq's first line says what failed; its second is a hint we give in our words.
            var reason = String(cString: PQerrorMessage(connection))
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? "no answer"
            while reason.hasSuffix(".") { reason.removeLast() }
            if let password = display.password, !password.isEmpty, reason.contains(password) {
                reason = reason.replacingOccurrences(of: password, with: "…")
            }
            PQfinish(connection)
            throw StoreError.unsupportedDatabase(
                "cannot connect to PostgreSQL at \(display.url) (\(display.hostAndPort)): \(reason). "
                + PGConnection.connectionAdvice(reason))
        }
        handle = connection
        // Notices (e.g. "relation already exists, skipping") would go to stderr: drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        guard PQsetClientEncoding(connection, "UTF8") == 0 else {
            throw StoreError.unsupportedDatabase("the PostgreSQL server at \(display.url) cannot talk UTF-8 with roster")
        }
        let encoding = PQparameterStatus(connection, "server_encoding").map { String(cString: $0) } ?? ""
        guard encoding == "UTF8" else {
            throw StoreError.unsupportedDatabase("the PostgreSQL database at \(display.url) stores text as \(encoding), which cannot hold every name: create it with ENCODING 'UTF8'")
        }
    }

    /// What to do about a failed connection. The server answered when it names a missing
    /// database or role or a wrong password (English server messages; any other wording
    /// gets the general advice): then it is running, and the URL or the server's setup
    /// needs mending, not the network.
    static func connectionAdvice(_ reason: String) -> String {
        if reason.contains("FATAL"), reason.contains("database \""), reason.hasSuffix("does not exist") {
            return "The server is running but has no such database: create it (`createdb NAME`, as a user who may), "
                + "or correct the database name at the end of the URL (--db or ROSTER_DB)"
        }
        if reason.contains("FATAL"), reason.contains("role \""), reason.hasSuffix("does not exist") {
            return "The server is running but has no such user: correct the user name before the @ in the URL "
                + "(--db or ROSTER_DB), or have the server's administrator create it"
        }
        if reason.contains("password authentication failed") || reason.contains("no password supplied") {
            return "The server is running but did not take the password: correct it in the URL (--db or ROSTER_DB) or in ~/.pgpass"
        }
        return "Check that the server is running and reachable, and the URL (--db or ROSTER_DB)"
    }

    /// libpq is opened at the first use of PostgreSQL (`CLibPQ.h`): every path to a
    /// connection reads its URL through `describe` first, which calls this.
    static func loadLibrary() throws {
        if let error = roster_libpq_load() { throw StoreError.unsupportedDatabase(String(cString: error)) }
    }

    /// What a URL names, as libpq reads it: shown in messages without the password.
    struct Description {
        var url: String
        var hostAndPort: String
        var password: String?
    }

    /// libpq's own parse of `url` (so the reading matches the connection's); a URL libpq
    /// cannot parse is an error that quotes none of it, as its text may hold a password.
    static func describe(_ url: String) throws -> Description {
        try loadLibrary()
        var message: UnsafeMutablePointer<CChar>?
        let malformed = StoreError.unsupportedDatabase(
            "the PostgreSQL URL in --db or ROSTER_DB is malformed: write it as postgresql://USER@HOST:PORT/DATABASE, with any special character in the password percent-encoded (%40 for @, %2F for /, %25 for %), or keep the password in ~/.pgpass")
        guard let options = PQconninfoParse(url, &message) else {
            if let message { PQfreemem(message) }
            throw malformed
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        // An @ left in the host or database, or a port that is not a number, is what is left
        // of a password with an unencoded @ or / in it.
        if (values["host"] ?? "").contains("@") || (values["dbname"] ?? "").contains("@")
            || !(values["port"] ?? "").allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ",") }) {
            throw malformed
        }
        let host = values["host"] ?? values["hostaddr"] ?? "localhost"
        let port = values["port"] ?? "5432"
        var shown = "postgresql://" + (values["user"].map { $0 + "@" } ?? "")
        shown += (host.hasPrefix("/") ? "" : host) + (values["port"].map { ":" + $0 } ?? "") + "/" + (values["dbname"] ?? "")
        if host.hasPrefix("/") { shown += "?host=" + host }
        if let mode = values["sslmode"] { shown += (shown.contains("?") ? "&" : "?") + "sslmode=" + mode }
        return Description(url: shown, hostAndPort: "host \(host), port \(port)", password: values["password"])
    }

    deinit { PQfinish(handle) }

    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    // MARK: placeholders

    /// `?` and `?N` (the SQL both stores share) as PostgreSQL's `$N`, outside quotes.
    static func dollarPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 0, inQuote = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let c = pending {
            pending = characters.next()
            if c == "'" { inQuote.toggle(); out.append(c); continue }
            guard c == "?", !inQuote else { out.append(c); continue }
            var digits = ""
            while let d = pending, d.isASCII, d.isNumber { digits.append(d); pending = characters.next() }
            if digits.isEmpty { next += 1; digits = String(next) } else { next = max(next, Int(digits) ?? next) }
            out += "$" + digits
        }
        return out
    }

    // MARK: running

    private func error(_ result: OpaquePointer?) -> PostgreSQLError {
        guard let result else {
            return PostgreSQLError(sqlState: "08000", message: "the connection to the server was lost: "
                                   + String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "XX000"
        if state.hasPrefix("22") || state.hasPrefix("23") {
            let constraint = PQresultErrorField(result, Int32(UInt8(ascii: "n"))).map { String(cString: $0) }
            let table = PQresultErrorField(result, Int32(UInt8(ascii: "t"))).map { String(cString: $0) }
            return PostgreSQLError(sqlState: state, message: "a value was refused by "
                                   + (constraint.map { "constraint \($0)" } ?? "a column's type")
                                   + (table.map { " of table \($0)" } ?? ""))
        }
        let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? String(cString: PQerrorMessage(handle))
        return PostgreSQLError(sqlState: state, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func check(_ result: OpaquePointer?) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw error(result) }
    }

    // MARK: appended rows

    /// Holds the row back: written before the next statement that reads or changes its
    /// table (see `flush(before:)`), or when 8 MiB are held.
    func appendRow(_ table: BulkTable, _ fill: (inout [SQLValue]) -> Void) throws {
        var values: [SQLValue] = []   // held as one array a row here
        fill(&values)
        try append(table, values)
    }

    func append(_ table: BulkTable, _ values: [SQLValue]) throws {
        guard bulk else { return try runUnheld(table.insertSQL, values) }
        held[table.rawValue].append(values)
        var size = 0
        for value in values { if case .text(let text) = value { size += text.utf8.count + 1 } else { size += 9 } }
        heldBytesByTable[table.rawValue] += size
        heldBytes += size
        if heldBytes > 8 << 20 { try flush() }
    }

    /// COPY's text format: tab between columns, `\N` for NULL, backslash escapes.
    static func copyText(_ rows: [[SQLValue]]) -> [UInt8] {
        var out: [UInt8] = []
        for values in rows {
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(0x09) }
                switch value {
                case .null: out += [0x5C, 0x4E]
                case .int(let v): out += Array(String(v).utf8)
                case .text(let text):
                    for byte in text.utf8 {
                        switch byte {
                        case 0x5C: out += [0x5C, 0x5C]
                        case 0x09: out += [0x5C, 0x74]
                        case 0x0A: out += [0x5C, 0x6E]
                        case 0x0D: out += [0x5C, 0x72]
                        default: out.append(byte)
                        }
                    }
                }
            }
            out.append(0x0A)
        }
        return out
    }

    private func runUnheld(_ sql: String, _ args: [SQLValue]) throws {
        PQclear(try executePrepared(sql, args))
    }

    func reserveContactNumber() throws -> Int64? {
        guard bulk else { return nil }
        if reserved.isEmpty {
            let result = try executePrepared("SELECT nextval(pg_get_serial_sequence('contact', 'id')) FROM generate_series(1, 1024)", [])
            defer { PQclear(result) }
            reserved = ArraySlice((0..<PQntuples(result)).map { PGRow(result: result, row: $0).int(0) })
        }
        return reserved.popFirst()
    }

    /// The held rows `sql` needs written (`BulkTable.tablesNeeded(before:)`), by SQL.
    private var tablesNeeded: [String: UInt8] = [:]

    /// False inside `withoutWritingHeld`.
    var writesHeldFirst = true

    func holdsRows(of table: BulkTable) -> Bool { !held[table.rawValue].isEmpty }

    private func flush(before sql: String) throws {
        guard heldBytes > 0, writesHeldFirst else { return }
        let needs: UInt8
        if let known = tablesNeeded[sql] {
            needs = known
        } else {
            needs = BulkTable.tablesNeeded(before: sql)
            tablesNeeded[sql] = needs
        }
        if needs != 0 { try flush(needs) }
    }

    /// Writes the held-back rows of `tables` (all by default), a COPY per table,
    /// references first.
    private func flush(_ tables: UInt8 = BulkTable.everyTable) throws {
        guard heldBytes > 0 else { return }
        var failed = true
        defer { if failed { discardHeld() } }
        for table in BulkTable.allCases where tables & table.bit != 0 && !held[table.rawValue].isEmpty {
            let rows = held[table.rawValue]
            if rows.count < 32 { try insertRows(table, rows) } else { try copyRows(table, rows) }
            held[table.rawValue].removeAll(keepingCapacity: true)
            heldBytes -= heldBytesByTable[table.rawValue]
            heldBytesByTable[table.rawValue] = 0
        }
        failed = false
    }

    /// A few rows: one multi-row INSERT, one round trip (COPY takes two).
    private func insertRows(_ table: BulkTable, _ rows: [[SQLValue]]) throws {
        let width = table.columns.count
        let tuples = (0..<rows.count).map { r in "(" + (1...width).map { "$\(r * width + $0)" }.joined(separator: ", ") + ")" }
        let sql = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES " + tuples.joined(separator: ", ")
        PQclear(try withParameters(rows.flatMap { $0 }) { count, values in PQexecParams(handle, sql, count, nil, values, nil, nil, 0) })
    }

    /// Many rows: COPY FROM STDIN.
    private func copyRows(_ table: BulkTable, _ rows: [[SQLValue]]) throws {
        let start = PQexec(handle, "COPY \(table.name) (\(table.columns.joined(separator: ", "))) FROM STDIN")
        let status = start.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status != PGRES_COPY_IN {
            let failure = error(start)
            PQclear(start)
            throw failure
        }
        PQclear(start)
        let sent = Self.copyText(rows).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        PQputCopyEnd(handle, sent == 1 ? nil : "roster could not send the rows")
        var failure: PostgreSQLError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil { failure = error(result) }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    private func discardHeld() {
        for i in held.indices { held[i].removeAll(keepingCapacity: true) }
        heldBytesByTable = heldBytesByTable.map { _ in 0 }
        heldBytes = 0
    }

    private func statementName(_ sql: String) throws -> String {
        if let name = prepared[sql] { return name }
        // Named by the SQL's hash, so a name never means two texts (a connection pooler may
        // hand one server connection to several processes).
        var hash = SHA256()
        hash.update(Array(sql.utf8))
        let name = "roster_" + hash.finish().prefix(24)
        let result = PQprepare(handle, name, Self.dollarPlaceholders(sql), 0, nil)
        defer { PQclear(result) }
        try check(result)
        prepared[sql] = name
        return name
    }

    /// Runs a prepared statement with `args`; the caller clears the result.
    private func executePrepared(_ sql: String, _ args: [SQLValue]) throws -> OpaquePointer {
        try flush(before: sql)
        let name = try statementName(sql)
        return try withParameters(args) { count, values in PQexecPrepared(handle, name, count, values, nil, nil, 0) }
    }

    /// Runs SQL with `args` once, unprepared (a cursor's DECLARE cannot be prepared).
    private func executeOnce(_ sql: String, _ args: [SQLValue], flushing: Bool = true) throws -> OpaquePointer {
        if flushing { try flush(before: sql) }
        let converted = Self.dollarPlaceholders(sql)
        return try withParameters(args) { count, values in PQexecParams(handle, converted, count, nil, values, nil, nil, 0) }
    }

    private func withParameters(_ args: [SQLValue],
                                _ run: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> OpaquePointer?) throws -> OpaquePointer {
        var cStrings: [UnsafeMutablePointer<CChar>?] = args.map { value in
            switch value {
            case .null: nil
            case .int(let v): strdup(String(v))
            case .text(let v): strdup(v)
            }
        }
        defer { cStrings.forEach { free($0) } }
        if cStrings.isEmpty { cStrings.append(nil) }   // a valid base address for no parameters
        let result = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { values in
                run(Int32(args.count), args.isEmpty ? nil : UnsafePointer(values))
            }
        }
        do { try check(result) } catch { PQclear(result); throw error }
        return result!
    }

    /// Runs SQL without parameters: one or several statements. A ROLLBACK drops the rows
    /// held back; anything else (COMMIT included) writes them first.
    func execute(_ sql: String) throws {
        if sql == "ROLLBACK" { discardHeld() } else { try flush() }
        // A COMMIT of a transaction that failed earlier answers ROLLBACK with success:
        // never let that pass for a commit.
        if sql == "COMMIT" && PQtransactionStatus(handle) == PQTRANS_INERROR {
            throw PostgreSQLError(sqlState: "25P02", message: "the transaction had failed, so nothing was written")
        }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
        if sql == "COMMIT", let tag = PQcmdStatus(result), String(cString: tag) != "COMMIT" {
            throw PostgreSQLError(sqlState: "25P02", message: "the server rolled the transaction back, so nothing was written")
        }
    }

    /// Writes every held row now (a dry run checks them too before rolling back).
    func flushAll() throws { try flush() }
}

/// A row of a PostgreSQL result (text format).
struct PGRow: SQLRow {
    let result: OpaquePointer
    let row: Int32

    func text(_ column: Int32) -> String? {
        guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else { return nil }
        return String(cString: value)
    }
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else { return nil }
        return UnsafeRawPointer(value).withMemoryRebound(to: UInt8.self, capacity: 1) {
            UnsafeBufferPointer(start: $0, count: Int(PQgetlength(result, row, column)))
        }
    }
    func int(_ column: Int32) -> Int64 { text(column).flatMap { Int64($0) } ?? 0 }
    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) != 0 }
}

extension PGConnection: SQLExecutor {
    func query(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let result = try executePrepared(sql, args)
        defer { PQclear(result) }
        for row in 0..<PQntuples(result) { try body(PGRow(result: result, row: row)) }
    }

    /// Large reads go through a cursor, a batch at a time, so memory stays flat and `body`
    /// may run other statements between batches.
    func stream(_ sql: String, _ args: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        guard inTransaction else { return try query(sql, args, body) }
        try flush(before: sql)
        cursors += 1
        let cursor = "roster_cursor_\(cursors)"
        PQclear(try executeOnce("DECLARE \(cursor) NO SCROLL CURSOR FOR " + sql, args, flushing: false))
        do {
            while true {
                let batch = PQexec(handle, "FETCH 2000 FROM \(cursor)")
                defer { PQclear(batch) }
                try check(batch)
                let count = PQntuples(batch)
                if count == 0 { break }
                for row in 0..<count { try body(PGRow(result: batch!, row: row)) }
            }
        } catch {
            PQclear(PQexec(handle, "CLOSE \(cursor)"))
            throw error
        }
        // Closing writes nothing held: the rows `body` appended wait for what needs them.
        let closed = PQexec(handle, "CLOSE \(cursor)")
        defer { PQclear(closed) }
        try check(closed)
    }

    @discardableResult
    func run(_ sql: String, _ args: [SQLValue]) throws -> Int {
        let result = try executePrepared(sql, args)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func insert(_ sql: String, _ args: [SQLValue]) throws -> Int64 {
        let result = try executePrepared(sql + " RETURNING id", args)
        defer { PQclear(result) }
        return PGRow(result: result, row: 0).int(0)
    }
}

extension Array where Element == String {
    /// The strings as a NULL-terminated array of C strings, for libpq's keyword/value calls.
    func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
