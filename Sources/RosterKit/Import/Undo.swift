/// What `roster undo` did.
public struct UndoReadout: Equatable, Sendable, Encodable {
    public var undone: Int64
    public var kind: String
    public var contactsRemoved = 0
    public var membershipsRemoved = 0
    public var contactsRestored = 0
    public var statusesRestored = 0
    public var welcomeEmailsRemoved = 0
    /// Welcome emails already sent to contacts the undo removes: the people have them, and
    /// the records of sending go with the contacts.
    public var welcomeEmailsAlreadySent = 0
    public var dryRun = false
    public var historyID: Int64?

    enum CodingKeys: String, CodingKey {
        case undone, kind
        case contactsRemoved = "contacts_removed"
        case membershipsRemoved = "memberships_removed"
        case contactsRestored = "contacts_restored"
        case statusesRestored = "statuses_restored"
        case welcomeEmailsRemoved = "welcome_emails_removed"
        case welcomeEmailsAlreadySent = "welcome_emails_already_sent"
        case dryRun = "dry_run"
        case historyID = "history_id"
    }
}

public enum UndoError: Error, Equatable, CustomStringConvertible {
    case notFound(Int64)
    case notUndoable(id: Int64, kind: String)
    case alreadyUndone(id: Int64, by: Int64)
    case changedLater(id: Int64, contacts: [String], by: [String])
    /// Putting back a value would give `contact` an email (or a phone with its first name)
    /// that `other` holds now: SPEC 4's identity rules hold after an undo too.
    case identityClash(id: Int64, contact: String, other: String, field: String)

    /// `an undo`, `a copy`.
    static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    public var description: String {
        switch self {
        case .notFound(let id):
            "there is no #\(id) in the history: `roster history` lists what can be undone"
        case .notUndoable(let id, let kind) where kind == "move":
            "#\(id) is a move, which took memberships away; undo reverts imports, merges and copies. To take it back, copy the contacts back (`roster copy --from B --to A --all`, with the move's locations), and subscribe by hand where they should get texts again"
        case .notUndoable(let id, let kind):
            "#\(id) is \(Self.article(kind)) \(kind); undo reverts imports, merges and copies"
        case .alreadyUndone(let id, let by):
            "#\(id) was already undone by #\(by)"
        case .identityClash(let id, let contact, let other, let field):
            "#\(id) cannot be undone: it would give \(contact) back the \(field) that \(other) holds now\(field == "Email" ? "" : ", with the same first name"), and each contact needs its own. Change one of them by a merge first (`roster show \(other)`), then undo #\(id)"
        case .changedLater(let id, let contacts, let by):
            "#\(id) cannot be undone: later changes (\(by.joined(separator: ", "))\(by.contains { $0.hasPrefix("#") } ? "; `roster history --all` lists them" : "")) touched \(contacts.count == 1 ? "1 of its contacts" : "\(contacts.count) of its contacts") (\(contacts.prefix(20).joined(separator: ", "))\(contacts.count > 20 ? ", …" : "")). Undo the later imports, merges and copies first, newest first. A move or a status set by hand cannot be undone, and while one of them stands after this run, this run cannot be undone either: make the changes you need by hand instead (`roster show ID` lists what happened), or merge back an export taken before #\(id) to put back the values it changed"
        }
    }
}

/// `roster undo ID` (issue 8): reverts one import, merge or copy in one transaction. Removes
/// the contacts it created and the memberships it added, restores the values it updated
/// and the statuses it changed (texts move back), and removes its unsent welcome emails.
/// It refuses, naming the contacts, when a later operation changed any of them.
public struct Undoer {
    /// A contact's membership (a location), or one channel of it, or a channel anywhere.
    private struct Place: Hashable {
        var contact: Int64
        var location: Int64? = nil
        var channel: Channel? = nil
    }

    public let store: any ContactStore
    public let clock: Clock

