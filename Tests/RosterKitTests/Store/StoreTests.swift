import CSQLite
import Foundation
import Testing
@testable import RosterKit

@Suite struct StoreTests {
    @Test(arguments: ["sqlite", "postgresql"])
    func embeddedMigrationsMatchSchemaFolder(engine: String) throws {
        let migrations = engine == "sqlite" ? embeddedMigrations : embeddedPostgreSQLMigrations
        let folder = packageRoot.appendingPathComponent("Schema").appendingPathComponent(engine)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == migrations.map(\.name), "run Scripts/embed-schema")
        for migration in migrations {
            let text = try String(contentsOf: folder.appendingPathComponent(migration.name), encoding: .utf8)
            #expect(text.trimmingCharacters(in: .newlines) == migration.sql, "\(migration.name) differs: run Scripts/embed-schema")
        }
    }

    /// The two engines' migrations keep the same numbering (issue 9).
    @Test func bothEnginesHaveTheSameMigrations() {
        #expect(embeddedMigrations.map(\.name) == embeddedPostgreSQLMigrations.map(\.name))
    }

    @Test func openingMigratesOnceAndRecordsTheVersion() throws {
        let scratch = Scratch()
        let path = scratch.path("db.sqlite")
        let first = try SQLiteStore(path: path)
        #expect(try first.appliedMigrations() == embeddedMigrations.map(\.name))
        let second = try SQLiteStore(path: path)
        #expect(try second.appliedMigrations() == embeddedMigrations.map(\.name))
        #expect(try second.integrityCheck() == "ok")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    /// Schemas 011 and 013 on a database that an undo had shrunk before them: the next
    /// welcome email and status change are numbered above any number handed out before
    /// (an outbox number never passes the contacts ever numbered; a status change never
    /// passes the operations' marks), not above the highest left.
    @Test func numbersAnUndoFreedBeforeTheUpgradeAreNotHandedOutAgain() throws {
        let scratch = Scratch()
        let path = scratch.path("old.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            try Migrator.migrate(db, migrations: Array(embeddedMigrations.prefix(10)))
            try db.execute("""
                INSERT INTO practice (id, name, name_key, created_at) VALUES (1, 'Old PT', 'old pt', 't');
                INSERT INTO location (id, practice_id, name, name_key, created_at) VALUES (1, 1, 'Main', 'main', 't');
                INSERT INTO contact (id, practice_id, first_name, email, email_key, first_key, last_key, created_at, updated_at)
                    VALUES (1, 1, 'Ann', 'ann@example.com', 'ann@example.com', 'ann', '', 't', 't');
                INSERT INTO sqlite_sequence (name, seq) SELECT 'contact', 50 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contact');
                UPDATE sqlite_sequence SET seq = 50 WHERE name = 'contact';
                INSERT INTO operation (id, kind, practice_id, location_id, at, status_start, status_mark) VALUES (7, 'import', 1, 1, 't', 30, 40);
                INSERT INTO outbox (id, contact_id, to_address, queued_at) VALUES (3, 1, 'ann@example.com', 't');
                INSERT INTO status_change (id, contact_id, location_id, channel, to_status, reason, at) VALUES (12, 1, 1, 'text', 'subscribed', 'r', 't');
                """)
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations() == embeddedMigrations.map(\.name))
        #expect(try store.integrityCheck() == "ok")
        try store.write(commit: true) { tx in
            let db = try #require(tx as? SQLTransaction).db
            let outbox = try db.insert("INSERT INTO outbox (contact_id, to_address, queued_at) VALUES (1, 'ann@example.com', 't')", [])
            let status = try db.insert("INSERT INTO status_change (contact_id, location_id, channel, to_status, reason, at) VALUES (1, 1, 'email', 'subscribed', 'r', 't')", [])
            #expect(outbox > 50 && status > 40, "outbox #\(outbox), status change #\(status)")
        }
        #expect(try store.outbox().map(\.id).contains(3))
    }

    /// Schema 014: keys stored before it, of names and emails in decomposed form or with a
    /// curly apostrophe, are worked out again, so the same person in composed form is found.
    @Test func keysStoredBeforeSchema14AreWorkedOutAgain() throws {
        let scratch = Scratch()
        let path = scratch.path("old.sqlite")
        let old = embeddedMigrations.firstIndex { $0.name.hasPrefix("014") } ?? embeddedMigrations.count
        do {
            let db = try SQLiteConnection(path: path)
            try Migrator.migrate(db, migrations: Array(embeddedMigrations.prefix(old)))
            try db.execute("""
                INSERT INTO practice (id, name, name_key, created_at) VALUES (1, 'Old PT', 'old pt', 't');
                INSERT INTO location (id, practice_id, name, name_key, created_at) VALUES (1, 1, 'Main', 'main', 't');
                """)
            try db.run("INSERT INTO location (id, practice_id, name, name_key, created_at) VALUES (2, 1, ?, ?, 't')",
                       [.text("Hude\u{301}"), .text("hude\u{301}")])
            for (id, first, last, email) in [(1, "Jose\u{301}", "D\u{2019}Souza", "rene\u{301}@example.com"), (2, "Ann", "Lee", "ann@example.com"),
                                             (3, "Rene\u{301}e", "Roy", "o\u{2BC}brien@example.com")] {
                try db.run("""
                    INSERT INTO contact (id, practice_id, first_name, last_name, email, email_key, first_key, last_key, created_at, updated_at)
                    VALUES (?, 1, ?, ?, ?, ?, ?, ?, 't', 't')
                    """, [.int(Int64(id)), .text(first), .text(last), .text(email), .text(email.lowercased()), .text(first.lowercased()), .text(last.lowercased())])
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations() == embeddedMigrations.map(\.name))
        // As bytes: Swift's `==` holds é and e + ◌́ equal, and would pass keys left decomposed.
        let keys = try store.dump("SELECT id, email_key, first_key, last_key FROM contact ORDER BY id", columns: 4)
            .map { $0.map { Array(($0 ?? "").utf8) } }
        let expected = [["1", "ren\u{E9}@example.com", "jos\u{E9}", "d'souza"], ["2", "ann@example.com", "ann", "lee"],
                        ["3", "o\u{2BC}brien@example.com", "ren\u{E9}e", "roy"]].map { $0.map { Array($0.utf8) } }
        #expect(keys == expected)
        // A place typed composed finds the one stored decomposed.
        #expect(try store.location(named: "Hud\u{E9}", practice: nil).id == 2)
    }

    /// A new database has 16 KiB pages; one made with 4 KiB pages keeps them, and works.
    @Test func newDatabasesHaveSixteenKiBPagesAndOldOnesKeepTheirs() throws {
        let scratch = Scratch()
        func pageSize(_ path: String) throws -> Int64? {
            try SQLiteConnection(path: path).first("PRAGMA page_size") { $0.int(0) }
        }
        let new = scratch.path("new.sqlite")
        _ = try SQLiteStore(path: new)
        #expect(try pageSize(new) == 16384)

        let old = scratch.path("old.sqlite")
        do {
            let db = try SQLiteConnection(path: old)
            try db.execute("PRAGMA page_size = 4096")
            try Migrator.migrate(db)
            try db.execute("PRAGMA journal_mode = WAL")
        }
        #expect(try pageSize(old) == 4096)
        let store = try SQLiteStore(path: old)
        _ = try store.addPractice(name: "Old PT", details: PracticeDetails(), at: "2026-11-25T12:00:00Z")
        _ = try store.addLocation(name: "Main", practice: "Old PT", at: "2026-11-25T12:00:00Z")
        let rows = (1...2000).map { "Ann\(Text.lowercased(String($0, radix: 26)).filter(\.isLetter)),Lee,ann\($0)@example.com" }
        let csv = scratch.file("old.csv", "First Name,Last Name,Email\n" + rows.joined(separator: "\n") + "\n")
        let readout = try Importer(store: store, clock: fixedClock).run(ImportRequest(path: csv, location: "Main", consent: Consent(parsing: "text")!))
        #expect(readout.created == 2000)
        #expect(try pageSize(old) == 4096)
        #expect(try store.integrityCheck() == "ok")
        #expect(try SQLiteConnection(path: old).first("SELECT count(*) FROM contact") { $0.int(0) } == 2000)
    }

    @Test func aDatabaseOfTheFirstSchemaOpensAndKeepsItsContacts() throws {
        // Build a database with only Schema/001, as the first release made it.
        let scratch = Scratch()
        let path = scratch.path("old.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            try Migrator.migrate(db, migrations: Array(embeddedMigrations.prefix(1)))
            try db.execute("""
                INSERT INTO practice (name, name_key, created_at) VALUES ('Old PT', 'old pt', 'x');
                INSERT INTO location (practice_id, name, name_key, created_at) VALUES (1, 'Main', 'main', 'x');
                INSERT INTO contact (practice_id, first_name, email, first_key, last_key, email_key, created_at, updated_at)
                VALUES (1, 'Ann', 'ann@example.com', 'ann', '', 'ann@example.com', 'x', 'x');
                """)
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations() == embeddedMigrations.map(\.name))
        let found = try Contacts(store: store).find("ann")
        #expect(found.map { $0.values[.firstName] } == ["Ann"])
    }

    /// Schema 004 rebuilds membership and status_change (plain CHECKs): every row, every
    /// column and every index survives, and the CHECKs still refuse what they refused.
    @Test func schema004KeepsMembershipsAndHistoryAndStillChecksStatuses() throws {
        let scratch = Scratch()
        let path = scratch.path("v3.sqlite")
        let columns = "contact_id, location_id, text_status, email_status, added_at, added_operation"
        let history = "id, contact_id, location_id, channel, from_status, to_status, reason, operation_id, at"
        var before: (memberships: [String], history: [String]) = ([], [])
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("PRAGMA foreign_keys = ON")
            try Migrator.migrate(db, migrations: Array(embeddedMigrations.prefix(3)))
            try db.execute("""
                INSERT INTO practice (name, name_key, created_at) VALUES ('Old PT', 'old pt', 'x');
                INSERT INTO location (practice_id, name, name_key, created_at) VALUES (1, 'Main', 'main', 'x'), (1, 'East', 'east', 'x');
                INSERT INTO operation (kind, practice_id, location_id, at) VALUES ('import', 1, 1, 'x');
                INSERT INTO contact (practice_id, first_name, first_key, last_key, created_at, updated_at, created_operation)
                VALUES (1, 'Ann', 'ann', '', 'x', 'x', 1), (1, 'Bo', 'bo', '', 'x', 'x', NULL);
                INSERT INTO membership (\(columns)) VALUES (1, 1, 'subscribed', 'opted-out', 't1', 1), (1, 2, 'unsubscribed', 'subscribed', 't2', NULL),
                    (2, 2, 'opted-out', 'unsubscribed', 't3', NULL);
                INSERT INTO status_change (\(history)) VALUES (7, 1, 1, 'text', NULL, 'subscribed', 'import', 1, 't1'),
                    (9, 1, 2, 'email', 'unsubscribed', 'subscribed', 'by hand', NULL, 't2');
                """)
            before.memberships = try db.rows("SELECT \(columns) FROM membership ORDER BY 1, 2") { r in (0..<6).map { r.text(Int32($0)) ?? "∅" }.joined(separator: "|") }
            before.history = try db.rows("SELECT \(history) FROM status_change ORDER BY id") { r in (0..<9).map { r.text(Int32($0)) ?? "∅" }.joined(separator: "|") }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().contains("004_plain_checks.sql"))
        #expect(try store.integrityCheck() == "ok")
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA foreign_keys = ON")
        #expect(try db.rows("SELECT \(columns) FROM membership ORDER BY 1, 2") { r in (0..<6).map { r.text(Int32($0)) ?? "∅" }.joined(separator: "|") } == before.memberships)
        #expect(try db.rows("SELECT \(history) FROM status_change ORDER BY id") { r in (0..<9).map { r.text(Int32($0)) ?? "∅" }.joined(separator: "|") } == before.history)
        let indexes = try db.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('membership', 'status_change') AND sql IS NOT NULL ORDER BY name") { $0.string(0) }
        // (007 drops status_change_operation: undo reads ranges of ids instead.)
        #expect(indexes == ["membership_added_operation", "membership_location", "status_change_contact"])
        #expect(try db.rows("PRAGMA foreign_key_check") { $0.string(0) } == [])
        // The CHECKs allow exactly the statuses and channels they allowed.
        for bad in ["INSERT INTO membership (\(columns)) VALUES (2, 1, 'Subscribed', 'unsubscribed', 'x', NULL)",
                    "INSERT INTO membership (\(columns)) VALUES (2, 1, 'subscribed', '', 'x', NULL)",
                    "INSERT INTO status_change (contact_id, location_id, channel, to_status, reason, at) VALUES (1, 1, 'sms', 'subscribed', 'x', 'x')"] {
            #expect(throws: SQLiteError.self) { try db.execute(bad) }
        }
        try db.execute("INSERT INTO membership (\(columns)) VALUES (2, 1, 'opted-out', 'subscribed', 'x', NULL)")
        try db.execute("INSERT INTO status_change (contact_id, location_id, channel, to_status, reason, at) VALUES (1, 1, 'email', 'opted-out', 'x', 'x')")
        // Removing a contact still removes its memberships and history.
        try db.execute("DELETE FROM contact WHERE id = 1")
        #expect(try db.rows("SELECT count(*) FROM membership WHERE contact_id = 1") { $0.int(0) } == [0])
        #expect(try db.rows("SELECT count(*) FROM status_change WHERE contact_id = 1") { $0.int(0) } == [0])
    }

    /// Text is bound from the string's own bytes: empty stays empty (not NULL), every
    /// character survives whatever the string's storage (native, bridged, a substring's
    /// copy), and a statement run with fewer values leaves no value of an earlier run bound.
    @Test func boundTextIsExactlyTheStringAndNothingStaleStaysBound() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE TABLE t (a TEXT, b TEXT)")
        let bridged = NSString(string: "Zoë Ünal-Smith ☃ 𝄞") as String
        let samples = ["", "plain", "Renée O\u{2019}Brien", bridged, String("xx🙂yy".dropFirst(2)), String(repeating: "é", count: 5000)]
        for sample in samples {
            try db.execute("DELETE FROM t")
            _ = try db.run("INSERT INTO t (a, b) VALUES (?, ?)", [.text(sample), .text("second")])
            _ = try db.run("INSERT INTO t (a, b) VALUES (?, ?)", [.text(sample)])
            let rows = try db.rows("SELECT a, b, a IS NULL, length(CAST(a AS BLOB)) FROM t ORDER BY rowid") {
                [$0.text(0) ?? "NULL", $0.text(1) ?? "NULL", String($0.int(2)), String($0.int(3))]
            }
            let bytes = String(sample.utf8.count)
            #expect(rows == [[sample, "second", "0", bytes], [sample, "NULL", "0", bytes]])
        }
    }

    /// Appended rows are held and written many per INSERT, yet every statement of the
    /// transaction sees them, in the order appended; a rollback drops them, and a held row
    /// that breaks a constraint fails the commit (never a silent loss).
    @Test func heldRowsAreSeenInOrderDroppedOnRollbackAndCheckedOnCommit() throws {
        let scratch = Scratch()
        let path = scratch.path("held.sqlite")
        _ = try SQLiteStore(path: path)
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA foreign_keys = ON")
        try db.execute("""
            INSERT INTO practice (name, name_key, created_at) VALUES ('P', 'p', 'x');
            INSERT INTO location (practice_id, name, name_key, created_at) VALUES (1, 'L', 'l', 'x');
            INSERT INTO operation (kind, practice_id, at) VALUES ('import', 1, 'x');
            """)
        let rows = 2 * SQLiteConnection.rowsPerInsert + 3
        func appendHistory(contacts: ClosedRange<Int64>) throws {
            for contact in contacts {
                try db.append(.statusChange, [.int(contact), .int(1), .text("text"), .null, .text("subscribed"), .text("r\(contact)"), .int(1), .text("x")])
            }
        }
        func count(_ table: String) throws -> Int64 { try db.first("SELECT count(*) FROM \(table)", []) { $0.int(0) } ?? -1 }

        try db.execute("BEGIN IMMEDIATE")
        for n in 1...Int64(rows) {
            _ = try db.insert("INSERT INTO contact (practice_id, first_name, first_key, last_key, created_at, updated_at) VALUES (1, 'A', 'a', '', 'x', 'x')", [])
            try db.append(.membership, [.int(n), .int(1), .text("subscribed"), .text("unsubscribed"), .text("x"), .int(1)])
        }
        try appendHistory(contacts: 1...Int64(rows))
        #expect(try count("membership") == Int64(rows))
        #expect(try count("status_change") == Int64(rows))
        #expect(try db.rows("SELECT contact_id, reason FROM status_change ORDER BY id", []) { "\($0.int(0)):\($0.string(1))" }
                == (1...rows).map { "\($0):r\($0)" })
        try appendHistory(contacts: 1...2)
        try db.execute("ROLLBACK")
        #expect(try count("status_change") == 0 && count("contact") == 0)

        // A held row whose contact does not exist: the commit fails, nothing is written.
        try db.execute("BEGIN IMMEDIATE")
        try db.append(.outbox, [.int(999), .int(1), .text("a@example.com"), .text("x")])
        #expect(throws: SQLiteError.self) { try db.execute("COMMIT") }
        try db.execute("ROLLBACK")
        #expect(try count("outbox") == 0)
    }

    /// What a statement needs written first: the bulk tables it names and the contacts
    /// their rows refer to; everything for what may delete or end the transaction.
    @Test func tablesNeededBeforeAStatement() {
        func needs(_ sql: String) -> [BulkTable] { BulkTable.allCases.filter { BulkTable.tablesNeeded(before: sql) & $0.bit != 0 } }
        #expect(needs("SELECT m.location_id FROM membership m JOIN location l ON l.id = m.location_id WHERE m.contact_id = ?") == [.contact, .membership])
        #expect(needs("UPDATE contact SET notes = ? WHERE id = ?") == [.contact])
        #expect(needs("INSERT INTO operation (kind) VALUES (?)") == [])
        #expect(needs("  SELECT coalesce(max(id), 0) FROM status_change") == [.contact, .statusChange])
        #expect(needs("DELETE FROM contact WHERE id = ?") == BulkTable.allCases)
        #expect(needs("COMMIT") == BulkTable.allCases)
        #expect(needs("SELECT 1 FROM outbox o JOIN contact_revision r ON r.contact_id = o.contact_id") == [.contact, .contactRevision, .outbox])
    }

    /// The byte scan against the rule it replaced (every word of the SQL, lower-cased, as
    /// Characters): the same tables for ASCII SQL, never fewer for any other.
    @Test func tablesNeededAgreesWithTheWordRule() {
        func wordRule(_ sql: String) -> UInt8 {
            let verb = sql.drop(while: { $0 == " " || $0 == "\n" }).prefix(6).uppercased()
            guard verb == "SELECT" || verb == "UPDATE" || verb == "INSERT" else { return BulkTable.everyTable }
            let words = Set(sql.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
            return BulkTable.allCases.filter { words.contains($0.name) }.reduce(0) { $0 | $1.withReferences }
        }
        let pieces = ["SELECT", "select", "Update", "INSERT", "DELETE", "with", " ", "\n", "\t", ",", "(", ")", "?", "?12", "=", ".",
                      "contact", "CONTACT", "contacts", "contact_revision", "Contact_Revision", "membership", "membership2",
                      "status_change", "status", "change", "outbox", "_outbox", "location", "c", "id", "x_contact", "'",
                      "é", "contact\u{301}", "ſelect", "—", "1"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...12, using: &generator)
            let sql = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let (fast, full) = (BulkTable.tablesNeeded(before: sql), wordRule(sql))
            if sql.allSatisfy(\.isASCII) {
                #expect(fast == full, "\(sql.debugDescription)")
            } else {
                #expect(fast & full == full, "fewer tables for \(sql.debugDescription)")
            }
        }
        let batchRead = "SELECT id FROM contact WHERE id IN (" + Array(repeating: "?", count: 256).joined(separator: ", ") + ")"
        #expect(BulkTable.tablesNeeded(before: batchRead) == wordRule(batchRead))
    }

    /// A status read from a row's bytes: its name exactly (up to a NUL), anything else
    /// unsubscribed, the safe reading.
    @Test func statusesReadFromBytes() {
        func read(_ bytes: [UInt8]?) -> Status {
            guard let bytes else { return SQLTransaction.status(nil) }
            return bytes.withUnsafeBufferPointer { SQLTransaction.status($0) }
        }
        for status in Status.allCases {
            let name = Array(status.rawValue.utf8)
            #expect(read(name) == status)
            #expect(read(name + [0, 65]) == status)
            #expect(read(Array(name.dropLast())) == .unsubscribed)
            #expect(read(name + [32]) == .unsubscribed)
            #expect(read(Array(status.rawValue.uppercased().utf8)) == (status.rawValue == status.rawValue.uppercased() ? status : .unsubscribed))
        }
        #expect(read(nil) == .unsubscribed)
        #expect(read([]) == .unsubscribed)
        #expect(read([0]) == .unsubscribed)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let scratch = Scratch()
        let path = scratch.path("new.sqlite")
        _ = try SQLiteStore(path: path)
        let db = try SQLiteConnection(path: path)
        try db.execute("INSERT INTO schema_migrations VALUES ('999_future.sql', 'x')")
        #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
    }

    @Test func notADatabaseIsAClearError() throws {
        let scratch = Scratch()
        let path = scratch.file("text.sqlite", String(repeating: "this is not sqlite\n", count: 100))
        #expect(throws: StoreError.unsupportedDatabase("the file is not a roster database (not SQLite): check --db or ROSTER_DB")) {
            try SQLiteStore(path: path)
        }
    }

    @Test func contactIDsAreOpaqueNeverReusedAndCheckTypos() throws {
        let codec = ContactIDCodec(key: 12345)
        var seen = Set<String>()
        for n in Int64(1)...5000 {
            let id = codec.encode(n)
            #expect(id.count == 10 && id.hasPrefix("C"))
            #expect(codec.decode(id) == n)
            #expect(codec.decode(id.lowercased()) == n)
            seen.insert(id)
        }
        #expect(seen.count == 5000)
        // Consecutive numbers do not give neighbouring IDs.
        #expect(codec.encode(1).prefix(4) != codec.encode(2).prefix(4))
        // Every single-character typo is caught by the check symbol.
        let id = Array(codec.encode(42))
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for position in 1..<id.count {
            for c in alphabet where c != id[position] {
                var typo = id
                typo[position] = c
                #expect(codec.decode(String(typo)) == nil, "\(String(typo)) decoded")
            }
        }
        #expect(codec.decode("") == nil)
        #expect(codec.decode("C0000000000") == nil)
        #expect(codec.decode("not an id") == nil)
        #expect(ContactIDCodec(key: 1).encode(42) != ContactIDCodec(key: 2).encode(42))
    }

    /// An ID read from a cell, against what it spells: upper-cased, dashes and spaces
    /// dropped, O as 0 and I or L as 1, it is the ID of the number decoded, or nothing
    /// decodes. The ASCII path and the full (Unicode upper-casing) path agree on ASCII.
    @Test func contactIDsDecodeToWhatTheySpell() {
        let codec = ContactIDCodec(key: 987)
        func spelled(_ text: String) -> String {
            String(text.uppercased().filter { $0 != "-" && $0 != " " }.map { c -> Character in
                c == "O" ? "0" : (c == "I" || c == "L") ? "1" : c
            })
        }
        var generator = SystemRandomNumberGenerator()
        let edits: [Character] = ["-", " ", "o", "O", "0", "i", "I", "l", "L", "1", "c", "C", "x", "U", "u", "é", "ı"]
        for _ in 0..<20_000 {
            let n = Int64.random(in: 1...ContactIDCodec.maxNumber, using: &generator)
            var id = Array(codec.encode(n))
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                let at = Int.random(in: 0...id.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: id.insert(edits.randomElement(using: &generator)!, at: at)
                case 1 where at < id.count: id[at] = edits.randomElement(using: &generator)!
                case 2 where at < id.count: id[at] = Character(id[at].lowercased())
                case 3 where at < id.count: id.remove(at: at)
                default: break
                }
            }
            let text = String(id)
            let decoded = codec.decode(text)
            if text.allSatisfy(\.isASCII) {
                #expect(decoded == codec.decodeUppercasingFully(text), "\(text)")
                if spelled(text) == codec.encode(n) { #expect(decoded == n, "\(text)") }
                if let decoded { #expect(codec.encode(decoded) == spelled(text), "\(text) read as \(decoded)") }
            } else {
                #expect(decoded == codec.decodeUppercasingFully(text), "\(text)")
            }
        }
        // Capitals that are ASCII only once upper-cased, read as before.
        let n = (Int64(4242)...).first { codec.encode($0).dropFirst().contains("1") }!
        let id = codec.encode(n)
        #expect(codec.decode("C" + id.dropFirst().replacingOccurrences(of: "1", with: "ı")) == n)
        #expect(codec.decode("ſ" + id) == nil)
    }

    @Test func deletedContactNumbersAreNeverHandedOutAgain() throws {
        let f = try Fixture()
        try f.importCSV("First Name,Email\nAnn,a@example.com\nBo,b@example.com\n")
        let bo = try f.contact(named: "Bo").id
        try f.store.executor.execute("DELETE FROM contact WHERE first_name = 'Bo'")
        try f.importCSV("First Name,Email\nCy,c@example.com\n")
        #expect(try f.contact(named: "Cy").id != bo)
    }

    /// The From address and the "click here" link of every welcome email are checked
    /// when they are set, on add and on set, and a refused setting changes nothing.
    @Test func practiceEmailAndPreferencesLinkMustBeWhatTheySay() throws {
        let f = try Fixture()
        for bad in ["notanemail", "a@@b.example", "front desk@philspt.example"] {
            #expect(throws: StoreError.self) { try f.store.updatePractice(name: f.practice, details: PracticeDetails(email: bad)) }
            #expect(throws: StoreError.self) { try f.store.addPractice(name: "New \(bad)", details: PracticeDetails(email: bad), at: "x") }
        }
        for bad in ["javascript:alert(1)", "philspt.example/prefs", "https://", "https:// philspt.example", "ftp://philspt.example",
                    "https://philspt.example/p\"><script>", "https://.example"] {
            #expect(throws: StoreError.self, "\(bad)") { try f.store.updatePractice(name: f.practice, details: PracticeDetails(preferencesURL: bad)) }
        }
        let refused = StoreError.invalidPracticeSetting(option: "--preferences-url", value: "javascript:alert(1)", problem: "x")
        #expect(refused.description.hasPrefix("--preferences-url \"javascript:alert(1)\""))
        #expect(try f.store.practice(named: f.practice).email == nil, "a refused setting changes nothing")
        #expect(try f.store.practices().count == 1)
        let set = try f.store.updatePractice(name: f.practice, details: PracticeDetails(email: "front@philspt.example",
                                                                                        preferencesURL: "https://philspt.example/preferences?c=1"))
        #expect(set.email == "front@philspt.example" && set.preferencesURL == "https://philspt.example/preferences?c=1")
        #expect(try f.store.updatePractice(name: f.practice, details: PracticeDetails(email: "")).email == nil, "empty clears")
    }

    @Test func locationNamesAreUniquePerPracticeIgnoringCase() throws {
        let f = try Fixture()
        // Named as it is stored.
        #expect(throws: StoreError.locationExists("Nashua", practice: f.practice)) {
            try f.store.addLocation(name: "NASHUA", practice: f.practice, at: "x")
        }
        #expect(throws: StoreError.practiceExists(f.practice)) {   // named as stored
            try f.store.addPractice(name: "phil's physical therapy", details: PracticeDetails(), at: "x")
        }
        _ = try f.store.addPractice(name: "Other", details: PracticeDetails(), at: "x")
        _ = try f.store.addLocation(name: "Nashua", practice: "Other", at: "x")
        #expect(throws: StoreError.practiceRequired(location: "nashua", practices: ["Other", f.practice])) {
            try f.store.location(named: "nashua", practice: nil)
        }
        #expect(try f.store.location(named: "nashua", practice: "other").practiceName == "Other")
        #expect(try f.store.location(named: "hudson", practice: nil).name == "Hudson")
    }

    @Test func unknownPlacesListTheKnownOnesAndSuggest() throws {
        let f = try Fixture()
        do {
            _ = try f.store.location(named: "Nashau", practice: nil)
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.description.contains("Hudson, Nashua, Salem"))
            #expect(error.description.contains("Did you mean \"Nashua\"?"))
        }
        #expect(throws: StoreError.unknownPractice("Bills", known: [f.practice])) { try f.store.practice(named: "Bills") }
    }

    @Test func databaseLocation() {
        #expect(DatabaseLocation.resolve(explicit: "/a.sqlite", environment: ["ROSTER_DB": "/b"]) == "/a.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["ROSTER_DB": "/b"]) == "/b")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/x/roster/roster.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/roster/roster.sqlite")
        #expect(DatabaseLocation.isPostgreSQL("postgres://u@h/db"))
        #expect(DatabaseLocation.isPostgreSQL("POSTGRESQL://u@h/db") && DatabaseLocation.isPostgreSQL("Postgres://u@h/db"))
        #expect(!DatabaseLocation.isPostgreSQL("postgresql.sqlite") && !DatabaseLocation.isPostgreSQL("./postgres://x"))
    }

    @Test func aSecondWriterWaitsThenFailsClearly() throws {
        let scratch = Scratch()
        let path = scratch.path("busy.sqlite")
        let first = try SQLiteStore(path: path)
        _ = try first.addPractice(name: "P", details: PracticeDetails(), at: "x")
        let second = try SQLiteStore(path: path, busyTimeoutMilliseconds: 100)
        try first.db.execute("BEGIN IMMEDIATE")
        #expect(throws: StoreError.busy) { try second.addPractice(name: "Q", details: PracticeDetails(), at: "x") }
        try first.db.execute("COMMIT")
        _ = try second.addPractice(name: "Q", details: PracticeDetails(), at: "x")
        #expect(try first.practices().map(\.name) == ["P", "Q"])
    }

    @Test func statementsAreParameterised() throws {
        let f = try Fixture()
        let name = "Robert'); DROP TABLE contact;--"
        let r = try f.importCSV("First Name,Last Name,Email,Notes\nBobby,Tables,b@example.com,\"\(name)\"\n")
        #expect(r.created == 1)
        #expect(try f.contact(named: "Bobby").values[.notes] == name)
        #expect(try f.count("contact") == 1)
    }

    /// A merge keeps the fields it changed and their values before as JSON (for undo):
    /// written by hand, read by Foundation; every character survives, an empty value is
    /// null, and the fields it did not change are not there.
    @Test func replacedValuesRoundTripThroughJSON() throws {
        var values = ContactValues()
        values[.firstName] = "Zoë \"Z\" O'Brien"
        values[.notes] = "line one\nline two\r\n\ttab \\ backslash \u{0} nul \u{1F} \u{2028} 😀 e\u{301}"
        values[.email] = "z@example.com"
        values[.phase] = "No Phase"
        let changed: TemplateFieldSet = [.firstName, .notes, .nickname, .phase]
        let json = SQLTransaction.json(values, fields: changed)
        let read = SQLTransaction.revision(json: json)
        #expect(read.fields == changed)
        var expected = ContactValues()
        for field in changed { expected[field] = values[field] }
        #expect(read.before == expected)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(parsed?["first_name"] as? String == values[.firstName] && parsed?["notes"] as? String == values[.notes])
        #expect(parsed?["nickname"] is NSNull && parsed?["email"] == nil && parsed?["*"] as? String == "changed")
        #expect(SQLTransaction.json(ContactValues(), fields: []) == #"{"*":"changed"}"#)
        #expect(SQLTransaction.revision(json: #"{"*":"changed"}"#).fields.isEmpty)
    }

    /// A revision from before schema 008 holds every value, an empty one left out: all of
    /// them are restored, the missing ones as empty.
    @Test func aRevisionOfEveryValueIsReadAsEveryField() {
        let read = SQLTransaction.revision(json: #"{"first_name":"Ann","phase":"Lead","notes":"a \"b\""}"#)
        #expect(read.fields.count == TemplateField.allCases.count)
        #expect(read.before[.firstName] == "Ann" && read.before[.phase] == "Lead" && read.before[.notes] == "a \"b\"")
        #expect(read.before[.email] == nil && read.before[.lastName] == nil)
    }

    /// Escaping from bytes writes exactly what the scalar-by-scalar writer it replaced
    /// wrote, on generated values full of quotes, controls, line separators and emoji.
    @Test func jsonFromBytesEqualsTheScalarWriter() throws {
        func reference(_ value: String) -> String {
            var out = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        let pieces = ["a", "Zoë", "\"", "\\", "\n", "\r\n", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}", "\u{2027}",
                      "\u{202A}", "😀", "e\u{301}", "\u{E2}", "€", " "]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = (0..<Int.random(in: 1...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            var bytes: [UInt8] = []
            SQLTransaction.appendJSONEscaped(value, to: &bytes)
            #expect(bytes == Array(reference(value).utf8), "\(value.debugDescription)")
            var values = ContactValues()
            values[.notes] = value
            #expect(SQLTransaction.revision(json: SQLTransaction.json(values, fields: [.notes])).before[.notes] == value)
        }
    }

    /// Import and merge write in a transaction that deletes nothing, which SQLite runs
    /// without its reference checks: the checks are back for every other transaction, and
    /// a reference that does not hold is still found afterwards (the tests ask after each).
    @Test func referenceChecksAreOffOnlyWhileNothingIsDeleted() throws {
        let store = try SQLiteStore(path: Scratch().path("refs.sqlite"))
        _ = try store.addPractice(name: "P", details: PracticeDetails(), at: "x")
        let location = try store.addLocation(name: "L", practice: "P", at: "x")
        let checking: (any ContactTransaction) throws -> Int64 = { tx in
            try #require(tx as? SQLTransaction).db.first("PRAGMA foreign_keys", []) { $0.int(0) } ?? -1
        }
        #expect(try store.write(commit: true, deletes: false, checking) == 0)
        #expect(try store.write(commit: true, checking) == 1)
        #expect(try store.write(commit: true, deletes: false, checking) == 0)
        #expect(try store.read(checking) == 1)
        #expect(try store.write(commit: false, deletes: false, checking) == 0)
        #expect(try store.write(commit: true, deletes: true, checking) == 1)

        #expect(try store.referenceProblems() == [])
        // With the checks on, SQLite refuses a membership of a contact that is not there.
        #expect(throws: SQLiteError.self) {
            try store.write(commit: true) { tx in
                try tx.insertMembership(contact: 999, location: location.id, text: .subscribed, email: .subscribed, at: "x", operation: nil)
            }
        }
        // Without them it is written, and the check after finds it.
        try store.write(commit: true, deletes: false) { tx in
            try tx.insertMembership(contact: 999, location: location.id, text: .subscribed, email: .subscribed, at: "x", operation: nil)
        }
        #expect(try store.referenceProblems() == ["membership 0 -> contact"])
    }

    /// Schema 005: exporting a location reads its memberships' statuses from the index
    /// (no seek into the membership table per contact), on a database migrated from 004
    /// as on a new one, and the memberships are all still there.
    @Test func schema005ExportsFromTheCoveringIndex() throws {
        let scratch = Scratch()
        let path = scratch.path("v4.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            try Migrator.migrate(db, migrations: Array(embeddedMigrations.prefix(4)))
            try db.execute("""
                INSERT INTO practice (name, name_key, created_at) VALUES ('Old PT', 'old pt', 'x');
                INSERT INTO location (practice_id, name, name_key, created_at) VALUES (1, 'Main', 'main', 'x');
                INSERT INTO contact (practice_id, first_name, first_key, last_key, created_at, updated_at) VALUES (1, 'Ann', 'ann', '', 'x', 'x');
                INSERT INTO membership (contact_id, location_id, text_status, email_status, added_at) VALUES (1, 1, 'opted-out', 'subscribed', 'x');
                """)
        }
        for database in [path, scratch.path("new.sqlite")] {
            let store = try SQLiteStore(path: database)
            #expect(try store.appliedMigrations().contains("005_export_index.sql"))
            let db = try SQLiteConnection(path: database)
            let plan = try db.rows("EXPLAIN QUERY PLAN \(SQLTransaction.forEachContactSQL)", [.int(1)]) { $0.string(3) }
            #expect(plan.contains { $0.contains("COVERING INDEX membership_location") }, "\(plan)")
        }
        let store = try SQLiteStore(path: path)
        let location = try #require(try store.locations(practice: "Old PT").first)
        var exported: [(Int64, Status, Status)] = []
        try store.read { tx in try tx.forEachContactBytes(location: location.id) { exported.append(($0.number, $0.text, $0.email)) } }
        #expect(exported.count == 1 && exported[0] == (1, .optedOut, .subscribed))
    }

    /// Held rows go out 64, 16, 4 or 1 to a statement: every count is written whole, with
    /// no more statements than those sizes need.
    @Test func heldRowsAreWrittenInFourStatementSizes() {
        for count in 1...300 {
            var left = count, sizes: [Int] = []
            while left > 0 {
                let rows = SQLiteConnection.rowsPerStatement(left)
                sizes.append(rows)
                left -= rows
            }
            #expect(left == 0 && Set(sizes).isSubset(of: [64, 16, 4, 1]))
            #expect(sizes == sizes.sorted(by: >))
            #expect(sizes.count == count / 64 + count % 64 / 16 + count % 16 / 4 + count % 4)
        }
    }

    /// Held rows, bound from the statement's own buffer many to a statement: what reaches
    /// the table is exactly the values appended, over statements of every size: empty
    /// text, NUL bytes, non-ASCII, long text, NULL and the extreme integers.
    @Test func heldRowsReachTheTableByteForByte() throws {
        let store = try SQLiteStore(path: ":memory:")
        let db = try #require(store.executor as? SQLiteConnection)
        var generator = CSVSeededGenerator(seed: 6)
        let texts = ["", "a", "\u{0}", "x\u{0}y", "Zoë 🙂", "=1+2", String(repeating: "long ", count: 2_000), " edge "]
        let ints: [Int64?] = [nil, 0, -1, 1, .min, .max]
        var expected: [[String]] = []
        try store.write(commit: true, deletes: false) { _ in
            for i in 0..<333 {
                let text = texts.randomElement(using: &generator)! + (i % 5 == 0 ? "\(i)" : "")
                let operation = ints.randomElement(using: &generator)!
                try db.append(.outbox, [.int(Int64(i) - 100), SQLValue(operation), .text(text), .text("at \(i)")])
                expected.append(["\(Int64(i) - 100)", operation.map { "\($0)" } ?? "∅",
                                 text.utf8.map { String(format: "%02X", $0) }.joined(), "at \(i)"])
            }
        }
        let stored = try db.rows("SELECT contact_id, operation_id, hex(to_address), queued_at FROM outbox ORDER BY id", []) { r in
            [r.string(0), r.isNull(1) ? "∅" : r.string(1), r.string(2), r.string(3)]
        }
        #expect(stored == expected)
    }

    /// A held row the table refuses (`INSERT OR ROLLBACK`) fails the whole transaction:
    /// nothing of it stays, not the rows written before it, and the store goes on working.
    @Test func aRefusedHeldRowRollsTheWholeTransactionBack() throws {
        let store = try SQLiteStore(path: Scratch().path("refused.sqlite"))
        _ = try store.addPractice(name: "P", details: PracticeDetails(), at: "x")
        let location = try store.addLocation(name: "L", practice: "P", at: "x")
        let db = try #require(store.executor as? SQLiteConnection)
        let error = #expect(throws: SQLiteError.self) {
            try store.write(commit: true, deletes: false) { _ in
                for i in 0..<100 { try db.append(.outbox, [.int(Int64(i)), .null, .text("a\(i)@example.com"), .text("x")]) }
                try db.flush()
                try db.append(.outbox, [.int(7), .null, .null, .text("x")])   // to_address is NOT NULL
            }
        }
        #expect(error?.message.contains("NOT NULL") == true, "\(String(describing: error))")
        #expect(try db.rows("SELECT count(*) FROM outbox", []) { $0.int(0) } == [0])
        _ = try store.addLocation(name: "M", practice: "P", at: "x")
        #expect(try store.locations(practice: "P").map(\.name) == ["L", "M"] && location.name == "L")
    }

    /// SQLite's codes a person can act on are said in words: a read-only folder (as root
    /// these tests cannot make one), a damaged file.
    @Test func databaseErrorsSayWhatToCheck() {
        let readOnly = SQLiteError(code: 1544, message: "attempt to write a readonly database").description
        #expect(readOnly.contains("read-only for this user") && readOnly.contains("--db"))
        #expect(SQLiteError(code: 26, message: "file is not a database").description.contains("not a roster database"))
        #expect(SQLiteError(code: 1, message: "SQL logic error").description == "database error 1: SQL logic error")
        let lost = PostgreSQLError(sqlState: "XX000", message: "server closed the connection unexpectedly\n\tThis probably means…").description
        #expect(lost.contains("nothing of this run was written") && !lost.contains("\n"))
        #expect(PostgreSQLError(sqlState: "42501", message: "permission denied for schema public").description.contains("CREATE on the schema"))
        #expect(PostgreSQLError(sqlState: "42P07", message: "relation \"contact\" already exists").description.contains("of its own"))
    }
}
