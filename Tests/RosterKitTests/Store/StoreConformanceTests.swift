import Foundation
import Testing
@testable import RosterKit

/// The store interface's contract, run against every engine (issue 9): SQLite always,
/// PostgreSQL when `ROSTER_TEST_POSTGRES_URL` names a server. Every domain test also runs
/// on PostgreSQL with `ROSTER_TEST_STORE=postgresql` (`.ci/run` does both).
@Suite struct StoreConformanceTests {
    static let at = "2026-11-25T12:00:00Z"

    func values(_ first: String, _ last: String? = nil, email: String? = nil, phone: String? = nil,
                notes: String? = nil, nickname: String? = nil) -> ContactValues {
        var values = ContactValues()
        values[.firstName] = first
        values[.lastName] = last
        values[.nickname] = nickname
        values[.email] = email
        values[.phone] = phone
        values[.notes] = notes
        values[.phase] = "No Phase"
        return values
    }

    /// A store with practices "North PT" (locations A, B) and "South PT" (location A).
    func places(_ engine: Engine, _ scratch: Scratch) throws -> (SQLStore, north: Practice, a: Location, b: Location, southA: Location) {
        let store = try engine.makeStore(scratch)
        let north = try store.addPractice(name: "North PT", details: PracticeDetails(ownerFullName: "Ann Owner"), at: Self.at)
        _ = try store.addPractice(name: "South PT", details: PracticeDetails(), at: Self.at)
        let a = try store.addLocation(name: "A", practice: "North PT", at: Self.at)
        let b = try store.addLocation(name: "B", practice: "North PT", at: Self.at)
        let southA = try store.addLocation(name: "A", practice: "South PT", at: Self.at)
        return (store, north, a, b, southA)
    }

