import Foundation
import Testing
@testable import RosterKit

/// Issue 8: `undo` reverts one import or merge, on every kind of row.
@Suite struct UndoTests {
    let header = "First Name,Last Name,Email,Phone (Mobile)\n"

    @Test func undoingAnImportRestoresTheDatabaseExactly() throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,\n", into: "Nashua")
        var before = try f.snapshot()
        // Created, copied (texts move from Nashua), skipped and failed rows in one import.
        let r = try f.importCSV(header + "Bo,Ray,bo@example.com,(603) 555-0124\nMary,Smith,mary@example.com,(603) 555-0123\nBo,Ray,bo@example.com,\nBad1,X,x@example.com,\n", into: "Hudson")
        #expect((r.created, r.copied, r.skipped, r.failed) == (1, 1, 1, 1))
        #expect(try f.membership("Mary", "Nashua")?.text == .unsubscribed)
        let id = try #require(r.historyID)
        let u = try Undoer(store: f.store, clock: fixedClock).undo(id)
        #expect((u.contactsRemoved, u.membershipsRemoved, u.statusesRestored, u.welcomeEmailsRemoved) == (1, 1, 1, 1))
        var after = try f.snapshot()
        // Status history keeps the record of what happened and of the undo.
        before["status_change"] = nil
        after["status_change"] = nil
        #expect(after == before)
        #expect(try f.membership("Mary", "Nashua")?.text == .subscribed)
        let history = try f.store.history(practice: nil, location: nil)
        #expect(history.map(\.kind) == ["import", "import", "undo"])
        #expect(history[1].undoneBy == u.historyID)
    }

    /// An undo removes the import's unsent welcome emails, and says how many had been sent
    /// already to the contacts it removes (their records go with them).
    @Test func undoSaysWhichWelcomeEmailsWereAlreadySent() throws {
        let f = try Fixture()
        let r = try f.importCSV(header + "Mary,Smith,mary@example.com,\nAnn,Lee,ann@example.com,\n", into: "Nashua", consent: "email")
        let first = try #require(try f.store.outbox().first)
        try f.store.markSent(ids: [first.id], at: "2026-11-25T13:00:00Z")
        let preview = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID), dryRun: true)
        #expect((preview.welcomeEmailsRemoved, preview.welcomeEmailsAlreadySent) == (1, 1))
        let u = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        #expect((u.contactsRemoved, u.welcomeEmailsRemoved, u.welcomeEmailsAlreadySent) == (2, 1, 1))
        #expect(try f.store.outbox().isEmpty)
    }

    /// A move into a location the contact is in already adds nothing there, but takes a
    /// membership away: a later change, so the import that copied them there stays (undoing it
    /// would leave them in no location, and lose the opt-out the move carried).
    @Test func aMoveIntoALocationTheContactIsInKeepsTheImportThatPutThemThere() throws {
        let f = try Fixture()
        try f.importCSV(header + "Ann,Lee,ann@example.com,(603) 555-0111\n", into: "Nashua", consent: "email,text")
        let ann = try f.contact(named: "Ann").id
        _ = try f.contacts.setStatus(ann, location: "Nashua", practice: nil, channel: .text, status: .optedOut)
        let copied = try f.importCSV(header + "Ann,Lee,ann@example.com,(603) 555-0111\n", into: "Hudson", consent: "email,text")
        #expect(copied.copied == 1)
        let move = try f.contacts.copy(from: "Nashua", to: "Hudson", practice: nil, ids: [ann], move: true)
        #expect(move.alreadyThere == 1 && move.moved == 1)
        #expect(throws: UndoError.self) { try Undoer(store: f.store, clock: fixedClock).undo(try #require(copied.historyID)) }
        do {
            _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(copied.historyID))
        } catch let error as UndoError {
            #expect("\(error)".contains("move"), "\(error)")
        }
        #expect(try f.contact(named: "Ann").memberships.map(\.locationName) == ["Hudson"])
        #expect(try f.membership("Ann", "Hudson")?.text == .optedOut)
        // The move is in her history.
        let history = try f.contacts.show(ann).history
        #expect(history.contains { $0.location == "Nashua" && $0.to == "removed" && $0.reason == "moved to Hudson" }, "\(history)")
    }

    /// An undo that removed contacts took their status rows: a later run still begins after
    /// every earlier one, and a contact's history keeps their order.
    @Test func theHistoryKeepsItsOrderAfterAnUndoRemovedTheNewestRows() throws {
        let f = try Fixture()
        try f.importCSV(header + "Ann,Lee,ann@example.com,(603) 555-0111\n", into: "Nashua", consent: "email,text")
        let xeno = try f.importCSV(header + "Xeno,Ray,xeno@example.com,(603) 555-0199\n", into: "Nashua", consent: "email,text")
        let xenoID = try f.contact(named: "Xeno").id
        let merged = try f.importCSV("Contact ID,First Name\n\(xenoID),Xeno\n", into: "Hudson", consent: "text") { $0.mode = .merge }
        #expect(merged.copied == 1)
        try f.importCSV("First Name,Last Name,Email\nAnn,Lee,ann@example.com\n", into: "Hudson", consent: "email")
        _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(merged.historyID))
        _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(xeno.historyID))
        let ann = try f.contact(named: "Ann").id
        try f.importCSV("Contact ID,Nickname\n\(ann),Annie\n", into: "Salem", consent: "email") { $0.mode = .merge }
        let order = try f.contacts.show(ann).history.filter { $0.from == nil }.map(\.location)
        #expect(order == ["Nashua", "Nashua", "Hudson", "Hudson", "Salem", "Salem"], "\(order)")
    }

    /// Schema 011: `outbox mark-sent N` takes a number from an earlier listing; after an undo
    /// removed the newest messages, the next import's messages get new numbers, not theirs.
    @Test func welcomeEmailNumbersAreNeverHandedOutAgain() throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,\n", into: "Nashua", consent: "email")
        let r = try f.importCSV(header + "Ann,Lee,ann@example.com,\n", into: "Nashua", consent: "email")
        let undone = try #require(try f.store.outbox().map(\.id).max())
        _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        try f.importCSV(header + "Bo,Ray,bo@example.com,\n", into: "Nashua", consent: "email")
        let numbers = try f.store.outbox().map(\.id)
        #expect(numbers.count == 2)
        #expect(numbers.max()! > undone, "\(numbers) reuses #\(undone)")
    }

    /// An undo is not undone again; the message says what undo reverts.
    @Test func anUndoIsNotUndone() throws {
        let f = try Fixture()
        let r = try f.importCSV(header + "Mary,Smith,mary@example.com,\n", into: "Nashua")
        let u = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        let undoID = try #require(u.historyID)
        #expect(throws: UndoError.notUndoable(id: undoID, kind: "undo")) { try Undoer(store: f.store, clock: fixedClock).undo(undoID) }
        #expect(UndoError.notUndoable(id: undoID, kind: "undo").description == "#\(undoID) is an undo; undo reverts imports, merges and copies")
        #expect(UndoError.notUndoable(id: 3, kind: "move").description.hasPrefix("#3 is a move, which took memberships away"))
    }

    /// A copy is undone as a merge's added memberships are: the memberships it added go, the
    /// texts it moved come back; one already there is left. A move is refused, with the way
    /// back. A status set by hand on a membership the copy added keeps the copy.
    @Test func aCopyIsUndoneAndAMoveIsNot() throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,(603) 555-0124\n", consent: "email,text")
        let mary = try f.contact(named: "Mary").id, ann = try f.contact(named: "Ann").id
        _ = try f.contacts.copy(from: "Nashua", to: "Hudson", practice: nil, ids: [ann], move: false)
        let before = try f.snapshot()["membership"]
        _ = try f.contacts.copy(from: "Nashua", to: "Salem", practice: nil, ids: nil, move: false)
        #expect(try f.membership("Mary", "Nashua")?.text == .unsubscribed)
        let copyID = try #require(try f.store.history(practice: nil, location: nil).map(\.id).max())
        let undone = try Undoer(store: f.store, clock: fixedClock).undo(copyID)
        #expect((undone.kind, undone.membershipsRemoved) == ("copy", 2))
        #expect(try f.snapshot()["membership"] == before)
        #expect(try f.membership("Mary", "Nashua")?.text == .subscribed)
        #expect(try f.contact(named: "Mary").memberships.map(\.locationName) == ["Nashua"])
        try f.checkIntegrity()

        _ = try f.contacts.copy(from: "Nashua", to: "Salem", practice: nil, ids: [mary], move: false)
        let again = try #require(try f.store.history(practice: nil, location: nil).map(\.id).max())
        _ = try f.contacts.setStatus(mary, location: "Salem", practice: nil, channel: .email, status: .optedOut)
        #expect(throws: UndoError.changedLater(id: again, contacts: [mary], by: ["a status set by hand"])) {
            try Undoer(store: f.store, clock: fixedClock).undo(again)
        }
        _ = try f.contacts.copy(from: "Hudson", to: "Salem", practice: nil, ids: [ann], move: true)
        let move = try #require(try f.store.history(practice: nil, location: nil).map(\.id).max())
        #expect(throws: UndoError.notUndoable(id: move, kind: "move")) { try Undoer(store: f.store, clock: fixedClock).undo(move) }
    }

    /// Schema 007: undo finds what an operation made from where the contacts and the status
    /// changes stood when it began. An operation recorded before 007 has no marks, and is
    /// undone the same; others' rows around it are left alone.
    @Test(arguments: [true, false])
    func undoFindsWhatTheOperationMadeWithOrWithoutItsMarks(marked: Bool) throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,\n", into: "Nashua")
        let before = try f.snapshot()
        let r = try f.importCSV(header + "Bo,Ray,bo@example.com,(603) 555-0124\nMary,Smith,mary@example.com,(603) 555-0123\nCy,Hu,,(603) 555-0125\n",
                                into: "Hudson")
        #expect((r.created, r.copied) == (2, 1))
        let id = try #require(r.historyID)
        if !marked {
            try f.store.write(commit: true) { tx in
                _ = try #require(tx as? SQLTransaction).db.run("UPDATE operation SET contact_mark = NULL, status_start = NULL WHERE id = ?", [.int(id)])
            }
        }
        let u = try Undoer(store: f.store, clock: fixedClock).undo(id)
        #expect((u.contactsRemoved, u.membershipsRemoved, u.statusesRestored) == (2, 1, 1))
        var after = try f.snapshot()
        #expect(after["contact"] == before["contact"] && after["membership"] == before["membership"])
        after["status_change"] = nil
        var expected = before
        expected["status_change"] = nil
        #expect(after == expected)
    }

    /// An import takes its new contacts' numbers ahead (to write them many to a statement):
    /// a number is still never used twice, not after an undo removed the newest contacts,
    /// nor after a dry run or a refused import took numbers it did not keep.
    @Test func aContactNumberIsNeverUsedTwice() throws {
        let f = try Fixture()
        func numbers() throws -> [Int64] { try f.store.dump("SELECT id FROM contact ORDER BY id", columns: 1).map { Int64($0[0] ?? "") ?? 0 } }
        try f.importCSV(header + "Mary,Smith,mary@example.com,\n")
        let r = try f.importCSV(header + "Ann,Lee,ann@example.com,\nBo,Ray,bo@example.com,\n", into: "Hudson")
        #expect(try numbers() == [1, 2, 3])
        _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        #expect(try numbers() == [1])
        try f.importCSV(header + "Cy,Hu,cy@example.com,\n", into: "Salem") { $0.dryRun = true }
        #expect(try numbers() == [1])
        try f.importCSV(header + "Di,Ng,di@example.com,\nEd,Os,ed@example.com,\n", into: "Salem")
        let latest = try numbers()
        #expect(latest.count == 3 && latest[0] == 1 && latest[1] > 3 && latest[2] == latest[1] + 1, "\(latest)")
    }

    @Test func undoReadsAnOperationsContactsAndStatusChangesAsRangesOfIds() throws {
        let f = try Fixture()
        guard f.engine == .sqlite else { return }
        let db = try #require(f.store.executor as? SQLiteConnection)
        for sql in [SQLTransaction.contactsCreatedSQL, SQLTransaction.statusChangesByOperationSQL] {
            let plan = try db.rows("EXPLAIN QUERY PLAN \(sql)", [.int(1)]) { $0.string(3) }
            #expect(plan.contains { $0.contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)") || $0.contains("INTEGER PRIMARY KEY (rowid>?)") },
                    "\(plan)")
        }
    }

    @Test func undoingAMergeRestoresUpdatedValuesAndRemovesAddedMemberships() throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,\n")
        let mary = try f.contact(named: "Mary").id, ann = try f.contact(named: "Ann").id
        let before = try f.snapshot()
        let maryBefore = try f.contacts.show(mary).values
        let r = try f.importCSV("Contact ID,Last Name,Phase\n\(mary),Jones,Lead-New\n\(ann),,\n", into: "Hudson", consent: "text") { $0.mode = .merge }
        #expect((r.updated, r.copied) == (1, 1))
        let u = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        #expect((u.contactsRestored, u.membershipsRemoved, u.contactsRemoved) == (1, 2, 0))
        var after = try f.snapshot()
        var expected = before
        after["status_change"] = nil
        expected["status_change"] = nil
        // updated_at moves on: compare everything else.
        #expect(try f.contacts.show(mary).values == maryBefore)
        #expect(try f.contacts.show(mary).values[.lastName] == "Smith")
        #expect(try f.contacts.show(mary).values[.phase] == "No Phase")
        #expect(after["membership"] == expected["membership"])
        #expect(try f.membership("Mary", "Nashua")?.text == .subscribed)
    }

    /// Undo of a merge that filled an empty field, emptied one (`--clear-empty`) and changed
    /// a name and an email: every value and identity key comes back, whether the revision
    /// holds the changed fields (schema 008) or every value (as written before 008).
    @Test(arguments: [false, true])
    func undoingAMergeRestoresEveryValueFromEitherFormOfRevision(everyValue: Bool) throws {
        let f = try Fixture()
        try f.importCSV("First Name,Last Name,Nickname,Email,City,Notes\nMary,Smith,Molly,mary@example.com,,\"a \"\"quoted\"\" note\"\n")
        let mary = try f.contact(named: "Mary")
        let keys = { try f.store.dump("SELECT email_key, first_key, last_key FROM contact", columns: 3) }
        let keysBefore = try keys()
        let r = try f.importCSV("Contact ID,First Name,Last Name,Nickname,Email,City\n\(mary.id),Marie,Jones,,marie@example.com,Nashua\n",
                                consent: "none") { $0.mode = .merge; $0.clearEmpty = true }
        #expect(r.updated == 1)
        let merged = try f.contacts.show(mary.id).values
        #expect(merged[.firstName] == "Marie" && merged[.nickname] == nil && merged[.city] == "Nashua" && merged[.notes] == mary.values[.notes])
        let id = try #require(r.historyID)
        if everyValue {
            var object: [String: String] = [:]
            for field in TemplateField.allCases { object[field.snakeName] = mary.values[field] }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            try f.store.write(commit: true) { tx in
                _ = try #require(tx as? SQLTransaction).db.run("UPDATE contact_revision SET before = ? WHERE operation_id = ?", [.text(json), .int(id)])
            }
        }
        let u = try Undoer(store: f.store, clock: fixedClock).undo(id)
        #expect(u.contactsRestored == 1)
        #expect(try f.contacts.show(mary.id).values == mary.values)
        #expect(try keys() == keysBefore)
    }

    @Test func refusesWhenALaterOperationChangedItsContacts() throws {
        let f = try Fixture()
        let first = try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,\n")
        let mary = try f.contact(named: "Mary").id
        let later = try f.importCSV("Contact ID,Notes\n\(mary),called\n") { $0.mode = .merge }
        let undoer = Undoer(store: f.store, clock: fixedClock)
        #expect(throws: UndoError.changedLater(id: try #require(first.historyID), contacts: [mary], by: ["#2 merge"])) {
            try undoer.undo(try #require(first.historyID))
        }
        // Newest first works.
        _ = try undoer.undo(try #require(later.historyID))
        _ = try undoer.undo(try #require(first.historyID))
        #expect(try f.count("contact") == 0)
        #expect(throws: UndoError.alreadyUndone(id: try #require(first.historyID), by: 4)) { try undoer.undo(try #require(first.historyID)) }
    }

    @Test func aStatusChangedByHandAfterwardsBlocksTheUndo() throws {
        let f = try Fixture()
        let r = try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\n")
        _ = try f.contacts.setStatus(f.contact(named: "Mary").id, location: "Nashua", practice: nil, channel: .email, status: .optedOut)
        #expect(throws: UndoError.self) { try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID)) }
        #expect(try f.count("contact") == 1)
    }

    /// A status set by hand where the undo changes nothing (an opt-out of a contact whose
    /// fields a merge changed) stands beside the undo: the fields come back, the opt-out stays.
    /// One on a membership the undo would remove, or on a status it would put back, still
    /// blocks it.
    @Test func aStatusSetByHandBlocksTheUndoOnlyWhereTheUndoWouldChangeIt() throws {
        let f = try Fixture()
        try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\nAnn,Lee,ann@example.com,(603) 555-0124\n", consent: "email,text")
        let mary = try f.contact(named: "Mary").id, ann = try f.contact(named: "Ann").id
        let undoer = Undoer(store: f.store, clock: fixedClock)

        let edit = try f.importCSV("Contact ID,Last Name\n\(mary),Jones\n") { $0.mode = .merge }
        _ = try f.contacts.setStatus(mary, location: "Nashua", practice: nil, channel: .email, status: .optedOut)
        let undone = try undoer.undo(try #require(edit.historyID))
        #expect(undone.contactsRestored == 1)
        #expect(try f.contact(named: "Mary").values[.lastName] == "Smith")
        #expect(try f.membership("Mary", "Nashua")?.email == .optedOut)

        // A merge into Hudson adds Ann there and takes her texts from Nashua.
        let added = try f.importCSV("Contact ID,Notes\n\(ann),moved\n", into: "Hudson", consent: "email,text") { $0.mode = .merge }
        #expect(try f.membership("Ann", "Nashua")?.text == .unsubscribed)
        // Her email at Nashua is none of the merge's: the undo goes on.
        _ = try f.contacts.setStatus(ann, location: "Nashua", practice: nil, channel: .email, status: .optedOut)
        let before = try f.snapshot()
        _ = try undoer.undo(try #require(added.historyID), dryRun: true)
        #expect(try f.snapshot() == before)
        // Her texts at Nashua, which the undo would turn back on, and her email at Hudson,
        // which it would remove, block it.
        // An opt-out of texts at a third location, which the undo would turn back on
        // at Nashua, blocks it too: the person's later word.
        for (location, channel) in [("Nashua", Channel.text), ("Hudson", .email), ("Salem", .text)] {
            let f = try Fixture()
            try f.importCSV(header + "Ann,Lee,ann@example.com,(603) 555-0124\n", consent: "email,text")
            try f.importCSV(header + "Ann,Lee,ann@example.com,(603) 555-0124\n", into: "Salem", consent: "email")
            let ann = try f.contact(named: "Ann").id
            let added = try f.importCSV("Contact ID,Notes\n\(ann),moved\n", into: "Hudson", consent: "email,text") { $0.mode = .merge }
            _ = try f.contacts.setStatus(ann, location: location, practice: nil, channel: channel, status: .optedOut)
            #expect(throws: UndoError.changedLater(id: try #require(added.historyID), contacts: [ann], by: ["a status set by hand"])) {
                try Undoer(store: f.store, clock: fixedClock).undo(try #require(added.historyID))
            }
        }
        let back = try undoer.undo(try #require(added.historyID))
        #expect((back.membershipsRemoved, back.statusesRestored) == (1, 1))
        #expect(try f.contact(named: "Ann").memberships.map(\.locationName) == ["Nashua"])
        #expect(try f.membership("Ann", "Nashua")?.text == .subscribed)
        #expect(try f.membership("Ann", "Nashua")?.email == .optedOut)
        try f.checkIntegrity()
    }

    /// An email a merge changed away from, taken since by a new contact, is not put back:
    /// two contacts would hold it (a hostile-input audit). Once the new one lets it go, the
    /// undo goes on.
    @Test func anUndoDoesNotGiveBackAnEmailAnotherContactHoldsNow() throws {
        let f = try Fixture()
        try f.importCSV(header + "Ann,Lee,ann@example.com,\n", consent: "email")
        let ann = try f.contact(named: "Ann").id
        let merge = try f.importCSV("Contact ID,Email\n\(ann),ann2@example.com\n") { $0.mode = .merge }
        try f.importCSV(header + "Bob,Smith,ann@example.com,\n", into: "Hudson", consent: "email")
        let bob = try f.contact(named: "Bob").id
        let before = try f.snapshot()
        #expect(throws: UndoError.identityClash(id: try #require(merge.historyID), contact: ann, other: bob, field: "Email")) {
            try Undoer(store: f.store, clock: fixedClock).undo(try #require(merge.historyID))
        }
        #expect(try f.snapshot() == before)
        #expect(UndoError.identityClash(id: 2, contact: ann, other: bob, field: "Email").description.contains("Change one of them by a merge first"))
    }

    @Test func dryRunChangesNothingAndUnknownIDsAreClear() throws {
        let f = try Fixture()
        let r = try f.importCSV(header + "Mary,Smith,mary@example.com,(603) 555-0123\n")
        let before = try f.snapshot()
        let u = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID), dryRun: true)
        #expect(u.contactsRemoved == 1 && u.dryRun && u.historyID == nil)
        #expect(try f.snapshot() == before)
        #expect(throws: UndoError.notFound(99)) { try Undoer(store: f.store).undo(99) }
    }

    @Test func afterAnUndoTheSameFileMayBeImportedAgain() throws {
        let f = try Fixture()
        let path = f.scratch.file("list.csv", header + "Mary,Smith,mary@example.com,\n")
        let request = ImportRequest(path: path, location: "Nashua", consent: Consent(email: true, text: false))
        let r = try f.importer.run(request)
        _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
        #expect(try f.importer.run(request).created == 1)
    }
}

@Suite struct UndoRefusalTests {
    @Test func theRefusalNamesTheLaterChanges() throws {
        let f = try Fixture()
        let r = try f.importCSV("First Name,Email,Phone (Mobile)\nMary,mary@example.com,(603) 555-0123\n")
        let mary = try f.contact(named: "Mary").id
        _ = try f.contacts.copy(from: "Nashua", to: "Hudson", practice: nil, ids: [mary], move: false)
        _ = try f.contacts.setStatus(mary, location: "Hudson", practice: nil, channel: .email, status: .optedOut)
        do {
            _ = try Undoer(store: f.store, clock: fixedClock).undo(try #require(r.historyID))
            Issue.record("expected a refusal")
        } catch let error as UndoError {
            guard case .changedLater(_, let contacts, let by) = error else { Issue.record("\(error)"); return }
            #expect(contacts == [mary])
            #expect(by == ["#2 copy", "a status set by hand"])
            #expect(error.description.contains("#2 copy, a status set by hand"))
        }
    }
}