    public init(store: any ContactStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    public func undo(_ id: Int64, dryRun: Bool = false) throws -> UndoReadout {
        let at = Clock.timestamp(clock.now())
        let codec = store.idCodec
        return try store.write(commit: !dryRun) { tx in
            guard let target = try tx.operationForUndo(id) else { throw UndoError.notFound(id) }
            // A copy is the memberships it added and the texts it moved: undone as a merge's
            // are. A move also took memberships away, which an undo cannot give back as they
            // were; it is refused with the way back.
            guard ["import", "merge", "copy"].contains(target.kind) else { throw UndoError.notUndoable(id: id, kind: target.kind) }
            if let by = target.undoneBy { throw UndoError.alreadyUndone(id: id, by: by) }

            let created = try tx.contactsCreated(by: id)
            let added = try tx.membershipsAdded(by: id)
            let revisions = try tx.revisions(by: id)
            let statuses = try tx.statusChanges(by: id)
            var affected = Set(created)
            affected.formUnion(added.map(\.contact))
            affected.formUnion(revisions.map(\.contact))
            affected.formUnion(statuses.map(\.contact))
            // A membership it added that a later move took away leaves only its first statuses
            // (kept in the membership, written out then): the contact is still one it touched.
            affected.formUnion(try tx.contactsWithFirstStatusesWrittenLater(by: id, statusMark: target.statusMark))
            let createdSet = Set(created)
            let addedSet = Set(added.map { Place(contact: $0.contact, location: $0.location) })
            // A status set by hand stands in the way only where the undo would take it away:
            // on a contact it removes, a membership it removes, or a status it puts back. An
            // opt-out at another location stays as the person asked, and the undo goes on.
            let restoredSet = Set(statuses.filter { $0.from != nil }.map { Place(contact: $0.contact, location: $0.location, channel: $0.channel) })
            // A channel it turns back on: any status set by hand on it since (an opt-out at a
            // third location, say) is the person's later word, and stands in the way.
            let resubscribed = Set(statuses.filter { $0.from == .subscribed }.map { Place(contact: $0.contact, channel: $0.channel) })
            let handChangeMatters: HandChangeFilter = { contact, location, channel in
                createdSet.contains(contact) || addedSet.contains(Place(contact: contact, location: location))
                    || restoredSet.contains(Place(contact: contact, location: location, channel: channel))
                    || resubscribed.contains(Place(contact: contact, channel: channel))
            }
            let changed = try tx.changedAfter(operation: id, statusMark: target.statusMark, contacts: affected.sorted(),
                                              handChangeMatters: handChangeMatters)
            if !changed.isEmpty {
                let by = try tx.laterChanges(operation: id, statusMark: target.statusMark, contacts: changed, handChangeMatters: handChangeMatters)
                throw UndoError.changedLater(id: id, contacts: changed.map(codec.encode), by: by)
            }

            let undo = try tx.beginOperation(kind: "undo", practiceID: target.practiceID, location: target.locationID,
                                             file: target.file, sha256: nil, consent: nil, at: at, from: nil)
            var readout = UndoReadout(undone: id, kind: target.kind, dryRun: dryRun)
            // Statuses the operation changed on memberships it did not add: back, newest first.
            for change in statuses where change.from != nil && !createdSet.contains(change.contact)
                && !addedSet.contains(Place(contact: change.contact, location: change.location)) {
                guard let from = change.from else { continue }
                try tx.setStatus(contact: change.contact, location: change.location, channel: change.channel, status: from, at: at)
                try tx.recordStatusChange(contact: change.contact, location: change.location, channel: change.channel,
                                          from: change.to, to: from, reason: "undo of #\(id)", operation: undo, at: at)
                readout.statusesRestored += 1
            }
            for membership in added where !createdSet.contains(membership.contact) {
                try tx.deleteMembership(contact: membership.contact, location: membership.location, reason: "undo of #\(id)",
                                        operation: undo, at: at)
                readout.membershipsRemoved += 1
            }
            // An email or phone put back must not be another contact's now (one that took it
            // after this run; the contacts this undo removes do not count).
            for revision in revisions where !createdSet.contains(revision.contact)
                && revision.fields.contains(where: [TemplateField.email, .phone, .firstName].contains) {
                guard let current = try tx.contact(number: revision.contact, practiceID: target.practiceID) else { continue }
                var values = current.values
                for field in revision.fields { values[field] = revision.before[field] }
                let keys = IdentityKeys(values)
                let others = { (found: [Int64]) in found.first { $0 != revision.contact && !createdSet.contains($0) } }
                if let email = keys.email, revision.fields.contains(.email),
                   let other = others(try tx.contactsUsingEmail(practiceID: target.practiceID, emailKey: email, among: nil)) {
                    throw UndoError.identityClash(id: id, contact: codec.encode(revision.contact), other: codec.encode(other), field: "Email")
                }
                if let phone = keys.phone, revision.fields.contains(.phone) || revision.fields.contains(.firstName),
                   let other = others(try tx.contactsUsingPhone(practiceID: target.practiceID, phone: phone, firstKey: keys.first, among: nil)) {
                    throw UndoError.identityClash(id: id, contact: codec.encode(revision.contact), other: codec.encode(other), field: "Phone (Mobile)")
                }
            }
            // The fields the operation changed get their values back; nothing changed the
            // contact since (checked above), so the others are what they were before it.
            for revision in revisions where !createdSet.contains(revision.contact) {
                guard let current = try tx.contact(number: revision.contact, practiceID: target.practiceID) else { continue }
                var values = current.values
                for field in revision.fields { values[field] = revision.before[field] }
                try tx.updateContact(number: revision.contact, values: values, at: at, operation: nil, before: current.values)
                readout.contactsRestored += 1
            }
            readout.welcomeEmailsRemoved = try tx.deleteUnsentWelcome(operation: id)
            readout.welcomeEmailsAlreadySent = try tx.sentWelcomeToCreated(operation: id)
            for contact in created {
                try tx.deleteContact(number: contact)
                readout.contactsRemoved += 1
            }
            var counts = OperationCounts()
            counts.rows = affected.count
            counts.updated = readout.contactsRestored
            try tx.finishOperation(undo, counts: counts, sha256: nil)
            try tx.markUndone(id, by: undo)
            if !dryRun { readout.historyID = undo }
            return readout
        }
    }
}