    /// A name or setting with a line break, an escape or an invisible character, or a name
    /// far too long, is refused naming what to fix (a hostile-input audit: `Evil\e[2J\nName`
    /// broke `location list`; an owner `Phil\nBcc: x` put a line of its own in every email).
    @Test(arguments: Engine.available)
    func placeNamesAndSettingsAreOneLineOfVisibleText(engine: Engine) throws {
        let scratch = Scratch()
        let (store, _, _, _, _) = try places(engine, scratch)
        for bad in ["Evil\u{1B}[2J\nName", "Tab\tName", "B\u{200B}", "Main\u{2028}St", String(repeating: "x", count: 101)] {
            #expect(throws: StoreError.self) { try store.addLocation(name: bad, practice: "North PT", at: Self.at) }
            #expect(throws: StoreError.self) { try store.addPractice(name: bad, details: PracticeDetails(), at: Self.at) }
        }
        do {
            _ = try store.addLocation(name: "B\u{200B}", practice: "North PT", at: Self.at)
        } catch {
            #expect("\(error)".contains("invisible character"))
        }
        #expect(throws: StoreError.invalidPracticeSetting(option: "--owner", value: "Phil Bcc: x", problem: "has a line break, a tab or another control character: give it on one line")) {
            try store.updatePractice(name: "North PT", details: PracticeDetails(ownerFullName: "Phil\nBcc: x"))
        }
        #expect(try store.locations(practice: "North PT").map(\.name) == ["A", "B"])
        #expect(try store.addLocation(name: "Main St – Suite 2 (Nashua)", practice: "North PT", at: Self.at).name == "Main St – Suite 2 (Nashua)")
    }

    @Test(arguments: Engine.available)
    func placesAreNamedCaseInsensitivelyAndErrorsListTheKnownOnes(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, a, _, _) = try places(engine, scratch)
        #expect(try store.practices().map(\.name) == ["North PT", "South PT"])
        #expect(try store.practice(named: "  north pt ") == north)
        #expect(north.ownerFullName == "Ann Owner")
        #expect(throws: StoreError.practiceExists("North PT")) { try store.addPractice(name: "north pt", details: PracticeDetails(), at: Self.at) }
        #expect(throws: StoreError.locationExists("A", practice: "North PT")) { try store.addLocation(name: "a", practice: "North PT", at: Self.at) }
        #expect(throws: StoreError.practiceRequired(location: "A", practices: ["North PT", "South PT"])) { try store.location(named: "A", practice: nil) }
        #expect(try store.location(named: "b", practice: nil).name == "B")
        #expect(try store.location(named: "a", practice: "North PT") == a)
        #expect(throws: StoreError.unknownLocation("C", known: ["A", "B"], practice: "North PT")) { try store.location(named: "C", practice: "North PT") }
        #expect(try store.locations(practice: nil).map { "\($0.practiceName)/\($0.name)" } == ["North PT/A", "North PT/B", "South PT/A"])
        let updated = try store.updatePractice(name: "North PT", details: PracticeDetails(phone: "(603) 555-0100"))
        #expect(updated.phone == "(603) 555-0100" && updated.ownerFullName == "Ann Owner")
        #expect(try store.practice(named: "North PT").phone == "(603) 555-0100")
    }

    @Test(arguments: Engine.available)
    func contactsRoundTripEveryCharacterAndAreFoundByTheirKeys(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, _, _, _) = try places(engine, scratch)
        let hostile = values("Zoë", "O'Brien", email: "Zoe.OBrien@Example.com", phone: "+16035550101",
                             notes: "Robert'); DROP TABLE contact;--\n=HYPERLINK(\"x\")\t😀 e\u{301} 100% _done_ \\ ?1 $1",
                             nickname: "ÉLODIE")
        let number = try store.write(commit: true) { tx throws in
            try tx.insertContact(practiceID: north.id, values: hostile, at: Self.at, operation: nil)
        }
        try store.read { tx throws in
            #expect(try tx.contact(number: number, practiceID: north.id)?.values == hostile)
            #expect(try tx.contact(number: number, practiceID: north.id + 1) == nil, "another practice's contact is invisible")
            // Each lookup by the key's index, and among named contacts (which must have the key).
            for among in [nil, [number], [number - 1, number, number + 1]] as [[Int64]?] {
                #expect(try tx.contactsUsingEmail(practiceID: north.id, emailKey: "zoe.obrien@example.com", among: among) == [number])
                #expect(try tx.contactsUsingEmail(practiceID: north.id + 1, emailKey: "zoe.obrien@example.com", among: among) == [])
                #expect(try tx.contactsUsingPhone(practiceID: north.id, phone: "+16035550101", firstKey: "zoë", among: among) == [number])
                #expect(try tx.contactsUsingPhone(practiceID: north.id, phone: "+16035550101", firstKey: "zoe", among: among) == [])
                // A twin: by the email, or by the phone given no email; both names must match.
                let zoe = [Namesake(number: number, emailKey: "zoe.obrien@example.com", phone: "+16035550101")]
                for (email, phone) in [("zoe.obrien@example.com", nil), (nil, "+16035550101")] as [(String?, String?)] {
                    #expect(try tx.twins(practiceID: north.id, firstKey: "zoë", lastKey: "o'brien", emailKey: email, phone: phone, among: among) == zoe)
                    #expect(try tx.twins(practiceID: north.id, firstKey: "zoe", lastKey: "o'brien", emailKey: email, phone: phone, among: among) == [])
                    #expect(try tx.twins(practiceID: north.id, firstKey: "zoë", lastKey: "obrien", emailKey: email, phone: phone, among: among) == [])
                    #expect(try tx.twins(practiceID: north.id + 1, firstKey: "zoë", lastKey: "o'brien", emailKey: email, phone: phone, among: among) == [])
                }
                #expect(try tx.twins(practiceID: north.id, firstKey: "zoë", lastKey: "o'brien", emailKey: "zoe@example.com", phone: "+16035550101", among: among) == [],
                        "given an email, the phone does not count")
            }
            #expect(try tx.contactsUsingEmail(practiceID: north.id, emailKey: "zoe.obrien@example.com", among: []) == [])
            var identities: [String] = []
            try tx.forEachIdentityKey(practiceID: north.id, email: { identities.append("email \($0) \($1)") },
                                      phone: { identities.append("phone \($0) \($1) \($2)") })
            #expect(identities == ["email zoe.obrien@example.com \(number)", "phone +16035550101 zoë \(number)"])
            // Search: LIKE's wildcards in the text are literal; a phone matches exactly.
            #expect(try tx.findContacts(practiceID: north.id, text: "zoë o'b", phone: nil, limit: 10).map(\.number) == [number])
            #expect(try tx.findContacts(practiceID: nil, text: "obrien@", phone: nil, limit: 10).map(\.number) == [number])
            #expect(try tx.findContacts(practiceID: north.id, text: "%", phone: nil, limit: 10).isEmpty)
            #expect(try tx.findContacts(practiceID: north.id, text: "nobody", phone: "+16035550101", limit: 10).map(\.number) == [number])
            #expect(try tx.findContacts(practiceID: north.id + 1, text: "zoë", phone: nil, limit: 10).isEmpty)
            // A nickname is found whatever the case of its letters, accented ones too.
            #expect(try tx.findContacts(practiceID: north.id, text: "élodie", phone: nil, limit: 10).map(\.number) == [number])
            #expect(try tx.findContacts(practiceID: north.id, text: "ÉLOD", phone: nil, limit: 10).map(\.number) == [number])
        }
    }

    /// The identity index read from the store holds each contact's keys, whichever it has,
    /// and no other practice's.
    @Test(arguments: Engine.available)
    func theIdentityIndexHoldsEveryContactsKeys(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, _, _, _) = try places(engine, scratch)
        let people = [values("Ann", "Lee", email: "Ann@Example.com", phone: "+16035550101"), values("Bo", email: "bo@example.com"),
                      values("Cy", "Day", phone: "+16035550102"), values("Di")]
        let other = values("Ed", "Fox", email: "ed@example.com", phone: "+16035550103")
        var numbers: [Int64] = []
        try store.write(commit: true) { tx throws in
            for person in people { numbers.append(try tx.insertContact(practiceID: north.id, values: person, at: Self.at, operation: nil)) }
            _ = try tx.insertContact(practiceID: north.id + 1, values: other, at: Self.at, operation: nil)
        }
        try store.read { tx throws in
            let index = try IdentityIndex(tx, practiceID: north.id)
            #expect(index.knowsEveryContact)
            for (person, number) in zip(people, numbers) {
                let hashes = IdentityIndex.Hashes(IdentityKeys(person))
                #expect(index.emailUsers(hashes) == (person[.email] != nil ? .among([number]) : .absent))
                #expect(index.phoneUsers(hashes) == (person[.phone] != nil ? .among([number]) : .absent))
            }
            let stranger = IdentityIndex.Hashes(IdentityKeys(other))
            #expect(index.emailUsers(stranger) == .absent && index.phoneUsers(stranger) == .absent)
            // The phone is keyed with the first name.
            #expect(index.phoneUsers(IdentityIndex.Hashes(IdentityKeys(values("Al", "Lee", phone: "+16035550101")))) == .absent)
        }
    }

    /// A batch's contacts and memberships, read by their numbers: the same whether the
    /// numbers lie close together (read as a span) or spread out (read as a list), with
    /// numbers that are no contact, another practice's contacts among them, and repeats.
    @Test(arguments: Engine.available)
    func contactsAndMembersReadByNumberAlikeCloseOrSpread(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, a, _, southA) = try places(engine, scratch)
        var ours: [Int64] = [], theirs: [Int64] = []
        try store.write(commit: true) { tx throws in
            for i in 0..<60 {
                let south = i % 5 == 0
                let number = try tx.insertContact(practiceID: south ? north.id + 1 : north.id, values: values("P\(i)", email: "p\(i)@example.com"),
                                                  at: Self.at, operation: nil)
                if south { theirs.append(number) } else { ours.append(number) }
                if i % 3 == 0 { try tx.insertMembership(contact: number, location: south ? southA.id : a.id, text: .subscribed, email: .subscribed, at: Self.at, operation: nil) }
            }
        }
        let everyone = (ours + theirs).sorted()
        let asks: [[Int64]] = [
            everyone,                                            // close: a span
            Array(everyone.prefix(7)) + [everyone[3]],           // close, a repeat
            everyone.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),   // close, with others between
            [everyone[0], everyone[0] + 1_000_000],              // spread: a list
            [everyone[5], -3, .max, .min, everyone[9]],          // spread, and no contacts at all
            [],
        ]
        try store.read { tx throws in
            for ask in asks {
                let found = try tx.contacts(numbers: ask, practiceID: north.id)
                #expect(Set(found.keys) == Set(ask).intersection(ours), "\(ask)")
                for (number, contact) in found { #expect(contact.number == number && contact.values[.email] != nil) }
                let members = try tx.members(of: a.id, among: ask)
                let expected = Set(ask).intersection(try ours.filter { n in try tx.memberships(contact: n).contains { $0.locationID == a.id } })
                #expect(members == expected, "\(ask)")
            }
        }
        #expect(SQLTransaction.span([1, 2, 9]) == 1...9 && SQLTransaction.span([1, 13]) == nil && SQLTransaction.span([.min, .max]) == nil)
    }

    /// An import's dropped identity indexes: only on SQLite, only for many new contacts
    /// against few held, gone inside the transaction (lookups among named contacts still
    /// answer), back exactly as they were after a commit or a rollback.
    @Test(arguments: Engine.available)
    func identityIndexesAreDroppedOnlyWhenWorthItAndComeBackExactly(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, _, _, _) = try places(engine, scratch)
        let ann = try store.write(commit: true) { tx throws in
            try tx.insertContact(practiceID: north.id, values: values("Ann", "Lee", email: "ann@example.com"), at: Self.at, operation: nil)
        }
        guard let sqlite = store as? SQLiteStore else {
            try store.write(commit: false) { tx throws in #expect(try !tx.deferIdentityIndexes(expectedNewContacts: .max)) }
            return
        }
        let indexSQL = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact' ORDER BY name"
        let before = try sqlite.dump(indexSQL, columns: 2)
        func cacheSize() throws -> Int64? { try sqlite.executor.first("PRAGMA cache_size", []) { $0.int(0) } }
        let cacheBefore = try cacheSize()
        #expect(before.map { $0[0] }.filter { $0?.hasPrefix("contact_") == true } == ["contact_email", "contact_phone"])
        for commit in [true, false] {
            try store.write(commit: commit) { tx throws in
                #expect(try !tx.deferIdentityIndexes(expectedNewContacts: 1_999), "too few to be worth it")
                #expect(try tx.deferIdentityIndexes(expectedNewContacts: 2_000))
                #expect(try cacheSize() == -16_384, "a smaller page cache while the indexes are dropped")
                #expect(try !tx.deferIdentityIndexes(expectedNewContacts: .max), "already dropped")
                #expect(try tx.contactsUsingEmail(practiceID: north.id, emailKey: "ann@example.com", among: [ann]) == [ann])
                _ = try tx.insertContact(practiceID: north.id, values: values("Bo", email: "bo@example.com"), at: Self.at, operation: nil)
            }
            #expect(try sqlite.dump(indexSQL, columns: 2) == before, commit ? "after a commit" : "after a rollback")
            #expect(try cacheSize() == cacheBefore)
            #expect(try sqlite.integrityCheck() == "ok")
        }
        // A run that fails after dropping them (a refusal, an error) leaves them as they were too.
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.write(commit: true) { tx throws in
                #expect(try tx.deferIdentityIndexes(expectedNewContacts: 2_000))
                throw Refused()
            }
        }
        #expect(try sqlite.dump(indexSQL, columns: 2) == before && cacheSize() == cacheBefore)
        // Bo, committed above, is found by the rebuilt index.
        try store.read { tx throws in #expect(try tx.contactsUsingEmail(practiceID: north.id, emailKey: "bo@example.com", among: nil).count == 1) }
        // Not when the database holds more than half as many contacts as are coming.
        try store.write(commit: true) { tx throws in
            for i in 0..<1_000 {
                _ = try tx.insertContact(practiceID: north.id + 1, values: values("P\(i)", email: "p\(i)@example.com"), at: Self.at, operation: nil)
            }
        }
        try store.write(commit: false) { tx throws in
            #expect(try !tx.deferIdentityIndexes(expectedNewContacts: 2_003))
            #expect(try tx.deferIdentityIndexes(expectedNewContacts: 2_004))
        }
    }

    @Test(arguments: Engine.available)
    func aTransactionIsAllOrNothing(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, a, _, _) = try places(engine, scratch)
        // commit: false (a dry run) keeps nothing.
        _ = try store.write(commit: false) { tx in
            let n = try tx.insertContact(practiceID: north.id, values: values("Dry"), at: Self.at, operation: nil)
            try tx.insertMembership(contact: n, location: a.id, text: .subscribed, email: .subscribed, at: Self.at, operation: nil)
        }
        // An error half-way keeps nothing either.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.write(commit: true) { tx throws in
                _ = try tx.insertContact(practiceID: north.id, values: values("Half"), at: Self.at, operation: nil)
                throw Stop()
            }
        }
        try store.read { tx throws in
            #expect(try tx.findContacts(practiceID: nil, text: "", phone: nil, limit: 10).isEmpty)
            #expect(try tx.contactNumbers(location: a.id).isEmpty)
        }
        #expect(try store.history(practice: nil, location: nil).isEmpty)
    }

    @Test(arguments: Engine.available)
    func membershipsStatusesAndTheirHistory(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, a, b, _) = try places(engine, scratch)
        let (first, second) = try store.write(commit: true) { tx throws in
            let first = try tx.insertContact(practiceID: north.id, values: values("Ann", email: "ann@example.com"), at: Self.at, operation: nil)
            let second = try tx.insertContact(practiceID: north.id, values: values("Bob", phone: "+16035550102"), at: Self.at, operation: nil)
            try tx.insertMembership(contact: second, location: a.id, text: .subscribed, email: .unsubscribed, at: Self.at, operation: nil)
            try tx.insertMembership(contact: first, location: b.id, text: .unsubscribed, email: .subscribed, at: Self.at, operation: nil)
            try tx.insertMembership(contact: first, location: a.id, text: .unsubscribed, email: .subscribed, at: Self.at, operation: nil)
            try tx.setStatus(contact: first, location: a.id, channel: .email, status: .optedOut, at: Self.at)
            try tx.recordStatusChange(contact: first, location: a.id, channel: .email, from: .subscribed, to: .optedOut,
                                      reason: "opted out by hand", operation: nil, at: Self.at)
            return (first, second)
        }
        try store.read { tx throws in
            #expect(try tx.memberships(contact: first) == [
                Membership(locationID: a.id, locationName: "A", text: .unsubscribed, email: .optedOut),
                Membership(locationID: b.id, locationName: "B", text: .unsubscribed, email: .subscribed),
            ])
            #expect(try tx.statusChanges(contact: first) == [
                StatusChange(location: "A", channel: "email", from: "subscribed", to: "opted-out", reason: "opted out by hand", at: Self.at),
            ])
            #expect(try tx.contactNumbers(location: a.id) == [first, second].sorted())
            var seen: [String] = []
            try tx.forEachContactBytes(location: a.id) { contact in
                seen.append("\(contact.value(.firstName)!) \(contact.text.rawValue) \(contact.email.rawValue)")
            }
            #expect(seen == (first < second ? ["Ann unsubscribed opted-out", "Bob subscribed unsubscribed"]
                                            : ["Bob subscribed unsubscribed", "Ann unsubscribed opted-out"]))
            #expect(try tx.location(id: b.id) == b)
        }
        try store.write(commit: true) { tx in
            try tx.deleteMembership(contact: first, location: b.id, reason: "moved to A", operation: nil, at: "2026-11-25T12:00:00Z")
        }
        #expect(try store.read { try $0.memberships(contact: first).map(\.locationName) } == ["A"])
    }

    /// A merge reads a batch of rows' contacts at once: only the practice's, only those that
    /// exist, each as a one-at-a-time read gives it, past the numbers one query takes.
    @Test(arguments: Engine.available)
    func contactsReadManyAtATime(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, _, _, _) = try places(engine, scratch)
        let south = try store.practice(named: "South PT")
        let (northNumbers, southNumber) = try store.write(commit: true) { tx throws in
            let numbers = try (0..<(SQLTransaction.numbersPerQuery + 20)).map { i in
                try tx.insertContact(practiceID: north.id, values: values("Ann\(i)", "Lee", email: "a\(i)@example.com", notes: i % 2 == 0 ? "line\nbreak" : nil),
                                     at: Self.at, operation: nil)
            }
            return (numbers, try tx.insertContact(practiceID: south.id, values: values("Bo", phone: "+16035550100"), at: Self.at, operation: nil))
        }
        try store.read { tx throws in
            let asked = northNumbers.reversed() + [southNumber, 999_999, northNumbers[0]]
            let found = try tx.contacts(numbers: Array(asked), practiceID: north.id)
            #expect(found.count == northNumbers.count)
            #expect(found[southNumber] == nil && found[999_999] == nil)
            for number in [northNumbers[0], northNumbers[1], northNumbers.last!] {
                #expect(try found[number] == tx.contact(number: number, practiceID: north.id))
            }
            #expect(try tx.contacts(numbers: [], practiceID: north.id).isEmpty)
        }
        // Which of many contacts are in a location, past the numbers one query takes.
        let (location, other) = (try store.locations(practice: "North PT")[0], try store.locations(practice: "North PT")[1])
        let inside = northNumbers.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
        try store.write(commit: true) { tx throws in
            for number in inside { try tx.insertMembership(contact: number, location: location.id, text: .subscribed, email: .subscribed, at: Self.at, operation: nil) }
            try tx.insertMembership(contact: northNumbers[0], location: other.id, text: .subscribed, email: .subscribed, at: Self.at, operation: nil)
            // Held rows count: they are written before the read.
            #expect(try tx.members(of: location.id, among: northNumbers + [999_999]) == Set(inside))
        }
        try store.read { tx throws in
            #expect(try tx.members(of: location.id, among: northNumbers.reversed()) == Set(inside))
            #expect(try tx.members(of: other.id, among: northNumbers) == [northNumbers[0]])
            #expect(try tx.members(of: location.id, among: []).isEmpty)
        }
    }

    @Test(arguments: Engine.available)
    func operationsHistoryOutboxAndWhatUndoReads(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, a, _, _) = try places(engine, scratch)
        let (operation, contact) = try store.write(commit: true) { tx throws in
            let operation = try tx.beginOperation(kind: "import", practiceID: north.id, location: a.id, file: "list.csv",
                                                  sha256: "abc", consent: "email,text", at: Self.at, from: nil)
            let contact = try tx.insertContact(practiceID: north.id, values: values("Ann", email: "ann@example.com"), at: Self.at, operation: operation)
            try tx.insertMembership(contact: contact, location: a.id, text: .subscribed, email: .subscribed, at: Self.at, operation: operation)
            try tx.recordStatusChange(contact: contact, location: a.id, channel: .text, from: nil, to: .subscribed,
                                      reason: "imported", operation: operation, at: Self.at)
            try tx.queueWelcome(contact: contact, to: "ann@example.com", operation: operation, at: Self.at)
            var counts = OperationCounts()
            counts.rows = 1
            counts.created = 1
            try tx.finishOperation(operation, counts: counts, sha256: nil)
            return (operation, contact)
        }
        let history = try store.history(practice: "North PT", location: nil)
        #expect(history.count == 1)
        #expect(history.first.map { [$0.kind, $0.file, $0.location, $0.consent] } == ["import", "list.csv", "A", "email,text"])
        #expect(history.first?.created == 1 && history.first?.rows == 1)
        #expect(try store.history(practice: "South PT", location: nil).isEmpty)

        let outbox = try store.outbox()
        #expect(outbox.map(\.to) == ["ann@example.com"])
        #expect(outbox.first?.practice.ownerFullName == "Ann Owner")
        try store.recordDelivery(id: outbox[0].id, outcome: .failed(messageID: "<m1@x>", error: "sendmail exit 75"), at: Self.at)
        #expect(try store.outbox().first.map { [$0.attempts == 1, $0.lastError == "sendmail exit 75", $0.sentAt == nil] } == [true, true, true])
        try store.recordDelivery(id: outbox[0].id, outcome: .sent(messageID: "<m2@x>"), at: Self.at)
        #expect(try store.outbox().first.map { [$0.attempts == 2, $0.sentAt == Self.at, $0.lastError == nil] } == [true, true, true])

        try store.read { tx throws in
            #expect(try tx.previousRun(location: a.id, sha256: "abc")?.id == operation)
            #expect(try tx.previousRun(location: a.id, sha256: "other") == nil)
            let target = try #require(try tx.operationForUndo(operation))
            #expect(target.kind == "import" && target.practiceID == north.id && target.locationID == a.id && target.undoneBy == nil)
            #expect(try tx.contactsCreated(by: operation) == [contact])
            #expect(try tx.membershipsAdded(by: operation).map { [$0.contact, $0.location] } == [[contact, a.id]])
            #expect(try tx.statusChanges(by: operation).count == 1)
            #expect(try tx.changedAfter(operation: operation, statusMark: target.statusMark, contacts: [contact], handChangeMatters: { _, _, _ in true }).isEmpty)
        }
        // A later merge changes the contact: undo of the import sees it, and names it.
        let merge = try store.write(commit: true) { tx throws in
            // The importer learns a file's hash beside its rows, so it records it at the finish.
            let merge = try tx.beginOperation(kind: "merge", practiceID: north.id, location: a.id, file: "edit.csv", sha256: nil,
                                              consent: "email", at: Self.at, from: nil)
            var changed = values("Ann", email: "ann@example.org")
            changed[.city] = "Nashua"
            try tx.updateContact(number: contact, values: changed, at: Self.at, operation: merge, before: values("Ann", email: "ann@example.com"))
            #expect(try tx.previousRun(location: a.id, sha256: "def") == nil)
            try tx.finishOperation(merge, counts: OperationCounts(), sha256: "def")
            return merge
        }
        try store.read { tx throws in
            #expect(try tx.previousRun(location: a.id, sha256: "def")?.id == merge)
            #expect(try tx.previousRun(location: a.id, sha256: "abc")?.id == operation, "a finish without a hash keeps the one begun with")
            let target = try #require(try tx.operationForUndo(operation))
            #expect(try tx.changedAfter(operation: operation, statusMark: target.statusMark, contacts: [contact], handChangeMatters: { _, _, _ in true }) == [contact])
            #expect(try tx.laterChanges(operation: operation, statusMark: target.statusMark, contacts: [contact], handChangeMatters: { _, _, _ in true }) == ["#\(merge) merge"])
            // The fields the merge changed, and their values before (the city was empty).
            var before = ContactValues()
            before[.email] = "ann@example.com"
            #expect(try tx.revisions(by: merge) == [Revision(contact: contact, fields: [.email, .city], before: before)])
            #expect(try tx.contact(number: contact, practiceID: north.id)?.values[.city] == "Nashua")
        }
        // Undo's writes: the revision is spent, the contact and its rows go.
        try store.write(commit: true) { tx throws in
            try tx.markUndone(merge, by: operation)
            #expect(try tx.revisions(by: merge).isEmpty)
            try tx.deleteContact(number: contact)
            #expect(try tx.deleteUnsentWelcome(operation: operation) == 0, "the welcome email was sent: it stays")
        }
        try store.read { tx throws in
            #expect(try tx.contact(number: contact, practiceID: north.id) == nil)
            #expect(try tx.contactNumbers(location: a.id).isEmpty, "memberships go with the contact")
            #expect(try tx.operationForUndo(merge)?.undoneBy == operation)
        }
    }

    @Test(arguments: Engine.available)
    func contactIDsAreKeyedPerDatabase(engine: Engine) throws {
        let scratch = Scratch()
        let (store, north, _, _, _) = try places(engine, scratch)
        let number = try store.write(commit: true) { tx throws in
            try tx.insertContact(practiceID: north.id, values: values("Ann"), at: Self.at, operation: nil)
        }
        let id = store.idCodec.encode(number)
        #expect(store.idCodec.decode(id) == number)
        // Opening the same database again reads the same key.
        let again: SQLStore = switch engine {
        case .sqlite: try SQLiteStore(path: scratch.path("roster.sqlite"))
        case .postgresql: try #require(store as? PostgreSQLStore).reopened()
        }
        #expect(again.idCodec.encode(number) == id)
    }
}

