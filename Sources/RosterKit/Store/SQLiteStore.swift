import CSQLite
import Foundation

/// The SQLite store: one file, WAL, foreign keys on, a busy timeout, statements prepared
/// once and reused, migrations from `Schema/` applied forward on open.
public final class SQLiteStore: ContactStore {
    let db: SQLiteConnection
    public let idCodec: ContactIDCodec
    public let path: String

    /// Opens (creating with mode 0600 when missing) and migrates the database at `path`.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        self.path = path
        if path != ":memory:" {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            // Create the file ourselves so it is 0600 whatever the umask; SQLite gives its
            // -wal and -shm files the same mode.
            let fd = open(path, O_RDWR | O_CREAT, 0o600)
            if fd < 0 {
                throw StoreError.unsupportedDatabase("cannot open the database at \(path): \(String(cString: strerror(errno)))")
            }
            fchmod(fd, 0o600)
            close(fd)
        }
        // A write past a file-size limit (`ulimit -f`) raises SIGXFSZ, whose default action
        // kills the process mid-transaction without a word. Ignored, the write fails with
        // EFBIG instead: SQLite rolls back and the user reads why (SPEC 11).
        signal(SIGXFSZ, SIG_IGN)
        db = try SQLiteConnection(path: path)
        sqlite3_busy_timeout(db.handle, busyTimeoutMilliseconds)
        do {
            try db.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:" { try db.execute("PRAGMA journal_mode = WAL") }
            try db.execute("PRAGMA synchronous = NORMAL")
            try db.execute("PRAGMA cache_size = -65536")
            try Migrator.migrate(db)
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
        let key = try db.statement("SELECT value FROM meta WHERE key = 'contact_id_key'").first { $0.string(0) }
        idCodec = ContactIDCodec(key: UInt64(key ?? "0") ?? 0)
    }

    /// A write the file system refused is SQLITE_FULL when the write was cut short, but
    /// SQLITE_IOERR_WRITE (and the like) when it failed outright: with EFBIG past a
    /// file-size limit, or ENOSPC outside a plain write. SQLite's errno for it is not
    /// reliable by the time the error reaches us, so an I/O error counts as a full disk
    /// when the process has a file-size limit or the database's file system is out of room.
    static func translate(_ error: SQLiteError, path: String? = nil) -> Error {
        if error.isBusy { return StoreError.busy }
        if error.isFull || error.code & 0xFF == SQLITE_IOERR {
            if fileSizeLimited { return StorageFull.fileSizeLimit }
            if error.isFull || path.map(isOutOfSpace) == true { return StoreError.diskFull }
        }
        if error.code & 0xFF == SQLITE_NOTADB {
            return StoreError.unsupportedDatabase("the file is not a roster database (not SQLite): check --db or ROSTER_DB")
        }
        return error
    }

