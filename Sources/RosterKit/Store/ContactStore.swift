import Foundation

/// A contact as stored, with its identity in the practice.
public struct StoredContact: Equatable, Sendable {
    public var number: Int64
    public var practiceID: Int64
    public var values: ContactValues
}

/// A contact with a given name, as the true-duplicate rule (SPEC 4) sees it.
public struct Namesake: Equatable, Sendable {
    public var number: Int64
    /// The email lower-cased (`IdentityKeys.email`), nil when it has none.
    public var emailKey: String?
    public var phone: String?
}

/// A past import or merge (`roster history`).
public struct OperationRecord: Equatable, Sendable, Codable {
    public var id: Int64
    public var kind: String
    public var file: String?
    public var sha256: String?
    public var practice: String
    public var location: String?
    /// A copy's or move's source location (null for other kinds, and for copies made
    /// before schema 9).
    public var from: String? = nil
    public var consent: String?
    public var at: String
    public var rows: Int, created: Int, updated: Int, copied: Int, unchanged: Int, skipped: Int, failed: Int
    public var undoneBy: Int64? = nil

    enum CodingKeys: String, CodingKey {
        case id, kind, file, sha256, practice, location, from, consent, at, rows, created, updated, copied, unchanged, skipped, failed
        case undoneBy = "undone_by"
    }

    /// Every key, null when empty: SPEC 10 names `file`, `sha256` and `consent` for every
    /// entry, and a copy has none of them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(file, forKey: .file)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(practice, forKey: .practice)
        try c.encode(location, forKey: .location)
        try c.encode(from, forKey: .from)
        try c.encode(consent, forKey: .consent)
        try c.encode(at, forKey: .at)
        for (key, value) in [(CodingKeys.rows, rows), (.created, created), (.updated, updated), (.copied, copied),
                             (.unchanged, unchanged), (.skipped, skipped), (.failed, failed)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(undoneBy, forKey: .undoneBy)
        // SPEC 10 lists "counts" among the keys: the same counts again, as one object.
        var outer = encoder.container(keyedBy: CountsKey.self)
        var counts = outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .counts)
        for (key, value) in [(CodingKeys.rows, rows), (.created, created), (.updated, updated), (.copied, copied),
                             (.unchanged, unchanged), (.skipped, skipped), (.failed, failed)] {
            try counts.encode(value, forKey: key)
        }
    }

    private enum CountsKey: String, CodingKey { case counts }
}

/// Counts of one finished operation, recorded in history.
public struct OperationCounts: Equatable, Sendable {
    public var rows = 0, created = 0, updated = 0, copied = 0, unchanged = 0, skipped = 0, failed = 0
    public init() {}
}

/// A queued welcome email, with what rendering it needs.
public struct OutboxEntry: Equatable, Sendable {
    public var id: Int64
    public var contactNumber: Int64
    public var to: String
    public var firstName: String
    public var practice: Practice
    public var queuedAt: String
    public var sentAt: String?
    public var dropReason: String?
    public var attempts: Int = 0
    public var lastError: String?
    /// The contact's email now, and whether they opted out of email at any location: a
    /// message queued before either changed is not to be sent.
    public var currentEmail: String? = nil
    public var optedOutOfEmail = false
    /// Whether email is subscribed at one location of theirs or more: a contact staff
    /// unsubscribed everywhere since the message was queued is not sent a welcome either.
    public var subscribedToEmail = true

    /// Why this unsent message must not go out now, or nil: the contact opted out of
    /// email, is subscribed to it nowhere, or their email was removed or changed since it
    /// was queued. One rule for the
    /// listing (`outbox --json` feeds outside senders) and for `outbox send`.
    public var reasonNotToSend: String? {
        if optedOutOfEmail { return "the contact opted out of email" }
        if !subscribedToEmail { return "the contact is not subscribed to email at any location now" }
        guard let currentEmail else { return "the contact's email was removed after the message was queued" }
        if Text.emailKey(currentEmail) != Text.emailKey(to) { return "the contact's email changed after the message was queued" }
        return nil
    }
}

/// What one hand-off to the mail transfer agent came to (issue 10).
public enum DeliveryOutcome: Equatable, Sendable {
    case sent(messageID: String)
    case failed(messageID: String, error: String)
    case dropped(reason: String)
}