/// The PostgreSQL wrapper's own pieces, which need no server.
@Suite struct PostgreSQLWrapperTests {
    @Test func placeholdersBecomeDollarNumbersOutsideQuotes() {
        #expect(PGConnection.dollarPlaceholders("SELECT ? , ? FROM t WHERE a = '?' AND b = ?") == "SELECT $1 , $2 FROM t WHERE a = '?' AND b = $3")
        #expect(PGConnection.dollarPlaceholders("WHERE (?1 IS NULL OR x = ?1) AND y LIKE ?2 ESCAPE '\\' LIMIT ?4") == "WHERE ($1 IS NULL OR x = $1) AND y LIKE $2 ESCAPE '\\' LIMIT $4")
        #expect(PGConnection.dollarPlaceholders("VALUES ('it''s ?', ?)") == "VALUES ('it''s ?', $1)")
    }

    /// Messages name the server as libpq reads the URL, without the password.
    @Test(arguments: [
        ("postgresql://clinic:s3cret@db.example.com:5433/roster", "postgresql://clinic@db.example.com:5433/roster", "host db.example.com, port 5433"),
        ("postgres://clinic:p%40ss@db/roster?sslmode=require&password=x", "postgresql://clinic@db/roster?sslmode=require", "host db, port 5432"),
        ("postgresql://db.example.com/roster?password=x", "postgresql://db.example.com/roster", "host db.example.com, port 5432"),
        ("postgresql://app:Xy%2F9@db/roster", "postgresql://app@db/roster", "host db, port 5432"),
        ("postgresql:///roster?host=/tmp", "postgresql:///roster?host=/tmp", "host /tmp, port 5432"),
    ])
    func messagesNameTheServerWithoutThePassword(url: String, shown: String, hostAndPort: String) throws {
        let description = try PGConnection.describe(url)
        #expect(description.url == shown)
        #expect(description.hostAndPort == hostAndPort)
    }