    /// Whether the process runs under a file-size limit (`ulimit -f`).
    static var fileSizeLimited: Bool {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue), infinity = rlim_t.max
        #else
        let resource = RLIMIT_FSIZE, infinity = RLIM_INFINITY
        #endif
        return getrlimit(resource, &limit) == 0 && limit.rlim_cur != infinity
    }

    /// Whether the file system holding `path` has less than 1 MiB left for us.
    static func isOutOfSpace(_ path: String) -> Bool {
        guard path != ":memory:" else { return false }
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try db.statement("PRAGMA integrity_check").rows { $0.string(0) }.joined(separator: "\n")
    }

    /// The names of the migrations recorded in the database.
    public func appliedMigrations() throws -> [String] {
        try db.statement("SELECT name FROM schema_migrations ORDER BY name").rows { $0.string(0) }
    }

    // MARK: transactions

    public func write<T>(commit: Bool, _ body: (any ContactTransaction) throws -> T) throws -> T {
        do {
            try db.execute("BEGIN IMMEDIATE")
        } catch let error as SQLiteError { throw Self.translate(error, path: path) }
        do {
            let result = try body(SQLiteTransaction(db: db))
            if commit { try db.execute("COMMIT") } else { try db.execute("ROLLBACK") }
            return result
        } catch {
            try? db.execute("ROLLBACK")
            if let error = error as? SQLiteError { throw Self.translate(error, path: path) }
            throw error
        }
    }

    public func read<T>(_ body: (any ContactTransaction) throws -> T) throws -> T {
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        do { return try body(SQLiteTransaction(db: db)) } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
    }

    private func writeSimple<T>(_ body: () throws -> T) throws -> T {
        try write(commit: true) { _ in try body() }
    }

    // MARK: places

    private func readPractice(_ row: Row) -> Practice {
        Practice(id: row.int(0), name: row.string(1), ownerFullName: row.text(2), phone: row.text(3),
                 address: row.text(4), email: row.text(5), preferencesURL: row.text(6))
    }
    private let practiceColumns = "id, name, owner_full_name, phone, address, email, preferences_url"

    public func addPractice(name: String, details: PracticeDetails, at: String) throws -> Practice {
        let name = Text.trim(name)
        guard !name.isEmpty else { throw StoreError.emptyName("practice") }
        return try writeSimple {
            if try db.statement("SELECT 1 FROM practice WHERE name_key = ?").first([.text(name.lowercased())], { _ in true }) != nil {
                throw StoreError.practiceExists(name)
            }
            try db.statement("""
                INSERT INTO practice (name, name_key, owner_full_name, phone, address, email, preferences_url, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).run([.text(name), .text(name.lowercased()), SQLValue(details.ownerFullName), SQLValue(details.phone),
                          SQLValue(details.address), SQLValue(details.email), SQLValue(details.preferencesURL), .text(at)])
            return try practice(named: name)
        }
    }

    public func updatePractice(name: String, details: PracticeDetails) throws -> Practice {
        try writeSimple {
            var current = try practice(named: name)
            if let v = details.ownerFullName { current.ownerFullName = v.isEmpty ? nil : v }
            if let v = details.phone { current.phone = v.isEmpty ? nil : v }
            if let v = details.address { current.address = v.isEmpty ? nil : v }
            if let v = details.email { current.email = v.isEmpty ? nil : v }
            if let v = details.preferencesURL { current.preferencesURL = v.isEmpty ? nil : v }
            try db.statement("""
                UPDATE practice SET owner_full_name = ?, phone = ?, address = ?, email = ?, preferences_url = ? WHERE id = ?
                """).run([SQLValue(current.ownerFullName), SQLValue(current.phone), SQLValue(current.address),
                          SQLValue(current.email), SQLValue(current.preferencesURL), .int(current.id)])
            return current
        }
    }

    public func practices() throws -> [Practice] {
        try db.statement("SELECT \(practiceColumns) FROM practice ORDER BY name_key").rows([], readPractice)
    }

    public func practice(named name: String) throws -> Practice {
        let key = Text.trim(name).lowercased()
        if let found = try db.statement("SELECT \(practiceColumns) FROM practice WHERE name_key = ?").first([.text(key)], readPractice) {
            return found
        }
        let known = try practices().map(\.name)
        if known.isEmpty { throw StoreError.noPractices }
        throw StoreError.unknownPractice(Text.trim(name), known: known)
    }

    public func addLocation(name: String, practice practiceName: String, at: String) throws -> Location {
        let name = Text.trim(name)
        guard !name.isEmpty else { throw StoreError.emptyName("location") }
        return try writeSimple {
            let owner = try practice(named: practiceName)
            if try db.statement("SELECT 1 FROM location WHERE practice_id = ? AND name_key = ?")
                .first([.int(owner.id), .text(name.lowercased())], { _ in true }) != nil {
                throw StoreError.locationExists(name, practice: owner.name)
            }
            try db.statement("INSERT INTO location (practice_id, name, name_key, created_at) VALUES (?, ?, ?, ?)")
                .run([.int(owner.id), .text(name), .text(name.lowercased()), .text(at)])
            return Location(id: db.lastInsertRowID, practiceID: owner.id, practiceName: owner.name, name: name)
        }
    }

    private let locationQuery = """
        SELECT l.id, l.practice_id, p.name, l.name FROM location l JOIN practice p ON p.id = l.practice_id
        """
    private func readLocation(_ row: Row) -> Location {
        Location(id: row.int(0), practiceID: row.int(1), practiceName: row.string(2), name: row.string(3))
    }

    public func locations(practice practiceName: String?) throws -> [Location] {
        if let practiceName {
            let owner = try practice(named: practiceName)
            return try db.statement(locationQuery + " WHERE l.practice_id = ? ORDER BY l.name_key")
                .rows([.int(owner.id)], readLocation)
        }
        return try db.statement(locationQuery + " ORDER BY p.name_key, l.name_key").rows([], readLocation)
    }

    public func location(named name: String, practice practiceName: String?) throws -> Location {
        let key = Text.trim(name).lowercased()
        if let practiceName {
            let owner = try practice(named: practiceName)
            if let found = try db.statement(locationQuery + " WHERE l.practice_id = ? AND l.name_key = ?")
                .first([.int(owner.id), .text(key)], readLocation) {
                return found
            }
            throw StoreError.unknownLocation(Text.trim(name), known: try locations(practice: owner.name).map(\.name))
        }
        let matches = try db.statement(locationQuery + " WHERE l.name_key = ? ORDER BY p.name_key").rows([.text(key)], readLocation)
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 { throw StoreError.practiceRequired(location: Text.trim(name), practices: matches.map(\.practiceName)) }
        let all = try locations(practice: nil)
        let names = all.map { loc in all.filter { $0.name.lowercased() == loc.name.lowercased() }.count > 1
            ? "\(loc.name) (\(loc.practiceName))" : loc.name }
        throw StoreError.unknownLocation(Text.trim(name), known: names)
    }

    // MARK: history and outbox

    public func history(practice practiceName: String?, location locationName: String?) throws -> [OperationRecord] {
        var sql = """
            SELECT o.id, o.kind, o.file_name, o.sha256, p.name, l.name, o.consent, o.at,
                   o.rows, o.created, o.updated, o.copied, o.unchanged, o.skipped, o.failed, o.undone_by
            FROM operation o JOIN practice p ON p.id = o.practice_id LEFT JOIN location l ON l.id = o.location_id
            """
        var args: [SQLValue] = []
        if let locationName {
            let loc = try location(named: locationName, practice: practiceName)
            sql += " WHERE o.location_id = ?"
            args.append(.int(loc.id))
        } else if let practiceName {
            sql += " WHERE o.practice_id = ?"
            args.append(.int(try practice(named: practiceName).id))
        }
        sql += " ORDER BY o.id"
        return try db.statement(sql).rows(args) { r in
            OperationRecord(id: r.int(0), kind: r.string(1), file: r.text(2), sha256: r.text(3), practice: r.string(4),
                            location: r.text(5), consent: r.text(6), at: r.string(7), rows: Int(r.int(8)),
                            created: Int(r.int(9)), updated: Int(r.int(10)), copied: Int(r.int(11)),
                            unchanged: Int(r.int(12)), skipped: Int(r.int(13)), failed: Int(r.int(14)),
                            undoneBy: r.isNull(15) ? nil : r.int(15))
        }
    }

    public func outbox() throws -> [OutboxEntry] {
        try db.statement("""
            SELECT o.id, o.contact_id, o.to_address, c.first_name, o.queued_at, o.sent_at, o.drop_reason, o.attempts, o.last_error,
                   \(practiceColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM outbox o JOIN contact c ON c.id = o.contact_id JOIN practice p ON p.id = c.practice_id
            ORDER BY o.id
            """).rows { r in
            OutboxEntry(id: r.int(0), contactNumber: r.int(1), to: r.string(2), firstName: r.string(3),
                        practice: Practice(id: r.int(9), name: r.string(10), ownerFullName: r.text(11), phone: r.text(12),
                                           address: r.text(13), email: r.text(14), preferencesURL: r.text(15)),
                        queuedAt: r.string(4), sentAt: r.text(5), dropReason: r.text(6), attempts: Int(r.int(7)), lastError: r.text(8))
        }
    }

    public func recordDelivery(id: Int64, outcome: DeliveryOutcome, at: String) throws {
        try writeSimple {
            switch outcome {
            case .sent(let messageID):
                try db.statement("""
                    UPDATE outbox SET sent_at = ?, attempts = attempts + 1, message_id = ?, last_error = NULL
                    WHERE id = ? AND sent_at IS NULL
                    """).run([.text(at), .text(messageID), .int(id)])
            case .failed(let messageID, let error):
                try db.statement("UPDATE outbox SET attempts = attempts + 1, message_id = ?, last_error = ? WHERE id = ?")
                    .run([.text(messageID), .text(error), .int(id)])
            case .dropped(let reason):
                try db.statement("UPDATE outbox SET drop_reason = ?, dropped_at = ? WHERE id = ? AND sent_at IS NULL")
                    .run([.text(reason), .text(at), .int(id)])
            }
        }
    }

    public func markSent(ids: [Int64], at: String) throws {
        try writeSimple {
            let statement = try db.statement("UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL")
            for id in ids { try statement.run([.text(at), .int(id)]) }
        }
    }
}

/// A write refused because the database file may not grow past the process's file-size
/// limit (`ulimit -f`, RLIMIT_FSIZE), or a full disk while such a limit is set: the two
/// look alike to SQLite. Like a full disk, the transaction was rolled back.
public enum StorageFull: Error, Equatable, CustomStringConvertible {
    case fileSizeLimit

    public var description: String {
        "the database could not grow: the disk is full or the file size limit (ulimit -f) was reached, so nothing was written. Free some space or raise the limit, and run the command again"
    }
}

/// Applies `Schema/`'s migrations (embedded in the binary) forward, each once, each in
/// its own transaction, recorded in `schema_migrations`.
enum Migrator {
    static func migrate(_ db: SQLiteConnection, migrations: [(name: String, sql: String)] = embeddedMigrations) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        let applied = Set(try db.statement("SELECT name FROM schema_migrations").rows { $0.string(0) })
        let known = Set(migrations.map(\.name))
        if let newer = applied.subtracting(known).sorted().last {
            throw StoreError.unsupportedDatabase("the database was written by a newer roster (schema \(newer)): update roster to open it")
        }
        for migration in migrations.sorted(by: { $0.name < $1.name }) where !applied.contains(migration.name) {
            try db.execute("BEGIN IMMEDIATE")
            do {
                // Another process may have migrated while we waited for the lock.
                if try db.statement("SELECT 1 FROM schema_migrations WHERE name = ?").first([.text(migration.name)], { _ in true }) != nil {
                    try db.execute("COMMIT")
                    continue
                }
                try db.execute(migration.sql)
                try db.statement("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)")
                    .run([.text(migration.name), .text(Clock.timestamp(Date()))])
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}
