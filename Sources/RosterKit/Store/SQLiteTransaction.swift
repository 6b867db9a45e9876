import Foundation

/// The row-level reads and writes of one SQLite transaction.
final class SQLiteTransaction: ContactTransaction {
    let db: SQLiteConnection

    init(db: SQLiteConnection) { self.db = db }

    static let valueColumns = TemplateField.allCases.map(\.snakeName).joined(separator: ", ")

    private func readContact(_ row: Row) -> StoredContact {
        var values = ContactValues()
        for field in TemplateField.allCases { values[field] = row.text(Int32(field.rawValue + 2)) }
        return StoredContact(number: row.int(0), practiceID: row.int(1), values: values)
    }

    private func keys(_ values: ContactValues) -> [SQLValue] {
        [SQLValue(values[.email]?.lowercased()), .text((values[.firstName] ?? "").lowercased()),
         .text((values[.lastName] ?? "").lowercased())]
    }

    func contact(number: Int64, practiceID: Int64) throws -> StoredContact? {
        try db.statement(Self.byNumberSQL).first([.int(number), .int(practiceID)], readContact)
    }

    func contacts(practiceID: Int64, firstKey: String, lastKey: String) throws -> [StoredContact] {
        try db.statement(Self.byNameSQL)
            .rows([.int(practiceID), .text(firstKey), .text(lastKey)], readContact)
    }

    func contactsUsingEmail(practiceID: Int64, emailKey: String) throws -> [Int64] {
        try db.statement("SELECT id FROM contact WHERE practice_id = ? AND email_key = ? ORDER BY id")
            .rows([.int(practiceID), .text(emailKey)]) { $0.int(0) }
    }

    func contactsUsingPhone(practiceID: Int64, phone: String, firstKey: String) throws -> [Int64] {
        try db.statement("SELECT id FROM contact WHERE practice_id = ? AND phone = ? AND first_key = ? ORDER BY id")
            .rows([.int(practiceID), .text(phone), .text(firstKey)]) { $0.int(0) }
    }

    func findContacts(practiceID: Int64?, text: String, phone: String?, limit: Int) throws -> [StoredContact] {
        let like = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let sql = Self.contactSelect + """
             WHERE (?1 IS NULL OR practice_id = ?1) AND (
               (first_key || ' ' || last_key) LIKE ?2 ESCAPE '\\' OR email_key LIKE ?2 ESCAPE '\\'
               OR lower(coalesce(nickname, '')) LIKE ?2 ESCAPE '\\'
               OR (?3 IS NOT NULL AND (phone = ?3 OR home_phone = ?3)))
             ORDER BY last_key, first_key, id LIMIT ?4
            """
        return try db.statement(sql).rows([SQLValue(practiceID), .text(like), SQLValue(phone), .int(Int64(limit))], readContact)
    }

    static let insertContactSQL = """
        INSERT INTO contact (practice_id, \(valueColumns), email_key, first_key, last_key, created_at, updated_at)
        VALUES (\(Array(repeating: "?", count: TemplateField.allCases.count + 6).joined(separator: ", ")))
        """
    static let updateContactSQL = """
        UPDATE contact SET \(TemplateField.allCases.map { "\($0.snakeName) = ?" }.joined(separator: ", ")),
        email_key = ?, first_key = ?, last_key = ?, updated_at = ? WHERE id = ?
        """
    static let contactSelect = "SELECT id, practice_id, \(SQLiteTransaction.valueColumns) FROM contact"
    static let byNumberSQL = contactSelect + " WHERE id = ? AND practice_id = ?"
    static let byNameSQL = contactSelect + " WHERE practice_id = ? AND first_key = ? AND last_key = ? ORDER BY id"

    func insertContact(practiceID: Int64, values: ContactValues, at: String) throws -> Int64 {
        let statement = try db.statement(Self.insertContactSQL)
        var args: [SQLValue] = [.int(practiceID)]
        args += TemplateField.allCases.map { SQLValue(values[$0]) }
        args += keys(values)
        args += [.text(at), .text(at)]
        try statement.run(args)
        return db.lastInsertRowID
    }

    func updateContact(number: Int64, values: ContactValues, at: String) throws {
        let statement = try db.statement(Self.updateContactSQL)
        var args = TemplateField.allCases.map { SQLValue(values[$0]) }
        args += keys(values)
        args += [.text(at), .int(number)]
        try statement.run(args)
    }