    /// libpq's parameters in the URL reach the connection (sslmode, application_name, ...).
    @Test(.enabled(if: Engine.serverURL != nil, "needs ROSTER_TEST_POSTGRES_URL"))
    func libpqParametersPassThrough() throws {
        let url = try #require(Engine.serverURL)
        let connection = try PGConnection(url: url + (url.contains("?") ? "&" : "?") + "application_name=roster_conformance&sslmode=disable")
        #expect(try connection.first("SELECT current_setting('application_name')", []) { $0.string(0) } == "roster_conformance")
        #expect(try connection.first("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", []) { $0.string(0) } == "f")
    }

    /// A URL libpq cannot read is refused without quoting it: its text may hold a password.
    @Test(arguments: ["postgresql://app:p%ss@db/roster", "postgresql://app:s3cr@t@db/roster", "postgresql://app:Xy/9@db/roster"])
    func aMalformedURLIsNotQuoted(url: String) {
        #expect {
            try PGConnection.describe(url)
        } throws: { error in
            let text = "\(error)"
            return text.contains("malformed") && text.contains("percent-encoded") && !text.contains("p%ss")
                && !text.contains("s3cr") && !text.contains("Xy")
        }
    }

    @Test func anUnreachableServerNamesHostAndPortButNotThePassword() {
        #expect {
            try PostgreSQLStore(url: "postgresql://clinic:Sup3rS3cret@127.0.0.1:1/roster?connect_timeout=5")
        } throws: { error in
            let text = "\(error)"
            return text.contains("host 127.0.0.1, port 1") && !text.contains("Sup3rS3cret")
                && text.contains("postgresql://clinic@127.0.0.1:1/roster")
        }
    }
}
