import CSQLite
import Foundation

/// The SQLite store: one file, WAL, foreign keys on (but in the import's and merge's
/// transactions, which delete nothing: `write(commit:deletes:_:)`), a busy timeout,
/// statements prepared once and reused, migrations from `Schema/` applied forward on open.
public final class SQLiteStore: SQLStore {
    let db: SQLiteConnection
    public let path: String

    override public var databaseFiles: [String] {
        path == ":memory:" ? [] : [path, path + "-wal", path + "-shm", path + "-journal"]
    }

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
        let db = try SQLiteConnection(path: path)
        self.db = db
        sqlite3_busy_timeout(db.handle, busyTimeoutMilliseconds)
        do {
            try db.checkReferences(true)
            // A new database gets 16 KiB pages (SQLite's default is 4): a fresh import of
            // 100,000 rows writes each page to the WAL and again at the checkpoint, a
            // system call each, and with four times fewer pages it took 29 % less wall time
            // and 23 % less CPU (docs/PERFORMANCE.md). Only a new file takes it (and only
            // before it is in WAL mode): an existing database keeps its page size.
            try db.execute("PRAGMA page_size = 16384")
            if path != ":memory:" { try db.execute("PRAGMA journal_mode = WAL") }
            try db.execute("PRAGMA synchronous = NORMAL")
            try db.execute("PRAGMA cache_size = -65536")
            try Migrator.migrate(db)
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
        try super.init(executor: db)
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
        try db.rows("PRAGMA integrity_check") { $0.string(0) }.joined(separator: "\n")
    }

    /// `PRAGMA foreign_key_check`: each row that refers to a row that is not there, as
    /// "table rowid -> parent". Empty when every reference holds; the tests ask after
    /// every operation, imports and merges included (they run without SQLite's checks).
    public func referenceProblems() throws -> [String] {
        try db.rows("PRAGMA foreign_key_check") { "\($0.string(0)) \($0.int(1)) -> \($0.string(2))" }
    }

    /// The names of the migrations recorded in the database.
    public func appliedMigrations() throws -> [String] {
        try db.rows("SELECT name FROM schema_migrations ORDER BY name") { $0.string(0) }
    }

    // MARK: transactions

    override func transaction<T>(writing: Bool, commit: Bool, deletes: Bool = true, _ body: (SQLTransaction) throws -> T) throws -> T {
        // Every transaction sets the reference checks it needs, before BEGIN (the pragma is
        // a no-op inside a transaction): one that deletes nothing runs without them.
        let checksReferences = !writing || deletes
        do {
            try db.checkReferences(checksReferences)
            try db.execute(writing ? "BEGIN IMMEDIATE" : "BEGIN")
        } catch let error as SQLiteError { throw Self.translate(error, path: path) }
        let tx = SQLTransaction(db: db, deletes: checksReferences, readsAroundHeldRows: readsAroundHeldRows, defersIndexes: writing)
        do {
            let result = try body(tx)
            if writing && !commit { try db.flush() }   // a dry run checks every held row too
            if writing && commit {
                try tx.restoreDeferredIndexes()   // indexes an import dropped, built before it commits
                try db.execute("COMMIT")
            } else if writing {
                try db.execute("ROLLBACK")
                try tx.endDeferral()   // the rollback brought the indexes back; the cache size is the connection's
            } else {
                try db.execute("COMMIT")
            }
            return result
        } catch {
            try? db.execute("ROLLBACK")
            try? tx.endDeferral()
            if let error = error as? SQLiteError { throw Self.translate(error, path: path) }
            throw error
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

/// Applies an engine's migrations (`Schema/ENGINE/`, embedded in the binary) forward, each
/// once, each in its own transaction, recorded in `schema_migrations`. `begin` opens a
/// transaction that excludes other migrating processes (SQLite's `BEGIN IMMEDIATE`;
/// PostgreSQL's `BEGIN` and an advisory lock).
enum Migrator {
    /// What a migration does that SQL cannot, run after its file in its transaction.
    static let codeSteps: [String: @Sendable (any SQLExecutor) throws -> Void] = [
        "014_identity_keys_composed.sql": rekeyContacts,
    ]

    /// Works every contact's identity keys out again as `IdentityKeys` does now, writing
    /// those that differ (names and emails past ASCII: few). Read as a stream, so memory
    /// stays flat on a large database; the changes are written after.
    static func rekeyContacts(_ db: any SQLExecutor) throws {
        // Compared as bytes, as the store compares keys: Swift's `==` holds é and e + ◌́
        // equal, and would leave the very keys this is for as they were.
        let differ = { (a: String?, b: String?) in
            guard let a, let b else { return (a == nil) != (b == nil) }
            return !a.utf8.elementsEqual(b.utf8)
        }
        var changed: [(id: Int64, keys: IdentityKeys)] = []
        try db.stream("SELECT id, email, first_name, last_name, phone, email_key, first_key, last_key FROM contact", []) { row in
            guard [1, 2, 3].contains(where: { row.text(Int32($0)).map { !Text.isASCII($0) } ?? false }) else { return }
            var values = ContactValues()
            values[.email] = row.text(1)
            values[.firstName] = row.text(2)
            values[.lastName] = row.text(3)
            values[.phone] = row.text(4)
            let keys = IdentityKeys(values)
            if differ(keys.email, row.text(5)) || differ(keys.first, row.string(6)) || differ(keys.last, row.string(7)) {
                changed.append((row.int(0), keys))
            }
        }
        for (id, keys) in changed {
            try db.run("UPDATE contact SET email_key = ?, first_key = ?, last_key = ? WHERE id = ?",
                       [SQLValue(keys.email), .text(keys.first), .text(keys.last), .int(id)])
        }
        // Practice and location names are looked up by the same kind of key.
        for table in ["practice", "location"] {
            let names = try db.rows("SELECT id, name, name_key FROM \(table)", []) { (id: $0.int(0), name: $0.string(1), key: $0.string(2)) }
            for entry in names where differ(Text.identityKey(entry.name), entry.key) {
                try db.run("UPDATE \(table) SET name_key = ? WHERE id = ?", [.text(Text.identityKey(entry.name)), .int(entry.id)])
            }
        }
    }

    static func migrate(_ db: any SQLExecutor, migrations: [(name: String, sql: String)] = embeddedMigrations,
                        begin: [String] = ["BEGIN IMMEDIATE"]) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        let applied = Set(try db.rows("SELECT name FROM schema_migrations") { $0.string(0) })
        let known = Set(migrations.map(\.name))
        if let newer = applied.subtracting(known).sorted().last {
            throw StoreError.unsupportedDatabase("the database was written by a newer roster (schema \(newer)): update roster to open it")
        }
        for migration in migrations.sorted(by: { $0.name < $1.name }) where !applied.contains(migration.name) {
            for statement in begin { try db.execute(statement) }
            do {
                // Another process may have migrated while we waited for the lock.
                if try db.exists("SELECT 1 FROM schema_migrations WHERE name = ?", [.text(migration.name)]) {
                    try db.execute("COMMIT")
                    continue
                }
                try db.execute(migration.sql)
                try codeSteps[migration.name]?(db)
                try db.run("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                           [.text(migration.name), .text(Clock.timestamp(Date()))])
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}
