import Foundation

/// The row-level reads and writes of one transaction, in SQL that both stores run:
/// SQLite's and PostgreSQL's (issue 9). `touch` hears of each practice the transaction
/// is about to read or write, before it does, so a store can serialise writers per
/// practice: PostgreSQL takes an advisory lock; SQLite's write transaction already holds
/// the whole file.
final class SQLTransaction: ContactTransaction {
    let db: any SQLExecutor
    private let touch: ((Int64) throws -> Void)?
    private var touched: Set<Int64> = []
    private var practiceOfLocation: [Int64: Int64] = [:]

    /// False in a transaction that runs without reference checks, so without cascades
    /// (`ContactStore.write(commit:deletes:_:)`): it may not delete.
    private let deletes: Bool

    private let readsAroundHeldRows: Bool

    /// Whether an import may drop the identity indexes for its transaction: SQLite's store
    /// (one writer, which builds them again before it commits); not PostgreSQL's.
    private let defersIndexes: Bool

    init(db: any SQLExecutor, touch: ((Int64) throws -> Void)? = nil, deletes: Bool = true, readsAroundHeldRows: Bool = true,
         defersIndexes: Bool = false) {
        self.db = db
        self.defersIndexes = defersIndexes
        self.touch = touch
        self.deletes = deletes
        self.readsAroundHeldRows = readsAroundHeldRows
    }

    private func willDelete() {
        precondition(deletes, "a delete in a transaction opened with deletes: false (it runs without cascades)")
    }

    static let valueColumns = TemplateField.allCases.map(\.snakeName).joined(separator: ", ")

    // MARK: which practice

    private func willUse(practice: Int64) throws {
        if let touch, touched.insert(practice).inserted { try touch(practice) }
    }

    private func willUse(location: Int64) throws {
        guard touch != nil else { return }
        if let practice = practiceOfLocation[location] { return try willUse(practice: practice) }
        if let practice = try db.first("SELECT practice_id FROM location WHERE id = ?", [.int(location)], { $0.int(0) }) {
            practiceOfLocation[location] = practice
            try willUse(practice: practice)
        }
    }

    private func willUse(contact: Int64) throws {
        guard touch != nil else { return }
        if let practice = practiceOfContact[contact] { return try willUse(practice: practice) }
        if let practice = try db.first("SELECT practice_id FROM contact WHERE id = ?", [.int(contact)], { $0.int(0) }) {
            try willUse(practice: practice)
        }
    }

    /// The practices of contacts read lately (a contact never changes practice), so that a
    /// merge's update of a contact it has just read asks the server nothing more. Bounded:
    /// a merge reads a batch's contacts, then writes them.
    private var practiceOfContact: [Int64: Int64] = [:]

    private func remember(_ contact: StoredContact) {
        guard touch != nil else { return }
        if practiceOfContact.count >= 4_096 { practiceOfContact.removeAll(keepingCapacity: true) }
        practiceOfContact[contact.number] = contact.practiceID
    }

    // MARK: contacts

    private func readContact(_ row: any SQLRow) -> StoredContact {
        var values = ContactValues()
        for field in TemplateField.allCases { values[field] = row.text(Int32(field.rawValue + 2)) }
        return StoredContact(number: row.int(0), practiceID: row.int(1), values: values)
    }

    private func keys(_ values: ContactValues) -> [SQLValue] { keys(IdentityKeys(values)) }

    private func keys(_ keys: IdentityKeys) -> [SQLValue] { [SQLValue(keys.email), .text(keys.first), .text(keys.last)] }

    func contact(number: Int64, practiceID: Int64) throws -> StoredContact? {
        try willUse(practice: practiceID)
        let contact = try db.first(Self.byNumberSQL, [.int(number), .int(practiceID)], readContact)
        if let contact { remember(contact) }
        return contact
    }

    func contacts(numbers: [Int64], practiceID: Int64) throws -> [Int64: StoredContact] {
        try willUse(practice: practiceID)
        var found: [Int64: StoredContact] = [:]
        // By id alone, so that the engine looks each one up by its key (with the practice in
        // the WHERE, SQLite scanned the practice's index instead); the practice is checked here.
        try forEachRow(numbered: numbers, Self.contactSelect + " WHERE", column: "id") { row in
            let contact = readContact(row)
            remember(contact)
            if contact.practiceID == practiceID { found[contact.number] = contact }
        }
        return found
    }

    func members(of location: Int64, among numbers: [Int64]) throws -> Set<Int64> {
        try willUse(location: location)
        var found: Set<Int64> = []
        try forEachRow(numbered: numbers, "SELECT contact_id FROM membership WHERE location_id = ? AND", column: "contact_id",
                       before: [.int(location)]) { found.insert($0.int(0)) }
        return found
    }

    /// `select` (ending in WHERE or AND, its first column `column`) for each of `numbers`
    /// that has a row, a part at a time: a span of numbers close together, keeping the rows
    /// asked for, or an IN list (`span` says why). `before`: the parameters `select` has.
    private func forEachRow(numbered numbers: [Int64], _ select: String, column: String, before: [SQLValue] = [],
                            _ body: (any SQLRow) throws -> Void) throws {
        var start = numbers.startIndex
        while start < numbers.endIndex {
            let part = numbers[start..<min(start + Self.numbersPerQuery, numbers.endIndex)]
            if let span = Self.span(part) {
                let wanted = Set(part)
                try db.query("\(select) \(column) BETWEEN ? AND ?", before + [.int(span.lowerBound), .int(span.upperBound)]) { row in
                    if wanted.contains(row.int(0)) { try body(row) }
                }
            } else {
                let list = Array(repeating: "?", count: part.count).joined(separator: ", ")
                try db.query("\(select) \(column) IN (\(list))", before + part.map { .int($0) }, body)
            }
            start = part.endIndex
        }
    }

    /// Far below SQLite's and PostgreSQL's limits on parameters.
    static let numbersPerQuery = 500