/// Problems with places and IDs that a person fixes by naming the right one.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case practiceExists(String)
    case unknownPractice(String, known: [String])
    case practiceRequired(location: String, practices: [String])
    case locationExists(String, practice: String)
    /// `practice`: the practice it was looked for in, when one was (`--practice`, or a copy's
    /// source). Whether another practice has a location of that name is never said (issue 5).
    case unknownLocation(String, known: [String], practice: String? = nil)
    case noPractices
    /// `practice`: where it was looked for, when only one practice was (never where else
    /// it exists, SPEC 5).
    case contactNotFound(String, practice: String? = nil)
    case notInLocation(contact: String, location: String)
    /// `subscribe` on a channel the contact has no phone (email) for.
    case cannotReach(contact: String, channel: Channel)
    case emptyName(String)
    /// A practice or location name with a control or invisible character, or far too long.
    case invalidName(what: String, problem: String)
    case busy
    case diskFull
    case sameFile(at: String, location: String, file: String, history: Int64, kind: String)
    case unsupportedDatabase(String)
    case invalidPracticeSetting(option: String, value: String, problem: String)

    public var description: String {
        switch self {
        case .practiceExists(let name):
            "a practice named \"\(name)\" already exists: use `roster practice set` to change it"
        case .unknownPractice(let name, let known):
            "no practice named \"\(name)\"" + Self.list("known practices", known) + Self.suggest(name, known)
        case .practiceRequired(let location, let practices):
            "more than one practice has a location named \"\(location)\": add --practice with one of: \(practices.joined(separator: ", "))"
        case .locationExists(let name, let practice):
            "\(practice) already has a location named \"\(name)\" (names are matched ignoring capitals): use that one, or choose another name"
        case .unknownLocation(let name, let known, let practice):
            "no location named \"\(name)\"" + (practice.map { " in \($0)" } ?? "")
                + Self.list("known locations", known) + Self.suggest(name, known)
                + (known.isEmpty ? "; add one with `roster location add NAME --practice P`" : "")
        case .noPractices:
            "there are no practices yet: add one with `roster practice add NAME --owner \"FULL NAME\"`"
        case .contactNotFound(let id, let practice):
            "Unknown Contact ID \(id): no contact \(practice.map { "of \($0) " } ?? "")has this ID; check it for a mistyped or missing character (`roster find` looks contacts up by name, email or phone)"
        case .notInLocation(let id, let location):
            "contact \(id) is not in \(location): `roster show \(id)` lists its locations"
        case .cannotReach(let id, let channel):
            "contact \(id) has no \(channel == .text ? "phone" : "email"), so there is nothing to subscribe to \(channel == .text ? "texts" : "emails") with: add \(channel == .text ? "a Phone (Mobile)" : "an Email") by a merge (`roster export`, fill it in, `roster merge`), then subscribe"
        case .emptyName(let what):
            "the \(what) name is empty: give a name"
        case .invalidName(let what, let problem):
            "the \(what) name \(problem)"
        case .invalidPracticeSetting(let option, let value, let problem):
            "\(option) \"\(value)\" \(problem)"
        case .busy:
            "the database is busy: another roster process is writing to it. Wait for it to finish and run the command again"
        case .diskFull:
            "the disk is full: nothing was written. Free some space and run the command again"
        case .sameFile(let at, let location, let file, let history, let kind):
            "a file with exactly the same contents (\(file), history #\(history)) was already \(kind == "merge" ? "merged" : "imported") into \(location) on \(Clock.local(at)): running it again would decide its rows as before (those now in \(location) are skipped, and failed rows fail again) unless contacts changed since. `roster history` shows what that run did; add --again to import it anyway"
        case .unsupportedDatabase(let what):
            what
        }
    }

    static func list(_ title: String, _ names: [String]) -> String {
        names.isEmpty ? "" : "; \(title): \(names.joined(separator: ", "))"
    }

    /// The nearest known name, when one is close enough to be a typo.
    static func suggest(_ name: String, _ known: [String]) -> String {
        Spelling.closest(to: name, among: known).map { ". Did you mean \"\($0)\"?" } ?? ""
    }
}