    func memberships(contact: Int64) throws -> [Membership] {
        try db.statement("""
            SELECT m.location_id, l.name, m.text_status, m.email_status FROM membership m
            JOIN location l ON l.id = m.location_id WHERE m.contact_id = ? ORDER BY l.name_key
            """).rows([.int(contact)]) { r in
            Membership(locationID: r.int(0), locationName: r.string(1),
                       text: Status(rawValue: r.string(2)) ?? .unsubscribed, email: Status(rawValue: r.string(3)) ?? .unsubscribed)
        }
    }

    func insertMembership(contact: Int64, location: Int64, text: Status, email: Status, at: String) throws {
        try db.statement("INSERT INTO membership (contact_id, location_id, text_status, email_status, added_at) VALUES (?, ?, ?, ?, ?)")
            .run([.int(contact), .int(location), .text(text.rawValue), .text(email.rawValue), .text(at)])
    }

    func deleteMembership(contact: Int64, location: Int64) throws {
        try db.statement("DELETE FROM membership WHERE contact_id = ? AND location_id = ?").run([.int(contact), .int(location)])
    }

    func setStatus(contact: Int64, location: Int64, channel: Channel, status: Status, at: String) throws {
        let column = channel == .text ? "text_status" : "email_status"
        try db.statement("UPDATE membership SET \(column) = ? WHERE contact_id = ? AND location_id = ?")
            .run([.text(status.rawValue), .int(contact), .int(location)])
    }

    func recordStatusChange(contact: Int64, location: Int64, channel: Channel, from: Status?, to: Status,
                            reason: String, operation: Int64?, at: String) throws {
        try db.statement("""
            INSERT INTO status_change (contact_id, location_id, channel, from_status, to_status, reason, operation_id, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.int(contact), .int(location), .text(channel.rawValue), SQLValue(from?.rawValue), .text(to.rawValue),
                      .text(reason), SQLValue(operation), .text(at)])
    }

    func statusChanges(contact: Int64) throws -> [StatusChange] {
        try db.statement("""
            SELECT l.name, s.channel, s.from_status, s.to_status, s.reason, s.at FROM status_change s
            JOIN location l ON l.id = s.location_id WHERE s.contact_id = ? ORDER BY s.id
            """).rows([.int(contact)]) { r in
            StatusChange(location: r.string(0), channel: r.string(1), from: r.text(2), to: r.string(3), reason: r.string(4), at: r.string(5))
        }
    }

    func contactNumbers(location: Int64) throws -> [Int64] {
        try db.statement("SELECT contact_id FROM membership WHERE location_id = ? ORDER BY contact_id").rows([.int(location)]) { $0.int(0) }
    }

    func location(id: Int64) throws -> Location? {
        try db.statement("""
            SELECT l.id, l.practice_id, p.name, l.name FROM location l JOIN practice p ON p.id = l.practice_id WHERE l.id = ?
            """).first([.int(id)]) { r in Location(id: r.int(0), practiceID: r.int(1), practiceName: r.string(2), name: r.string(3)) }
    }

    func previousRun(location: Int64, sha256: String) throws -> String? {
        try db.statement("SELECT at FROM operation WHERE location_id = ? AND sha256 = ? ORDER BY id DESC LIMIT 1")
            .first([.int(location), .text(sha256)]) { $0.string(0) }
    }

    func beginOperation(kind: String, practiceID: Int64, location: Int64?, file: String?, sha256: String?,
                        consent: String?, at: String) throws -> Int64 {
        try db.statement("""
            INSERT INTO operation (kind, practice_id, location_id, file_name, sha256, consent, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).run([.text(kind), .int(practiceID), SQLValue(location), SQLValue(file), SQLValue(sha256), SQLValue(consent), .text(at)])
        return db.lastInsertRowID
    }

    func finishOperation(_ id: Int64, counts: OperationCounts) throws {
        try db.statement("""
            UPDATE operation SET rows = ?, created = ?, updated = ?, copied = ?, unchanged = ?, skipped = ?, failed = ? WHERE id = ?
            """).run([SQLValue(counts.rows), SQLValue(counts.created), SQLValue(counts.updated), SQLValue(counts.copied),
                      SQLValue(counts.unchanged), SQLValue(counts.skipped), SQLValue(counts.failed), .int(id)])
    }

    func queueWelcome(contact: Int64, to: String, operation: Int64, at: String) throws {
        try db.statement("INSERT INTO outbox (contact_id, operation_id, to_address, queued_at) VALUES (?, ?, ?, ?)")
            .run([.int(contact), .int(operation), .text(to), .text(at)])
    }
}