    /// The numbers' span when they lie close together (at most four numbers of it for each
    /// one asked, as a merge of an export reads them, in order): reading the span and keeping
    /// the numbers asked for beats an IN list, for which SQLite first builds and sorts a
    /// table of the list (a merge's reads of its batches' contacts and memberships took a
    /// third of its time). Nil when they are spread out.
    static func span(_ numbers: ArraySlice<Int64>) -> ClosedRange<Int64>? {
        guard let low = numbers.min(), let high = numbers.max() else { return nil }
        let (width, overflow) = high.subtractingReportingOverflow(low)
        return !overflow && width < Int64(numbers.count) * 4 ? low...high : nil
    }

    func twins(practiceID: Int64, firstKey: String, lastKey: String, emailKey: String?, phone: String?,
               among: [Int64]?) throws -> [Namesake] {
        try willUse(practice: practiceID)
        // The email or the phone first: the column its index leads with.
        guard let key = emailKey ?? phone else { return [] }
        let byEmail = emailKey != nil
        let keys: [SQLValue] = [.int(practiceID), .text(key), .text(firstKey), .text(lastKey)]
        let read = { (r: any SQLRow) in Namesake(number: r.int(0), emailKey: r.text(1), phone: r.text(2)) }
        guard let among else { return try db.rows(byEmail ? Self.twinsByEmailSQL : Self.twinsByPhoneSQL, keys, read) }
        return try rows(among, byEmail ? Self.twinByNumberAndEmailSQL : Self.twinByNumberAndPhoneSQL, keys, read)
    }

    // Constant texts: SQLite's connection finds a prepared statement by its SQL's address,
    // so SQL built per call would be prepared again on every row.
    static let twinsByEmailSQL =
        "SELECT id, email_key, phone FROM contact WHERE practice_id = ? AND email_key = ? AND first_key = ? AND last_key = ? ORDER BY id"
    static let twinsByPhoneSQL =
        "SELECT id, email_key, phone FROM contact WHERE practice_id = ? AND phone = ? AND first_key = ? AND last_key = ? ORDER BY id"
    static let twinByNumberAndEmailSQL =
        "SELECT id, email_key, phone FROM contact WHERE id = ? AND practice_id = ? AND email_key = ? AND first_key = ? AND last_key = ?"
    static let twinByNumberAndPhoneSQL =
        "SELECT id, email_key, phone FROM contact WHERE id = ? AND practice_id = ? AND phone = ? AND first_key = ? AND last_key = ?"

    func contactsUsingEmail(practiceID: Int64, emailKey: String, among: [Int64]?) throws -> [Int64] {
        try willUse(practice: practiceID)
        let keys: [SQLValue] = [.int(practiceID), .text(emailKey)]
        guard let among else {
            return try db.rows("SELECT id FROM contact WHERE practice_id = ? AND email_key = ? ORDER BY id", keys) { $0.int(0) }
        }
        return try rows(among, "SELECT id FROM contact WHERE id = ? AND practice_id = ? AND email_key = ?", keys) { $0.int(0) }
    }

    func contactsUsingPhone(practiceID: Int64, phone: String, firstKey: String, among: [Int64]?) throws -> [Int64] {
        try willUse(practice: practiceID)
        let keys: [SQLValue] = [.int(practiceID), .text(phone), .text(firstKey)]
        guard let among else {
            return try db.rows("SELECT id FROM contact WHERE practice_id = ? AND phone = ? AND first_key = ? ORDER BY id", keys) { $0.int(0) }
        }
        return try rows(among, "SELECT id FROM contact WHERE id = ? AND practice_id = ? AND phone = ? AND first_key = ?", keys) { $0.int(0) }
    }

    /// `sql`'s row for each of `numbers` that has one (its first parameter is the number,
    /// then `keys`), in the numbers' order: a read by the contact's own key, which needs no
    /// index of `keys` (an import may have dropped those, `deferIdentityIndexes`).
    private func rows<T>(_ numbers: [Int64], _ sql: String, _ keys: [SQLValue], _ read: (any SQLRow) throws -> T) throws -> [T] {
        var found: [T] = []
        var args = [SQLValue.int(0)] + keys
        for number in numbers {
            args[0] = .int(number)
            if let row = try db.first(sql, args, read) { found.append(row) }
        }
        return found
    }

    /// Three reads of the identity indexes (SQLite: covering index scans, the contact's
    /// number being the index's own), not one of the contacts' rows: the indexes hold just
    /// these keys, so the read touches a fraction of the pages the rows (notes and all)
    /// take. No fewer instructions with the pages in the cache: there the time is in
    /// hashing the keys.
    func forEachIdentityKey(practiceID: Int64, email: (String, Int64) throws -> Void,
                            phone: (String, String, Int64) throws -> Void) throws {
        try willUse(practice: practiceID)
        let practice: [SQLValue] = [.int(practiceID)]
        try db.stream("SELECT email_key, id FROM contact WHERE practice_id = ? AND email_key IS NOT NULL", practice) {
            try email($0.string(0), $0.int(1))
        }
        try db.stream("SELECT phone, first_key, id FROM contact WHERE practice_id = ? AND phone IS NOT NULL", practice) {
            try phone($0.string(0), $0.string(1), $0.int(2))
        }
    }

    /// The identity indexes an import dropped, as `CREATE INDEX` statements read from the
    /// schema itself (so they come back exactly as the migrations made them).
    private var deferredIndexes: [String] = []

    func deferIdentityIndexes(expectedNewContacts: Int) throws -> Bool {
        guard defersIndexes, deferredIndexes.isEmpty, expectedNewContacts >= 2_000 else { return false }
        let contacts = try db.first("SELECT coalesce(max(id), 0) FROM contact", [], { $0.int(0) }) ?? 0   // at least as many as it holds
        guard Int64(expectedNewContacts) / 2 >= contacts else { return false }
        let indexes = try db.rows("""
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact'
              AND name IN ('contact_email', 'contact_phone') ORDER BY name
            """, []) { (name: $0.string(0), sql: $0.string(1)) }
        guard indexes.count == 2 else { return false }
        for index in indexes { try db.execute("DROP INDEX \(index.name)") }
        deferredIndexes = indexes.map(\.sql)
        cacheSizeBeforeDeferral = try db.first("PRAGMA cache_size", []) { $0.int(0) }
        try db.execute("PRAGMA cache_size = -16384")
        return true
    }

