import Foundation

/// The PostgreSQL store (issue 9), for a group of practices that outgrows one file: the
/// same SQL as the SQLite store (`SQLStore`, `SQLTransaction`), the schema of
/// `Schema/postgresql/` migrated forward on connect.
///
/// Locking: every operation is one transaction (READ COMMITTED). Before a write
/// transaction first reads or writes a practice's rows it takes a transaction-scoped
/// advisory lock on that practice, so imports, merges, copies and undos of one practice run
/// one after another (the identity rules and the text rule see everything committed before
/// them), while other practices go on. A waiting process waits for the lock. Read-only
/// commands (export, show, find, history) take no lock and read one consistent snapshot
/// (REPEATABLE READ).
public final class PostgreSQLStore: SQLStore {
    let connection: PGConnection
    /// The URL without its password, for messages.
    public let displayURL: String

    /// The advisory-lock key space: "ROST" in the high 32 bits, a practice's id (or 0, for
    /// migrations) in the low ones.
    static let lockSpace: Int64 = 0x524F_5354 << 32

    /// The URL as given (with any password): never printed; kept to open a second connection.
    private let url: String

    /// A second, independent connection to the same database.
    func reopened() throws -> PostgreSQLStore { try PostgreSQLStore(url: url) }

    public init(url: String) throws {
        self.url = url
        displayURL = try PGConnection.describe(url).url
        connection = try PGConnection(url: url)
        do {
            try connection.execute("SET client_min_messages = warning")
            // The SQL is written for standard strings (`ESCAPE '\\'`), whatever the server's default.
            try connection.execute("SET standard_conforming_strings = on")
            // A writer waits for another writer of its practice, but not for ever: after
            // 10 minutes it gives up with "the database is busy", having written nothing.
            try connection.execute("SET lock_timeout = '10min'")
            // A statement prepared while an import's tables are still small would keep a
            // generic plan that scans them whole once they are big (measured: 3 ms a
            // lookup at 17,000 rows). Planning each run with its values costs microseconds.
            try connection.execute("SET plan_cache_mode = force_custom_plan")
            // schema_migrations is created under the same lock as the migrations, so that
            // two processes meeting an empty database do not race to create it.
            try connection.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            try connection.run("SELECT pg_advisory_xact_lock(?)", [.int(Self.lockSpace)])
            try connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            try connection.execute("COMMIT")
            try Migrator.migrate(connection, migrations: embeddedPostgreSQLMigrations,
                                 begin: ["BEGIN ISOLATION LEVEL READ COMMITTED", "SELECT pg_advisory_xact_lock(\(Self.lockSpace))"])
        } catch let error as PostgreSQLError {
            try? connection.execute("ROLLBACK")
            throw Self.translate(error)
        }
        try super.init(executor: connection)
    }

    static func translate(_ error: PostgreSQLError) -> Error {
        if error.isBusy { return StoreError.busy }
        if error.isFull { return StoreError.diskFull }
        return error
    }

    /// PostgreSQL checks every reference, whatever `deletes` says: its checks are cheap
    /// next to a round trip, and it has no way to suspend them for one transaction.
    override func transaction<T>(writing: Bool, commit: Bool, deletes: Bool = true, _ body: (SQLTransaction) throws -> T) throws -> T {
        do {
            // READ COMMITTED whatever the server's default: each statement after the practice's
            // lock must see what the writer before committed (a snapshot taken before the lock
            // was granted would not).
            try connection.execute(writing ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        } catch let error as PostgreSQLError { throw Self.translate(error) }
        let connection = self.connection
        let lock: ((Int64) throws -> Void)? = writing ? { practice in
            try connection.run("SELECT pg_advisory_xact_lock(?)", [.int(Self.lockSpace | practice)])
        } : nil
        do {
            let result = try body(SQLTransaction(db: connection, touch: lock, deletes: deletes, readsAroundHeldRows: readsAroundHeldRows))
            if writing && !commit { try connection.flushAll() }   // a dry run checks every row too
            try connection.execute(writing && commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            if let error = error as? PostgreSQLError { throw Self.translate(error) }
            throw error
        }
    }

    /// The names of the migrations recorded in the database.
    public func appliedMigrations() throws -> [String] {
        try connection.rows("SELECT name FROM schema_migrations ORDER BY name") { $0.string(0) }
    }
}
