import Foundation

/// The store interface in SQL that both engines run (issue 9): places, history, the
/// outbox, and the transactions of import, merge and copy (`SQLTransaction`). An engine's
/// subclass opens the connection, migrates it, and runs a transaction: SQLite's
/// `BEGIN IMMEDIATE`, PostgreSQL's `BEGIN` plus a lock per practice. Nothing above the
/// `ContactStore` interface knows which engine it talks to.
public class SQLStore: ContactStore {
    let executor: any SQLExecutor
    public let idCodec: ContactIDCodec
    /// None for a server's database; SQLite's store names its file.
    public var databaseFiles: [String] { [] }
    /// Whether a contact's memberships are read and changed without writing the held rows
    /// of other contacts first (`SQLTransaction.onMemberships`); off only in the test that
    /// proves it changes nothing.
    var readsAroundHeldRows = true

    init(executor: any SQLExecutor) throws {
        self.executor = executor
        let key = try executor.first("SELECT value FROM meta WHERE key = 'contact_id_key'", []) { $0.string(0) }
        idCodec = ContactIDCodec(key: UInt64(key ?? "0") ?? 0)
    }

    /// Runs `body` in one transaction of the engine: a write transaction (committed when
    /// `commit`, else rolled back) or a read-only one. Subclasses implement it.
    /// `deletes` false: the body writes no DELETE (see `write(commit:deletes:_:)`).
    func transaction<T>(writing: Bool, commit: Bool, deletes: Bool = true, _ body: (SQLTransaction) throws -> T) throws -> T {
        preconditionFailure("SQLStore.transaction is implemented by each engine's store")
    }

    public func write<T>(commit: Bool, _ body: (any ContactTransaction) throws -> T) throws -> T {
        try transaction(writing: true, commit: commit) { try body($0) }
    }

    public func write<T>(commit: Bool, deletes: Bool, _ body: (any ContactTransaction) throws -> T) throws -> T {
        try transaction(writing: true, commit: commit, deletes: deletes) { try body($0) }
    }

    public func read<T>(_ body: (any ContactTransaction) throws -> T) throws -> T {
        try transaction(writing: false, commit: false) { try body($0) }
    }

    @discardableResult
    private func writeSimple<T>(_ body: () throws -> T) throws -> T {
        try transaction(writing: true, commit: true) { _ in try body() }
    }

    private var db: any SQLExecutor { executor }

    /// A UNIQUE constraint refused the row: on PostgreSQL, another process inserted the same
    /// name between our check and our insert (SQLite's write lock rules that out).
    static func isUniqueViolation(_ error: Error) -> Bool {
        if let error = error as? PostgreSQLError { return error.sqlState == "23505" }
        if let error = error as? SQLiteError { return error.code == 2067 || error.code == 1555 }   // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
        return false
    }

    // MARK: places

    private func readPractice(_ row: any SQLRow) -> Practice {
        Practice(id: row.int(0), name: row.string(1), ownerFullName: row.text(2), phone: row.text(3),
                 address: row.text(4), email: row.text(5), preferencesURL: row.text(6))
    }
    private static let practiceColumns = "id, name, owner_full_name, phone, address, email, preferences_url"