    /// Builds the indexes `deferIdentityIndexes` dropped: the store calls it before COMMIT.
    func restoreDeferredIndexes() throws {
        for sql in deferredIndexes { try db.execute(sql) }
        deferredIndexes = []
        try endDeferral()
    }

    /// The page cache while the identity indexes are dropped: 16 MiB, not 64. The import
    /// then only appends to its tables (their last pages are all it revisits), and the
    /// identity index in memory takes the room the indexes' pages took; rebuilding them
    /// reads the table once each, in order. Back to its size after the rebuild, or a rollback.
    private var cacheSizeBeforeDeferral: Int64?

    func endDeferral() throws {
        guard let size = cacheSizeBeforeDeferral else { return }
        cacheSizeBeforeDeferral = nil
        try db.execute("PRAGMA cache_size = \(size)")
    }

    func forEachSearchText(practiceID: Int64?, _ body: (Int64, Int64, String) throws -> Void) throws {
        try db.stream("""
            SELECT id, practice_id, first_key, last_key, coalesce(nickname, ''), coalesce(email_key, '') FROM contact
            WHERE CAST(?1 AS BIGINT) IS NULL OR practice_id = ?1 ORDER BY last_key, first_key, id
            """, [SQLValue(practiceID)]) { row in
            try body(row.int(0), row.int(1), "\(row.string(2)) \(row.string(3)) \(row.string(4)) \(row.string(5))")
        }
    }

    func findContacts(practiceID: Int64?, text: String, phone: String?, limit: Int) throws -> [StoredContact] {
        let like = "%" + Text.identityKey(text).replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        // The end of a number (`0199`, `555-0199`): four digits or more, and nothing but
        // digits and the marks phones are written with.
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        let phoneEnd = phone == nil && digits.count >= 4 && text.allSatisfy({ $0.isNumber || " -.()+".contains($0) }) ? "%" + digits : nil
        let sql = Self.contactSelect + """
             WHERE (CAST(?1 AS BIGINT) IS NULL OR practice_id = ?1) AND (
               (first_key || ' ' || last_key) LIKE ?2 ESCAPE '\\' OR email_key LIKE ?2 ESCAPE '\\'
               OR lower(coalesce(nickname, '')) LIKE ?2 ESCAPE '\\'
               OR (CAST(?3 AS TEXT) IS NOT NULL AND (phone = ?3 OR home_phone = ?3))
               OR (CAST(?5 AS TEXT) IS NOT NULL AND (phone LIKE ?5 OR home_phone LIKE ?5)))
             ORDER BY last_key, first_key, id LIMIT ?4
            """
        return try db.rows(sql, [SQLValue(practiceID), .text(like), SQLValue(phone), .int(Int64(limit)), SQLValue(phoneEnd)], readContact)
    }

    static let insertContactSQL = """
        INSERT INTO contact (practice_id, \(valueColumns), email_key, first_key, last_key, created_at, updated_at, created_operation)
        VALUES (\(Array(repeating: "?", count: TemplateField.allCases.count + 7).joined(separator: ", ")))
        """
    static let contactSelect = "SELECT id, practice_id, \(SQLTransaction.valueColumns) FROM contact"
    static let byNumberSQL = contactSelect + " WHERE id = ? AND practice_id = ?"

    func insertContact(practiceID: Int64, values: ContactValues, keys identity: IdentityKeys, at: String,
                       operation: Int64?) throws -> Int64 {
        assert(identity == IdentityKeys(values), "identity keys that are not the values'")
        try willUse(practice: practiceID)
        func fill(_ args: inout [SQLValue]) {
            args.append(.int(practiceID))
            for field in TemplateField.allCases { args.append(SQLValue(values[field])) }
            args.append(SQLValue(identity.email))
            args.append(.text(identity.first))
            args.append(.text(identity.last))
            args.append(.text(at))
            args.append(.text(at))
            args.append(SQLValue(operation))
        }
        if let number = try db.reserveContactNumber() {
            try db.appendRow(.contact) { args in
                args.append(.int(number))
                fill(&args)
            }
            return number
        }
        var args: [SQLValue] = []
        fill(&args)
        return try db.insert(Self.insertContactSQL, args)
    }

    func updateContact(number: Int64, values: ContactValues, at: String, operation: Int64?, before: ContactValues?) throws {
        try willUse(contact: number)
        // Only the columns that change (all of them when the stored values are not given):
        // SQLite rewrites every index on a column an UPDATE sets, changed or not, and a
        // merge usually changes a field or two, seldom a name, email or phone.
        var fields = TemplateFieldSet()
        for field in TemplateField.allCases where before == nil || before?[field] != values[field] { fields.insert(field) }
        if let operation, let before {
            try db.append(.contactRevision, [.int(operation), .int(number), .text(Self.json(before, fields: fields))])
        }
        var args = fields.map { SQLValue(values[$0]) }
        if fields.contains(.email) || fields.contains(.firstName) || fields.contains(.lastName) {
            let keys = keys(values)
            if fields.contains(.email) { args.append(keys[0]) }
            if fields.contains(.firstName) { args.append(keys[1]) }
            if fields.contains(.lastName) { args.append(keys[2]) }
        }
        args += [.text(at), .int(number)]
        try db.run(updateSQL(fields), args)
    }

    /// The UPDATE of `fields` (and their keys) and `updated_at`, by contact id. Kept per
    /// set of fields, so a statement's SQL is the same text each time it runs.
    private var updateSQLs: [TemplateFieldSet: String] = [:]

    private func updateSQL(_ fields: TemplateFieldSet) -> String {
        if let sql = updateSQLs[fields] { return sql }
        var columns = fields.map { "\($0.snakeName) = ?" }
        if fields.contains(.email) { columns.append("email_key = ?") }
        if fields.contains(.firstName) { columns.append("first_key = ?") }
        if fields.contains(.lastName) { columns.append("last_key = ?") }
        let sql = "UPDATE contact SET " + (columns + ["updated_at = ?"]).joined(separator: ", ") + " WHERE id = ?"
        updateSQLs[fields] = sql
        return sql
    }