/// The store, as the domain sees it: whole operations on places, and a transaction for
/// the row-by-row work of import, merge and copy. Nothing above it knows SQL, so a
/// PostgreSQL store can join the SQLite one (issue 9).
public protocol ContactStore: AnyObject {
    var idCodec: ContactIDCodec { get }
    /// The files the database lives in (SQLite: the file and its -wal, -shm and -journal),
    /// which no report or export may be written over; none for a server's database.
    var databaseFiles: [String] { get }

    func addPractice(name: String, details: PracticeDetails, at: String) throws -> Practice
    func updatePractice(name: String, details: PracticeDetails) throws -> Practice
    func practices() throws -> [Practice]
    func practice(named: String) throws -> Practice
    func addLocation(name: String, practice: String, at: String) throws -> Location
    func locations(practice: String?) throws -> [Location]
    /// The location named `name` (in `practice` when given, else unique in the database).
    func location(named name: String, practice: String?) throws -> Location

    func history(practice: String?, location: String?) throws -> [OperationRecord]
    func outbox() throws -> [OutboxEntry]
    /// How many it marked: a number that is no message, or one already sent or dropped,
    /// is not counted.
    @discardableResult func markSent(ids: [Int64], at: String) throws -> Int
    /// Records one delivery attempt of an outbox message, in its own transaction.
    func recordDelivery(id: Int64, outcome: DeliveryOutcome, at: String) throws

    /// Runs `body` in one write transaction: committed when it returns and `commit` is
    /// true, rolled back when it throws or `commit` is false (`--dry-run`).
    func write<T>(commit: Bool, _ body: (any ContactTransaction) throws -> T) throws -> T
    /// `write(commit:_:)` for a body that deletes nothing (import, merge): SQLite then
    /// skips its reference check on every row written (a tenth of an import's work),
    /// whose other job, cascading a delete, has nothing to do. The rows such a body
    /// writes refer only to rows it read or wrote in the same transaction; the tests run
    /// SQLite's `foreign_key_check` after them. A delete in such a body is a programming
    /// error, and stops the process before anything is written.
    func write<T>(commit: Bool, deletes: Bool, _ body: (any ContactTransaction) throws -> T) throws -> T
    /// Runs `body` in a read transaction: a consistent view.
    func read<T>(_ body: (any ContactTransaction) throws -> T) throws -> T
}

/// Whether a status set by hand, on this contact's membership at this location and
/// channel, stands in the way of an undo.
public typealias HandChangeFilter = (_ contact: Int64, _ location: Int64, _ channel: Channel) -> Bool

/// What one operation may read and change, inside one transaction.
public protocol ContactTransaction: AnyObject {
    func contact(number: Int64, practiceID: Int64) throws -> StoredContact?
    /// The practice's contacts among `numbers`, many at a time (a merge reads a batch of
    /// rows' contacts in one query; on PostgreSQL, one round trip).
    func contacts(numbers: [Int64], practiceID: Int64) throws -> [Int64: StoredContact]
    /// Of `numbers`, the contacts with a membership in `location`, many at a time.
    func members(of location: Int64, among numbers: [Int64]) throws -> Set<Int64>
    /// A row's true duplicates (SPEC 4): contacts with this first and last name (lower-cased
    /// keys) and this email key, or, given no email, this phone; their email key and phone,
    /// not every value (reading each contact's seventeen values was a fifth of an import of
    /// people the practice has). Looked up by the email or the phone, never by the name
    /// alone: many contacts may share a name, few an email or a phone and first name.
    /// `among`, in these three lookups: contacts that may have the key, ascending, from the
    /// import's identity index (every contact that has it is among them); the store reads
    /// those by number and checks each. Nil: the store looks the key up in its index.
    func twins(practiceID: Int64, firstKey: String, lastKey: String, emailKey: String?, phone: String?,
               among: [Int64]?) throws -> [Namesake]
    /// Contact numbers using this lower-cased email, ascending.
    func contactsUsingEmail(practiceID: Int64, emailKey: String, among: [Int64]?) throws -> [Int64]
    /// Contact numbers using this phone with this lower-cased first name, ascending.
    func contactsUsingPhone(practiceID: Int64, phone: String, firstKey: String, among: [Int64]?) throws -> [Int64]
    /// Every contact's identity keys in a practice, each kind read on its own (from its own
    /// index, not the contacts' rows), with the contact's number: lower-cased emails and
    /// (phone, first key) pairs.
    func forEachIdentityKey(practiceID: Int64, email: (String, Int64) throws -> Void,
                            phone: (String, String, Int64) throws -> Void) throws
    /// For an import that will add many contacts to a small database (issue 6): drops the
    /// indexes of the identity keys (`contact_email`, `contact_phone`)
    /// until the transaction commits, when they are built again from the rows, sorted, in
    /// a fraction of the time their entries took one random insert at a time. Meanwhile the
    /// three lookups above must be given `among` (without it they read every contact). A
    /// rollback (a dry run, a refusal) brings the indexes back as they were. Whether it
    /// did: never on PostgreSQL, nor unless `expectedNewContacts` is at least 2,000 and
    /// twice the contacts the database holds (rebuilding reads them all).
    func deferIdentityIndexes(expectedNewContacts: Int) throws -> Bool
    /// Contacts matching a free-text search of name, email or phone.
    func findContacts(practiceID: Int64?, text: String, phone: String?, limit: Int) throws -> [StoredContact]
    /// Every contact's number, practice and the text `find` looks through (names as keyed,
    /// nickname, email as keyed), streamed: the search that folds accents and word order.
    func forEachSearchText(practiceID: Int64?, _ body: (_ number: Int64, _ practiceID: Int64, _ text: String) throws -> Void) throws