    public func addPractice(name: String, details: PracticeDetails, at: String) throws -> Practice {
        let name = Text.trim(name)
        guard !name.isEmpty else { throw StoreError.emptyName("practice") }
        if let problem = PlaceName.problem(name) { throw StoreError.invalidName(what: "practice", problem: problem) }
        try details.validate()
        return try writeSimple {
            // Names are unique ignoring case: the error names the practice as stored.
            if let stored = try db.first("SELECT name FROM practice WHERE name_key = ?", [.text(Text.identityKey(name))], { $0.string(0) }) {
                throw StoreError.practiceExists(stored)
            }
            do {
                try db.run("""
                    INSERT INTO practice (name, name_key, owner_full_name, phone, address, email, preferences_url, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(name), .text(Text.identityKey(name)), SQLValue(details.ownerFullName), SQLValue(details.phone),
                          SQLValue(details.address), SQLValue(details.email), SQLValue(details.preferencesURL), .text(at)])
            } catch where Self.isUniqueViolation(error) {
                throw StoreError.practiceExists(name)   // added by another process a moment ago
            }
            return try practice(named: name)
        }
    }

    public func updatePractice(name: String, details: PracticeDetails) throws -> Practice {
        try details.validate()
        return try writeSimple {
            let current = try practice(named: name)
            // A value the welcome email is written with cannot be emptied while emails wait:
            // they are rendered when sent, and would go out with a blank line (SPEC 7 fails
            // an import for such a practice before it queues any).
            let emptied = [("--owner", details.ownerFullName), ("--phone", details.phone), ("--address", details.address)]
                .filter { $0.1.map { Text.trim($0).isEmpty } ?? false }
            if let (option, _) = emptied.first {
                let waiting = try db.first(Self.waitingWelcomesSQL, [.int(current.id)]) { $0.int(0) } ?? 0
                if waiting > 0 {
                    let emails = ReadoutText.count(Int(waiting), "waiting welcome email")
                    throw StoreError.invalidPracticeSetting(option: option, value: "", problem: "would empty a value that \(emails) \(waiting == 1 ? "is" : "are") written with: give the new value instead (`roster outbox` lists the queue)")
                }
            }
            // Only the columns given: two `practice set`s at once must not undo each other.
            let given: [(String, String?)] = [("owner_full_name", details.ownerFullName), ("phone", details.phone),
                                              ("address", details.address), ("email", details.email),
                                              ("preferences_url", details.preferencesURL)]
                .compactMap { column, value in value.map { (column, $0.isEmpty ? nil : $0) } }
            if !given.isEmpty {
                try db.run("UPDATE practice SET " + given.map { "\($0.0) = ?" }.joined(separator: ", ") + " WHERE id = ?",
                           given.map { SQLValue($0.1) } + [.int(current.id)])
            }
            return try practice(named: name)
        }
    }

    static let waitingWelcomesSQL = """
        SELECT count(*) FROM outbox o JOIN contact c ON c.id = o.contact_id
        WHERE c.practice_id = ? AND o.sent_at IS NULL AND o.drop_reason IS NULL
        """

    public func practices() throws -> [Practice] {
        try db.rows("SELECT \(Self.practiceColumns) FROM practice ORDER BY name_key", [], readPractice)
    }

    public func practice(named name: String) throws -> Practice {
        let key = Text.identityKey(Text.trim(name))
        if let found = try db.first("SELECT \(Self.practiceColumns) FROM practice WHERE name_key = ?", [.text(key)], readPractice) {
            return found
        }
        let known = try practices().map(\.name)
        if known.isEmpty { throw StoreError.noPractices }
        throw StoreError.unknownPractice(Text.trim(name), known: known)
    }

    public func addLocation(name: String, practice practiceName: String, at: String) throws -> Location {
        let name = Text.trim(name)
        guard !name.isEmpty else { throw StoreError.emptyName("location") }
        if let problem = PlaceName.problem(name) { throw StoreError.invalidName(what: "location", problem: problem) }
        return try writeSimple {
            let owner = try practice(named: practiceName)
            // Named as it is stored ("Nashua" for `NASHUA`): names differ only in case.
            if let existing = try db.first("SELECT name FROM location WHERE practice_id = ? AND name_key = ?",
                                           [.int(owner.id), .text(Text.identityKey(name))], { $0.string(0) }) {
                throw StoreError.locationExists(existing, practice: owner.name)
            }
            let id: Int64
            do {
                id = try db.insert("INSERT INTO location (practice_id, name, name_key, created_at) VALUES (?, ?, ?, ?)",
                                   [.int(owner.id), .text(name), .text(Text.identityKey(name)), .text(at)])
            } catch where Self.isUniqueViolation(error) {
                throw StoreError.locationExists(name, practice: owner.name)   // added by another process a moment ago
            }
            return Location(id: id, practiceID: owner.id, practiceName: owner.name, name: name)
        }
    }

    private static let locationQuery = """
        SELECT l.id, l.practice_id, p.name, l.name FROM location l JOIN practice p ON p.id = l.practice_id
        """
    private func readLocation(_ row: any SQLRow) -> Location {
        Location(id: row.int(0), practiceID: row.int(1), practiceName: row.string(2), name: row.string(3))
    }

    public func locations(practice practiceName: String?) throws -> [Location] {
        if let practiceName {
            let owner = try practice(named: practiceName)
            return try db.rows(Self.locationQuery + " WHERE l.practice_id = ? ORDER BY l.name_key", [.int(owner.id)], readLocation)
        }
        return try db.rows(Self.locationQuery + " ORDER BY p.name_key, l.name_key", [], readLocation)
    }

    public func location(named name: String, practice practiceName: String?) throws -> Location {
        let key = Text.identityKey(Text.trim(name))
        if let practiceName {
            let owner = try practice(named: practiceName)
            if let found = try db.first(Self.locationQuery + " WHERE l.practice_id = ? AND l.name_key = ?",
                                        [.int(owner.id), .text(key)], readLocation) {
                return found
            }
            throw StoreError.unknownLocation(Text.trim(name), known: try locations(practice: owner.name).map(\.name), practice: owner.name)
        }
        let matches = try db.rows(Self.locationQuery + " WHERE l.name_key = ? ORDER BY p.name_key", [.text(key)], readLocation)
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 { throw StoreError.practiceRequired(location: Text.trim(name), practices: matches.map(\.practiceName)) }
        let all = try locations(practice: nil)
        let names = all.map { loc in all.filter { Text.identityKey($0.name) == Text.identityKey(loc.name) }.count > 1
            ? "\(loc.name) (\(loc.practiceName))" : loc.name }
        throw StoreError.unknownLocation(Text.trim(name), known: names)
    }

    // MARK: history and outbox

    public func history(practice practiceName: String?, location locationName: String?) throws -> [OperationRecord] {
        var sql = """
            SELECT o.id, o.kind, o.file_name, o.sha256, p.name, l.name, o.consent, o.at,
                   o.rows, o.created, o.updated, o.copied, o.unchanged, o.skipped, o.failed, o.undone_by, f.name
            FROM operation o JOIN practice p ON p.id = o.practice_id LEFT JOIN location l ON l.id = o.location_id
                 LEFT JOIN location f ON f.id = o.from_location_id
            """
        var args: [SQLValue] = []
        if let locationName {
            let loc = try location(named: locationName, practice: practiceName)
            sql += " WHERE o.location_id = ? OR o.from_location_id = ?"
            args += [.int(loc.id), .int(loc.id)]
        } else if let practiceName {
            sql += " WHERE o.practice_id = ?"
            args.append(.int(try practice(named: practiceName).id))
        }
        sql += " ORDER BY o.id"
        return try db.rows(sql, args) { r in
            OperationRecord(id: r.int(0), kind: r.string(1), file: r.text(2), sha256: r.text(3), practice: r.string(4),
                            location: r.text(5), from: r.text(16), consent: r.text(6), at: r.string(7), rows: Int(r.int(8)),
                            created: Int(r.int(9)), updated: Int(r.int(10)), copied: Int(r.int(11)),
                            unchanged: Int(r.int(12)), skipped: Int(r.int(13)), failed: Int(r.int(14)),
                            undoneBy: r.isNull(15) ? nil : r.int(15))
        }
    }

    public func outbox() throws -> [OutboxEntry] {
        try db.rows("""
            SELECT o.id, o.contact_id, o.to_address, c.first_name, o.queued_at, o.sent_at, o.drop_reason, o.attempts, o.last_error,
                   p.id, p.name, p.owner_full_name, p.phone, p.address, p.email, p.preferences_url, c.email,
                   CASE WHEN EXISTS (SELECT 1 FROM membership m WHERE m.contact_id = c.id AND m.email_status = 'opted-out')
                        THEN 1 ELSE 0 END,
                   CASE WHEN EXISTS (SELECT 1 FROM membership m WHERE m.contact_id = c.id AND m.email_status = 'subscribed')
                        THEN 1 ELSE 0 END
            FROM outbox o JOIN contact c ON c.id = o.contact_id JOIN practice p ON p.id = c.practice_id
            ORDER BY o.id
            """) { r in
            OutboxEntry(id: r.int(0), contactNumber: r.int(1), to: r.string(2), firstName: r.string(3),
                        practice: Practice(id: r.int(9), name: r.string(10), ownerFullName: r.text(11), phone: r.text(12),
                                           address: r.text(13), email: r.text(14), preferencesURL: r.text(15)),
                        queuedAt: r.string(4), sentAt: r.text(5), dropReason: r.text(6), attempts: Int(r.int(7)), lastError: r.text(8),
                        currentEmail: r.text(16), optedOutOfEmail: r.int(17) != 0, subscribedToEmail: r.int(18) != 0)
        }
    }

    public func recordDelivery(id: Int64, outcome: DeliveryOutcome, at: String) throws {
        try writeSimple {
            switch outcome {
            case .sent(let messageID):
                try db.run("""
                    UPDATE outbox SET sent_at = ?, attempts = attempts + 1, message_id = ?, last_error = NULL
                    WHERE id = ? AND sent_at IS NULL
                    """, [.text(at), .text(messageID), .int(id)])
            case .failed(let messageID, let error):
                try db.run("UPDATE outbox SET attempts = attempts + 1, message_id = ?, last_error = ? WHERE id = ?",
                           [.text(messageID), .text(error), .int(id)])
            case .dropped(let reason):
                try db.run("UPDATE outbox SET drop_reason = ?, dropped_at = ? WHERE id = ? AND sent_at IS NULL",
                           [.text(reason), .text(at), .int(id)])
            }
        }
    }

    @discardableResult public func markSent(ids: [Int64], at: String) throws -> Int {
        try writeSimple {
            try ids.reduce(0) { marked, id in
                marked + (try db.run("UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL AND drop_reason IS NULL",
                                     [.text(at), .int(id)]))
            }
        }
    }

    /// Every row of a query as text, for tests and diagnostics that compare whole tables.
    func dump(_ sql: String, columns: Int) throws -> [[String?]] {
        try db.rows(sql, []) { row in (0..<columns).map { row.text(Int32($0)) } }
    }
}