    // MARK: memberships and statuses

    /// Memberships added in this transaction, whose rows may be held back. Another
    /// contact's memberships are read, and another membership changed, without writing
    /// the held rows first (`withoutWritingHeld`): none of them is one of its rows. (A copy
    /// adds the contact to one location and moves its texts from another: that update
    /// wrote every held row first, one statement each.)
    private var membershipsAdded: Set<MembershipKey> = []
    private var contactsGivenMemberships: Set<Int64> = []

    private struct MembershipKey: Hashable {
        let contact: Int64
        let location: Int64
    }

    /// Once the held memberships are written, none is held: the sets start again, so they
    /// never hold more than about a statement's rows, however big the import.
    private func forgetWrittenMemberships() {
        if !contactsGivenMemberships.isEmpty && !db.holdsRows(of: .membership) {
            membershipsAdded.removeAll(keepingCapacity: true)
            contactsGivenMemberships.removeAll(keepingCapacity: true)
        }
    }

    private func onMemberships<T>(of contact: Int64, location: Int64? = nil, _ body: () throws -> T) throws -> T {
        forgetWrittenMemberships()
        let held = location.map { membershipsAdded.contains(MembershipKey(contact: contact, location: $0)) }
            ?? contactsGivenMemberships.contains(contact)
        return held || !readsAroundHeldRows ? try body() : try db.withoutWritingHeld(body)
    }

    /// In the order of the locations' name keys, byte by byte (as SQLite's and a "C"
    /// collation's ORDER BY would): sorted here, because an ORDER BY made SQLite set up a
    /// sorter for every merged row's one or two memberships (13 % of a merge).
    func memberships(contact: Int64) throws -> [Membership] {
        try onMemberships(of: contact) { try readMemberships(contact: contact) }
    }

    private func readMemberships(contact: Int64) throws -> [Membership] {
        try db.rows("""
            SELECT m.location_id, l.name, m.text_status, m.email_status, l.name_key FROM membership m
            JOIN location l ON l.id = m.location_id WHERE m.contact_id = ?
            """, [.int(contact)]) { r in
            (key: r.string(4), membership: Membership(locationID: r.int(0), locationName: r.string(1),
                                                      text: Status(rawValue: r.string(2)) ?? .unsubscribed,
                                                      email: Status(rawValue: r.string(3)) ?? .unsubscribed))
        }
        .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        .map(\.membership)
    }

    func insertMembership(contact: Int64, location: Int64, text: Status, email: Status, at: String, operation: Int64?) throws {
        try willUse(location: location)
        forgetWrittenMemberships()
        membershipsAdded.insert(MembershipKey(contact: contact, location: location))
        contactsGivenMemberships.insert(contact)
        try db.append(.membership, [.int(contact), .int(location), .text(text.rawValue), .text(email.rawValue), .text(at), SQLValue(operation)])
    }

    /// What a history row's `to` says of a membership that was removed.
    static let removed = "removed"

    func deleteMembership(contact: Int64, location: Int64, reason: String, operation: Int64?, at: String) throws {
        willDelete()
        try willUse(location: location)
        let current = try onMemberships(of: contact, location: location) {
            try db.first("SELECT text_status, email_status FROM membership WHERE contact_id = ? AND location_id = ?",
                         [.int(contact), .int(location)]) { (text: $0.string(0), email: $0.string(1)) }
        }
        guard let current else { return }
        // First statuses kept in this membership (schemas 006 and 012) are written out
        // before it goes, so the history keeps them.
        let history = try historyRows(contact: contact)
        var lines = try creation(contact: contact, at: location, history: history)?.lines ?? []
        if lines.isEmpty { lines = try addedLines(contact: contact, history: history).filter { $0.location == location } }
        for line in lines {
            try recordStatusChange(contact: contact, location: location, channel: Channel(rawValue: line.change.channel) ?? .text,
                                   from: nil, to: Status(rawValue: line.change.to) ?? .unsubscribed, reason: line.change.reason,
                                   operation: line.operation, at: line.change.at)
        }
        for (channel, status) in [(Channel.text, current.text), (Channel.email, current.email)] {
            try db.append(.statusChange, [.int(contact), .int(location), .text(channel.rawValue), .text(status),
                                          .text(Self.removed), .text(reason), SQLValue(operation), .text(at)])
        }
        try db.run("DELETE FROM membership WHERE contact_id = ? AND location_id = ?", [.int(contact), .int(location)])
    }

    func setStatus(contact: Int64, location: Int64, channel: Channel, status: Status, at: String) throws {
        try willUse(location: location)
        let sql = channel == .text ? "UPDATE membership SET text_status = ? WHERE contact_id = ? AND location_id = ?"
                                   : "UPDATE membership SET email_status = ? WHERE contact_id = ? AND location_id = ?"
        _ = try onMemberships(of: contact, location: location) { try db.run(sql, [.text(status.rawValue), .int(contact), .int(location)]) }
    }

    func recordStatusChange(contact: Int64, location: Int64, channel: Channel, from: Status?, to: Status,
                            reason: String, operation: Int64?, at: String) throws {
        try willUse(location: location)
        try db.append(.statusChange, [.int(contact), .int(location), .text(channel.rawValue), SQLValue(from?.rawValue),
                                      .text(to.rawValue), .text(reason), SQLValue(operation), .text(at)])
    }

    func recordsCreationStatusesInMemberships(operation: Int64, reason: String) throws {
        try db.run("UPDATE operation SET created_reason = ? WHERE id = ?", [.text(reason), .int(operation)])
    }

    func recordsAddedStatusesInMemberships(operation: Int64, reason: String) throws {
        try db.run("UPDATE operation SET added_reason = ? WHERE id = ?", [.text(reason), .int(operation)])
    }

    /// One row of the history, with what places it.
    private struct HistoryRow {
        var change: StatusChange
        var location: Int64
        var operation: Int64?
        /// Where it reads in the history: its id, or, for the first statuses of a membership
        /// an operation added under schema 012 (kept in the membership, or written when it
        /// was removed), just after the last row written before that operation began (`id`
        /// is then its `status_start`).
        var place: Place