    /// `keys` are `IdentityKeys(values)`, worked out by the caller (an import has them already).
    func insertContact(practiceID: Int64, values: ContactValues, keys: IdentityKeys, at: String, operation: Int64?) throws -> Int64
    /// Updates a contact; with an operation, keeps `before` so `undo` can restore it.
    func updateContact(number: Int64, values: ContactValues, at: String, operation: Int64?, before: ContactValues?) throws

    func memberships(contact: Int64) throws -> [Membership]
    func insertMembership(contact: Int64, location: Int64, text: Status, email: Status, at: String, operation: Int64?) throws
    /// Removes a membership, and says so in the history: a row per channel from its status
    /// to `removed`, with `reason`, as `operation` (a move, an undo): a later change to the
    /// contact, which undo of an earlier run sees. First statuses kept in the membership
    /// (schemas 006, 012) are written as rows first.
    func deleteMembership(contact: Int64, location: Int64, reason: String, operation: Int64?, at: String) throws
    /// Every caller records the change too (`recordStatusChange`): a new contact's first
    /// statuses are read back from the first change's `from` (`statusChanges(contact:)`).
    func setStatus(contact: Int64, location: Int64, channel: Channel, status: Status, at: String) throws
    func recordStatusChange(contact: Int64, location: Int64, channel: Channel, from: Status?, to: Status,
                            reason: String, operation: Int64?, at: String) throws
    /// The contacts `operation` creates get no status-change rows for their first statuses
    /// (schema 006): the history shows them, with `reason`, from the membership.
    func recordsCreationStatusesInMemberships(operation: Int64, reason: String) throws
    /// The memberships `operation` adds to contacts it did not create get no status-change
    /// rows for their first statuses (schema 012): the history shows them, with `reason` (or
    /// "opted out in another location" for an opt-out carried over), from the membership.
    func recordsAddedStatusesInMemberships(operation: Int64, reason: String) throws
    /// A contact's status history, oldest first: the first statuses of the location where an
    /// import created it, then every change, with the first statuses of each membership an
    /// import or merge added where that operation began.
    func statusChanges(contact: Int64) throws -> [StatusChange]
    /// Every contact of a location with its text and email status there, oldest first, its
    /// values as bytes (export): one query.
    func forEachContactBytes(location: Int64, _ body: (ContactBytes) throws -> Void) throws
    /// Contact numbers in a location, in a stable order.
    func contactNumbers(location: Int64) throws -> [Int64]
    /// Every membership of a location: its text and email status, by contact number.
    func statuses(location: Int64) throws -> [Int64: (text: Status, email: Status)]
    /// How many contacts the practice holds: the most rows a merge can update.
    func contactCount(practiceID: Int64) throws -> Int
    func location(id: Int64) throws -> Location?

    /// The latest import or merge of a file with this SHA-256 into this location (not undone).
    func previousRun(location: Int64, sha256: String) throws -> (at: String, file: String, id: Int64, kind: String)?
    /// `from` is a copy's or move's source location, so history can list it there too.
    func beginOperation(kind: String, practiceID: Int64, location: Int64?, file: String?, sha256: String?,
                        consent: String?, at: String, from: Int64?) throws -> Int64
    /// Records the counts; `sha256`, when given, is the file's (known only once it has been
    /// hashed beside the rows).
    func finishOperation(_ id: Int64, counts: OperationCounts, sha256: String?) throws
    func queueWelcome(contact: Int64, to: String, operation: Int64, at: String) throws