        /// Operations that wrote no rows begin at the same row: the earlier one first.
        struct Place: Comparable {
            var id: Int64
            var firstOfAdded = false
            var operation: Int64 = 0
            var channel = 0
            static func < (a: Place, b: Place) -> Bool {
                (a.id, a.firstOfAdded ? 1 : 0, a.operation, a.channel) < (b.id, b.firstOfAdded ? 1 : 0, b.operation, b.channel)
            }
        }
    }

    private func historyRows(contact: Int64) throws -> [HistoryRow] {
        try db.rows("""
            SELECT l.name, s.channel, s.from_status, s.to_status, s.reason, s.at, s.location_id, s.operation_id, s.id,
                   CASE WHEN o.added_reason IS NOT NULL AND s.from_status IS NULL AND s.location_id = o.location_id
                        AND (c.created_operation IS NULL OR c.created_operation <> o.id) THEN 1 ELSE 0 END,
                   coalesce(o.status_start, 0)
            FROM status_change s JOIN location l ON l.id = s.location_id JOIN contact c ON c.id = s.contact_id
            LEFT JOIN operation o ON o.id = s.operation_id
            WHERE s.contact_id = ? ORDER BY s.id
            """, [.int(contact)]) { r in
            let firstOfAdded = r.int(9) != 0
            return HistoryRow(change: StatusChange(location: r.string(0), channel: r.string(1), from: r.text(2), to: r.string(3),
                                                   reason: r.string(4), at: r.string(5)),
                              location: r.int(6), operation: r.isNull(7) ? nil : r.int(7),
                              place: firstOfAdded ? .init(id: r.int(10), firstOfAdded: true, operation: r.int(7),
                                                          channel: r.string(1) == Channel.text.rawValue ? 0 : 1)
                                                  : .init(id: r.int(8)))
        }
    }

    /// The first statuses of the memberships of `contact` that an import or merge under
    /// schema 012 added (not where it created the contact), read from each membership: a
    /// channel's first status is the `from` of its first change there since the operation
    /// began (it wrote none there before adding the membership), or else its status now.
    private func addedLines(contact: Int64, history: [HistoryRow]) throws -> [HistoryRow] {
        let added = try db.rows("""
            SELECT m.location_id, l.name, o.id, o.added_reason, coalesce(o.status_start, 0), m.text_status, m.email_status, m.added_at
            FROM membership m JOIN operation o ON o.id = m.added_operation JOIN location l ON l.id = m.location_id
            JOIN contact c ON c.id = m.contact_id
            WHERE m.contact_id = ? AND o.added_reason IS NOT NULL AND (c.created_operation IS NULL OR c.created_operation <> o.id)
            """, [.int(contact)]) { r in
            (location: r.int(0), name: r.string(1), operation: r.int(2), reason: r.string(3), start: r.int(4),
             text: r.string(5), email: r.string(6), at: r.string(7))
        }
        return added.flatMap { m in
            [(Channel.text, m.text), (Channel.email, m.email)].enumerated().map { order, pair in
                let (channel, now) = pair
                let first = history.first {
                    $0.location == m.location && $0.change.channel == channel.rawValue && !$0.place.firstOfAdded && $0.place.id > m.start
                }?.change.from ?? now
                let reason = first == Status.optedOut.rawValue ? TextRule.optedOutElsewhere : m.reason
                return HistoryRow(change: StatusChange(location: m.name, channel: channel.rawValue, from: nil, to: first,
                                                       reason: reason, at: m.at),
                                  location: m.location, operation: m.operation,
                                  place: .init(id: m.start, firstOfAdded: true, operation: m.operation, channel: order))
            }
        }
    }

    /// Where an import that keeps first statuses in memberships (schema 006) created the
    /// contact: the operation and location, and, while that membership is there, its first
    /// statuses. A status is only ever changed with a row that records its `from`, so a
    /// channel's first status is the `from` of its first change there, or else its status now.
    /// With `location`, nil unless the contact was created there. The history is read only
    /// when it is needed: while that membership is there.
    private func creation(contact: Int64, at location: Int64? = nil, history: @autoclosure () throws -> [HistoryRow]) throws
        -> (operation: Int64, location: Int64, lines: [HistoryRow])? {
        guard let found = try db.first("""
            SELECT o.id, o.location_id, l.name, o.created_reason, m.text_status, m.email_status, m.added_at FROM contact c
            JOIN operation o ON o.id = c.created_operation JOIN location l ON l.id = o.location_id
            LEFT JOIN membership m ON m.contact_id = c.id AND m.location_id = o.location_id AND m.added_operation = o.id
            WHERE c.id = ? AND o.created_reason IS NOT NULL
            """, [.int(contact)], { r in
                (operation: r.int(0), location: r.int(1), name: r.string(2), reason: r.string(3),
                 now: r.isNull(4) ? nil : (text: r.string(4), email: r.string(5), at: r.string(6)))
            }) else { return nil }
        guard location == nil || found.location == location else { return nil }
        guard let now = found.now else { return (found.operation, found.location, []) }
        let history = try history()
        let lines = [(Channel.text, now.text), (Channel.email, now.email)].map { channel, status in
            let first = history.first { $0.location == found.location && $0.change.channel == channel.rawValue }
            return HistoryRow(change: StatusChange(location: found.name, channel: channel.rawValue, from: nil,
                                                   to: first?.change.from ?? status, reason: found.reason, at: now.at),
                              location: found.location, operation: found.operation, place: .init(id: 0))
        }
        return (found.operation, found.location, lines)
    }

    func statusChanges(contact: Int64) throws -> [StatusChange] {
        let history = try historyRows(contact: contact)
        // Each added membership's first statuses where their operation began (schema 012).
        let rest = (history + (try addedLines(contact: contact, history: history))).sorted { $0.place < $1.place }
        guard let creation = try creation(contact: contact, history: history) else { return rest.map(\.change) }
        // The first statuses lead, whether read from the membership or, once it was
        // removed, from the rows written then (later than the changes that followed them).
        let isFirst = { (row: HistoryRow) in
            row.change.from == nil && row.operation == creation.operation && row.location == creation.location
        }
        return (creation.lines + rest.filter(isFirst) + rest.filter { !isFirst($0) }).map(\.change)
    }

    static let forEachContactSQL = """
        SELECT c.id, c.practice_id, \(TemplateField.allCases.map { "c." + $0.snakeName }.joined(separator: ", ")),
               m.text_status, m.email_status
        FROM membership m JOIN contact c ON c.id = m.contact_id WHERE m.location_id = ? ORDER BY m.contact_id
        """

    func forEachContactBytes(location: Int64, _ body: (ContactBytes) throws -> Void) throws {
        try willUse(location: location)
        let fields = TemplateField.allCases.count
        let statusColumn = Int32(fields + 2)
        try db.stream(Self.forEachContactSQL, [.int(location)]) { row in
            var contact = ContactBytes(number: row.int(0), practiceID: row.int(1),
                                       text: Self.status(row.bytes(statusColumn)), email: Self.status(row.bytes(statusColumn + 1)),
                                       bytes: [], starts: [], nulls: 0)
            contact.bytes.reserveCapacity(256)
            contact.starts.reserveCapacity(fields + 1)
            for i in 0..<fields {
                contact.starts.append(Int32(contact.bytes.count))
                // As the String path reads a value (`String(cString:)`, then ContactValues): up
                // to a NUL byte, invalid UTF-8 repaired, empty as no value.
                guard var value = row.bytes(Int32(i + 2)) else {
                    contact.nulls |= 1 << UInt32(i)
                    continue
                }
                let plain = Self.isPlainASCII(value)
                if !plain, let nul = value.firstIndex(of: 0) { value = UnsafeBufferPointer(rebasing: value[..<nul]) }
                if value.isEmpty {
                    contact.nulls |= 1 << UInt32(i)
                } else if !plain, String(validating: value, as: UTF8.self) == nil {
                    contact.bytes.append(contentsOf: String(decoding: value, as: UTF8.self).utf8)
                } else {
                    contact.bytes.append(contentsOf: value)
                }
            }
            contact.starts.append(Int32(contact.bytes.count))
            try body(contact)
        }
    }