    // What undo needs (issue 8).
    func operationForUndo(_ id: Int64) throws -> UndoTarget?
    func contactsCreated(by operation: Int64) throws -> [Int64]
    func membershipsAdded(by operation: Int64) throws -> [(contact: Int64, location: Int64)]
    func revisions(by operation: Int64) throws -> [Revision]
    /// Contacts with rows of `operation` above its mark: first statuses kept in a membership
    /// it added (schemas 006, 012), written out when a later move or undo removed it.
    func contactsWithFirstStatusesWrittenLater(by operation: Int64, statusMark: Int64) throws -> [Int64]
    func statusChanges(by operation: Int64) throws -> [(contact: Int64, location: Int64, channel: Channel, from: Status?, to: Status)]
    /// Of `contacts`, those changed by anything after `operation` (whose last status change
    /// is `statusMark`): a later operation, or a status set by hand where `handChangeMatters`
    /// (the undo would remove or restore that status; elsewhere it stands beside the undo).
    func changedAfter(operation: Int64, statusMark: Int64, contacts: [Int64], handChangeMatters: HandChangeFilter) throws -> [Int64]
    /// What changed `contacts` after `operation`: "#4 copy", "a status set by hand".
    func laterChanges(operation: Int64, statusMark: Int64, contacts: [Int64], handChangeMatters: HandChangeFilter) throws -> [String]
    func deleteContact(number: Int64) throws
    func deleteUnsentWelcome(operation: Int64) throws -> Int
    /// Whether a welcome email to `contact` at `address` waits, unsent and not dropped (one
    /// to an address the contact no longer has is dropped when the outbox is read).
    func hasWaitingWelcome(contact: Int64, to address: String) throws -> Bool
    /// The welcome emails `operation` queued that were sent, to contacts it created.
    func sentWelcomeToCreated(operation: Int64) throws -> Int
    func markUndone(_ operation: Int64, by undo: Int64) throws
}

/// An operation as undo sees it.
/// What an operation changed in a contact's values: the fields, and their values before.
public struct Revision: Equatable, Sendable {
    public var contact: Int64
    public var fields: TemplateFieldSet
    public var before: ContactValues
}

public struct UndoTarget: Equatable, Sendable {
    public var id: Int64
    public var kind: String
    public var practiceID: Int64
    public var locationID: Int64?
    public var file: String?
    public var statusMark: Int64
    public var undoneBy: Int64?
}

/// One recorded status change: when and why (issue 5).
public struct StatusChange: Equatable, Sendable, Codable {
    public var location: String
    public var channel: String
    public var from: String?
    public var to: String
    public var reason: String
    public var at: String
}

extension ContactTransaction {
    func insertContact(practiceID: Int64, values: ContactValues, at: String, operation: Int64?) throws -> Int64 {
        try insertContact(practiceID: practiceID, values: values, keys: IdentityKeys(values), at: at, operation: operation)
    }
}

/// Files a command writes (`--report`, `--out`) are never one of the database's own: a
/// report written over the database (or its -wal file) would destroy every contact in it.
public enum OutputFile {
    /// Throws when `path` is, or would become, one of `store`'s database files: the same
    /// file (a hard link or a symbolic link to it included), or the same name in the same
    /// folder (a -wal file not there at this moment).
    public static func refuseDatabaseFile(_ path: String, option: String, store: any ContactStore) throws {
        for file in store.databaseFiles where Importer.sameFile(path, file) || canonical(path) == canonical(file) {
            throw ImportError.invalidOption("\(option) \(path) is \(file == store.databaseFiles.first ? "roster's database" : "one of roster's database files (\(file))"): writing there would destroy the contacts in it. Choose another name, such as \(option == "--out" ? "contacts.csv" : "failed-rows.csv")")
        }
    }

    /// The absolute path, its folder's symbolic links resolved (the file itself may not exist).
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let resolved = realpath(folder, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? folder
        return (resolved as NSString).appendingPathComponent(url.lastPathComponent)
    }
}