    /// ASCII with no NUL byte (nearly every value): eight bytes at a time.
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        while i + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A high bit set, or a zero byte (the classic test: (w - 0x01…) & ~w & 0x80…).
            if (word | ((word &- 0x0101_0101_0101_0101) & ~word)) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < raw.count {
            if raw[i] == 0 || raw[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// A status as stored, read from its bytes (`unsubscribed` for anything else, as `Status(rawValue:)` read it).
    static func status(_ bytes: UnsafeBufferPointer<UInt8>?) -> Status {
        guard let bytes, let base = bytes.baseAddress else { return .unsubscribed }
        let length = bytes.firstIndex(of: 0) ?? bytes.count   // up to a NUL, as `String(cString:)` reads it
        // Compared as bytes: the generic compare of a slice with a String's UTF-8 was a
        // thirteenth of an export's reading thread.
        for (status, name) in statusNames where name.count == length {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, length) == 0 }) { return status }
        }
        return .unsubscribed
    }

    private static let statusNames = Status.allCases.map { ($0, Array($0.rawValue.utf8)) }

    func contactNumbers(location: Int64) throws -> [Int64] {
        try willUse(location: location)
        return try db.rows("SELECT contact_id FROM membership WHERE location_id = ? ORDER BY contact_id", [.int(location)]) { $0.int(0) }
    }

    func statuses(location: Int64) throws -> [Int64: (text: Status, email: Status)] {
        try willUse(location: location)
        var found: [Int64: (text: Status, email: Status)] = [:]
        for (number, text, email) in try db.rows("SELECT contact_id, text_status, email_status FROM membership WHERE location_id = ?",
                                                  [.int(location)], { ($0.int(0), $0.string(1), $0.string(2)) }) {
            found[number] = (Status(rawValue: text) ?? .unsubscribed, Status(rawValue: email) ?? .unsubscribed)
        }
        return found
    }

    func contactCount(practiceID: Int64) throws -> Int {
        try willUse(practice: practiceID)
        return Int(try db.first("SELECT count(*) FROM contact WHERE practice_id = ?", [.int(practiceID)]) { $0.int(0) } ?? 0)
    }

    func location(id: Int64) throws -> Location? {
        try db.first("""
            SELECT l.id, l.practice_id, p.name, l.name FROM location l JOIN practice p ON p.id = l.practice_id WHERE l.id = ?
            """, [.int(id)]) { r in Location(id: r.int(0), practiceID: r.int(1), practiceName: r.string(2), name: r.string(3)) }
    }

    // MARK: operations and the outbox

    func previousRun(location: Int64, sha256: String) throws -> (at: String, file: String, id: Int64, kind: String)? {
        try willUse(location: location)
        return try db.first("""
            SELECT at, coalesce(file_name, ''), id, kind FROM operation
            WHERE location_id = ? AND sha256 = ? AND undone_by IS NULL AND kind IN ('import', 'merge') ORDER BY id DESC LIMIT 1
            """, [.int(location), .text(sha256)]) { ($0.string(0), $0.string(1), $0.int(2), $0.string(3)) }
    }

    func beginOperation(kind: String, practiceID: Int64, location: Int64?, file: String?, sha256: String?,
                        consent: String?, at: String, from: Int64?) throws -> Int64 {
        try willUse(practice: practiceID)
        // Where the contacts and the status changes stood: what the operation makes is above
        // (schema 007; `contactsCreated(by:)`, `statusChanges(by:)`).
        return try db.insert("""
            INSERT INTO operation (kind, practice_id, location_id, file_name, sha256, consent, at, contact_mark, status_start,
                                   from_location_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM contact), (\(Self.highestStatusChangeSQL)), ?)
            """, [.text(kind), .int(practiceID), SQLValue(location), SQLValue(file), SQLValue(sha256), SQLValue(consent), .text(at),
                  SQLValue(from)])
    }

    /// The highest status change there is, or was: an undo that removed contacts took their
    /// rows, and a new row's id is still above theirs (schema 013), which an earlier
    /// operation's mark still covers. So an operation begins above every earlier one.
    static let highestStatusChangeSQL = """
        SELECT coalesce(max(v), 0) FROM (SELECT max(id) AS v FROM status_change
                                         UNION ALL SELECT max(status_mark) FROM operation
                                         UNION ALL SELECT max(status_start) FROM operation) AS highest
        """

    func finishOperation(_ id: Int64, counts: OperationCounts, sha256: String?) throws {
        try db.run("""
            UPDATE operation SET rows = ?, created = ?, updated = ?, copied = ?, unchanged = ?, skipped = ?, failed = ?,
                status_mark = (SELECT coalesce(max(id), 0) FROM status_change), sha256 = coalesce(?, sha256) WHERE id = ?
            """, [SQLValue(counts.rows), SQLValue(counts.created), SQLValue(counts.updated), SQLValue(counts.copied),
                  SQLValue(counts.unchanged), SQLValue(counts.skipped), SQLValue(counts.failed), SQLValue(sha256), .int(id)])
    }

    func queueWelcome(contact: Int64, to: String, operation: Int64, at: String) throws {
        try db.append(.outbox, [.int(contact), .int(operation), .text(to), .text(at)])
    }

    // MARK: undo

    /// What a merge replaced, for undo: the fields it changed and their values before, as
    /// a JSON object by snake_case field name in the template's order, `null` for a field
    /// that was empty, and the key `"*"` saying the object holds the changed fields only
    /// (schema 008). Revisions from before 008 hold every value, an empty one left out.
    /// Only the changed fields: a merge usually changes one or two, and writing all
    /// seventeen was a ninth of a merge (docs/PERFORMANCE.md). Written by hand, from bytes:
    /// Foundation's JSONSerialization (with sorted keys, which compare through ICU) was two
    /// thirds of a merge's time, and then appending to a String scalar by scalar a quarter.
    static func json(_ before: ContactValues, fields: TemplateFieldSet) -> String {
        var out = Array(#"{"*":"changed""#.utf8)
        for field in fields {
            out.append(contentsOf: jsonKeys[field.rawValue])
            if let value = before[field] {
                out.append(UInt8(ascii: "\""))
                appendJSONEscaped(value, to: &out)
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: "null".utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `,"snake_name":` of each field, as bytes.
    private static let jsonKeys = TemplateField.allCases.map { Array(",\"\($0.snakeName)\":".utf8) }

    /// A revision read back: the fields to restore and their values before (every field
    /// for a revision from before schema 008).
    static func revision(json: String) -> (fields: TemplateFieldSet, before: ContactValues) {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        let changedOnly = object["*"] as? String == "changed"
        var fields = TemplateFieldSet()
        var before = ContactValues()
        for field in TemplateField.allCases {
            let value = object[field.snakeName]
            guard !changedOnly || value != nil else { continue }
            fields.insert(field)
            before[field] = value as? String
        }
        return (fields, before)
    }

    /// A JSON string's contents: quote, backslash and controls escaped, and U+2028 and
    /// U+2029 too (JavaScript reads them as line ends); everything else as it is.
    static func appendJSONEscaped(_ value: String, to out: inout [UInt8]) {
        // `withUTF8`: a small string's bytes are read from the stack, not copied to an array.
        var value = value
        value.withUTF8 { appendJSONEscaped($0, to: &out) }
    }

    /// Copies runs of plain bytes whole; only the bytes that need it are escaped.
    private static func appendJSONEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0xE2 {
                i += 1
                continue
            }
            let isSeparator = byte == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)
            if byte == 0xE2 && !isSeparator {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            out.append(0x5C)
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0xE2:   // U+2028 or U+2029
                out.append(UInt8(ascii: "u")); out.append(0x32); out.append(0x30); out.append(0x32)
                out.append(bytes[i + 2] == 0xA8 ? 0x38 : 0x39)
                i += 2
            default:
                out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                hex.withUTF8Buffer { out.append($0[Int(byte >> 4)]); out.append($0[Int(byte & 0xF)]) }
            }
            i += 1
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }

    func operationForUndo(_ id: Int64) throws -> UndoTarget? {
        let target = try db.first("""
            SELECT id, kind, practice_id, location_id, file_name, coalesce(status_mark, 0), undone_by FROM operation WHERE id = ?
            """, [.int(id)]) { r in
            UndoTarget(id: r.int(0), kind: r.string(1), practiceID: r.int(2), locationID: r.isNull(3) ? nil : r.int(3),
                       file: r.text(4), statusMark: r.int(5), undoneBy: r.isNull(6) ? nil : r.int(6))
        }
        if let target {
            try willUse(practice: target.practiceID)
            // Read again under the practice's lock: another process may have undone it meanwhile.
            return try db.first("SELECT coalesce(status_mark, 0), undone_by FROM operation WHERE id = ?", [.int(id)]) { r in
                var fresh = target
                fresh.statusMark = r.int(0)
                fresh.undoneBy = r.isNull(1) ? nil : r.int(1)
                return fresh
            }
        }
        return nil
    }

    /// An operation's new contacts are above the highest id when it began (schema 007).
    static let contactsCreatedSQL = """
        SELECT id FROM contact WHERE id > (SELECT coalesce(contact_mark, 0) FROM operation WHERE id = ?1)
          AND created_operation = ?1 ORDER BY id
        """

    /// An operation's status changes are above the highest id when it began, and up to its mark.
    static let statusChangesByOperationSQL = """
        SELECT contact_id, location_id, channel, from_status, to_status FROM status_change
        WHERE id > (SELECT coalesce(status_start, 0) FROM operation WHERE id = ?1)
          AND id <= (SELECT coalesce(status_mark, 9223372036854775807) FROM operation WHERE id = ?1)
          AND operation_id = ?1 ORDER BY id DESC
        """

    func contactsCreated(by operation: Int64) throws -> [Int64] {
        try db.rows(Self.contactsCreatedSQL, [.int(operation)]) { $0.int(0) }
    }

    func membershipsAdded(by operation: Int64) throws -> [(contact: Int64, location: Int64)] {
        try db.rows("SELECT contact_id, location_id FROM membership WHERE added_operation = ? ORDER BY contact_id, location_id",
                    [.int(operation)]) { ($0.int(0), $0.int(1)) }
    }

    func revisions(by operation: Int64) throws -> [Revision] {
        try db.rows("SELECT contact_id, before FROM contact_revision WHERE operation_id = ? ORDER BY id DESC", [.int(operation)]) {
            let (fields, before) = Self.revision(json: $0.string(1))
            return Revision(contact: $0.int(0), fields: fields, before: before)
        }
    }

    func contactsWithFirstStatusesWrittenLater(by operation: Int64, statusMark: Int64) throws -> [Int64] {
        try db.rows("SELECT DISTINCT contact_id FROM status_change WHERE id > ? AND operation_id = ?",
                    [.int(statusMark), .int(operation)]) { $0.int(0) }
    }

    func statusChanges(by operation: Int64) throws -> [(contact: Int64, location: Int64, channel: Channel, from: Status?, to: Status)] {
        try db.rows(Self.statusChangesByOperationSQL, [.int(operation)]) { r in
            (r.int(0), r.int(1), Channel(rawValue: r.string(2)) ?? .text, r.text(3).flatMap(Status.init(rawValue:)),
             Status(rawValue: r.string(4)) ?? .unsubscribed)
        }
    }

    func changedAfter(operation: Int64, statusMark: Int64, contacts: [Int64], handChangeMatters: HandChangeFilter) throws -> [Int64] {
        var changed: [Int64] = []
        for contact in contacts {
            if try db.exists("SELECT 1 FROM contact_revision WHERE contact_id = ? AND operation_id > ? LIMIT 1", [.int(contact), .int(operation)])
                || db.exists("SELECT 1 FROM membership WHERE contact_id = ? AND added_operation > ? LIMIT 1", [.int(contact), .int(operation)])
                // A later operation that was itself undone, and the undo, cancel out. A row of
                // this or an earlier operation above this one's mark is first statuses kept in a
                // membership (schemas 006, 012), written out when a later move removed it: it
                // reads as written then, and the move itself changed nothing of this operation's.
                || db.exists("""
                    SELECT 1 FROM status_change s JOIN operation o ON o.id = s.operation_id
                    WHERE s.contact_id = ? AND s.id > ? AND o.undone_by IS NULL AND o.kind != 'undo' AND o.id > ?
                    LIMIT 1
                    """, [.int(contact), .int(statusMark), .int(operation)])
                || hasHandChange(contact: contact, after: statusMark, matters: handChangeMatters) {
                changed.append(contact)
            }
        }
        return changed
    }

    /// Whether a status set by hand since `statusMark` is one `matters` names.
    private func hasHandChange(contact: Int64, after statusMark: Int64, matters: HandChangeFilter) throws -> Bool {
        try db.rows("SELECT location_id, channel FROM status_change WHERE contact_id = ? AND id > ? AND operation_id IS NULL",
                    [.int(contact), .int(statusMark)]) { (location: $0.int(0), channel: Channel(rawValue: $0.string(1)) ?? .text) }
            .contains { matters(contact, $0.location, $0.channel) }
    }

    func laterChanges(operation: Int64, statusMark: Int64, contacts: [Int64], handChangeMatters: HandChangeFilter) throws -> [String] {
        var seen: [String] = []
        for contact in contacts {
            let later = try db.rows("""
                SELECT o.id, o.kind FROM operation o WHERE o.id > ?1 AND o.undone_by IS NULL AND o.kind != 'undo' AND (
                  EXISTS (SELECT 1 FROM contact_revision r WHERE r.operation_id = o.id AND r.contact_id = ?2)
                  OR EXISTS (SELECT 1 FROM membership m WHERE m.added_operation = o.id AND m.contact_id = ?2)
                  OR EXISTS (SELECT 1 FROM status_change s WHERE s.operation_id = o.id AND s.contact_id = ?2 AND s.id > ?3))
                ORDER BY o.id
                """, [.int(operation), .int(contact), .int(statusMark)]) { ($0.int(0), $0.string(1)) }
            for (id, kind) in later {
                let text = "#\(id) \(kind)"
                if !seen.contains(text) { seen.append(text) }
            }
            if !seen.contains("a status set by hand"), try hasHandChange(contact: contact, after: statusMark, matters: handChangeMatters) {
                seen.append("a status set by hand")
            }
        }
        return seen
    }

    func deleteContact(number: Int64) throws {
        willDelete()
        try willUse(contact: number)
        try db.run("DELETE FROM contact_revision WHERE contact_id = ?", [.int(number)])
        try db.run("DELETE FROM contact WHERE id = ?", [.int(number)])
    }

    func deleteUnsentWelcome(operation: Int64) throws -> Int {
        willDelete()
        return try db.run("DELETE FROM outbox WHERE operation_id = ? AND sent_at IS NULL", [.int(operation)])
    }

    func hasWaitingWelcome(contact: Int64, to address: String) throws -> Bool {
        // Compared as emails are everywhere (`Text.emailKey`), in Swift: SQL's lower() differs by engine.
        let key = Text.emailKey(address)
        return try db.rows("SELECT to_address FROM outbox WHERE contact_id = ? AND sent_at IS NULL AND drop_reason IS NULL",
                           [.int(contact)]) { $0.string(0) }
            .contains { Text.emailKey($0).utf8.elementsEqual(key.utf8) }
    }

    func sentWelcomeToCreated(operation: Int64) throws -> Int {
        Int(try db.first("""
            SELECT count(*) FROM outbox o JOIN contact c ON c.id = o.contact_id
            WHERE o.operation_id = ? AND o.sent_at IS NOT NULL AND c.created_operation = o.operation_id
            """, [.int(operation)]) { $0.int(0) } ?? 0)
    }

    func markUndone(_ operation: Int64, by undo: Int64) throws {
        willDelete()
        try db.run("UPDATE operation SET undone_by = ? WHERE id = ?", [.int(undo), .int(operation)])
        // Its revisions are spent: the values they kept are back in place.
        try db.run("DELETE FROM contact_revision WHERE operation_id = ?", [.int(operation)])
    }
}
