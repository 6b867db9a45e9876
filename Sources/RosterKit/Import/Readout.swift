/// The six reasons a row fails (SPEC 4, 5), spelled exactly.
public enum FailureReason: String, Sendable, Codable, CaseIterable {
    case alreadyExistsEmail = "Already Exists Email"
    case alreadyExistsPhone = "Already Exists Phone"
    case duplicateEmail = "Duplicate Email"
    case duplicatePhone = "Duplicate Phone"
    case invalid = "Invalid"
    case unknownContactID = "Unknown Contact ID"

    /// The reason in plain words, for the readout's legend (the code itself is SPEC's).
    public var explanation: String {
        switch self {
        case .alreadyExistsEmail: "the email is already another contact's, and the row has no phone of its own to reach the person by"
        case .alreadyExistsPhone: "the phone is already used by another contact with the same first name, and the row has no email"
        case .duplicateEmail: "the email is already another contact's (the row has a phone as well)"
        case .duplicatePhone: "the phone is already used by another contact with the same first name (the row has an email as well)"
        case .invalid: "a value breaks a field rule, or the row has no name or no way to reach the person"
        case .unknownContactID: "the Contact ID is not one of this practice's contacts"
        }
    }
}

/// A failed row: the spreadsheet row, the reason, the field (or nil) and what to fix.
public struct Failure: Equatable, Sendable, Encodable {
    public var row: Int
    public var reason: FailureReason
    public var field: String?
    public var message: String
    /// The first and last name as given, for the readout's table (never logged).
    public var name: String?

    enum CodingKeys: String, CodingKey { case row, reason, field, message }

    /// `field` is null, not absent, for a problem of the row as a whole (SPEC 8).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(row, forKey: .row)
        try c.encode(reason, forKey: .reason)
        try c.encode(field, forKey: .field)
        try c.encode(message, forKey: .message)
    }
}

/// A value the tool changed: from the cell as given to what was stored (SPEC 3).
public struct Correction: Equatable, Sendable, Encodable {
    public var row: Int
    public var field: String
    public var from: String
    public var to: String
    public var kind: CorrectionKind

    enum CodingKeys: String, CodingKey { case row, field, from, to }
}

/// A field a merge row changed (issue 4).
/// A reason and the field it names (nil: the row as a whole).
public struct FailureKind: Hashable, Sendable {
    public var reason: FailureReason
    public var field: String?
}

public struct Change: Equatable, Sendable, Encodable {
    public var row: Int
    public var contactID: String
    public var field: String
    public var from: String?
    public var to: String?

    enum CodingKeys: String, CodingKey {
        case row, field, from, to
        case contactID = "contact_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(row, forKey: .row)
        try c.encode(contactID, forKey: .contactID)
        try c.encode(field, forKey: .field)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
    }
}

/// What one row became, for `--plan`.
public struct PlannedRow: Equatable, Sendable, Encodable {
    public var row: Int
    public var action: String
    public var contactID: String?
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case row, action, detail
        case contactID = "contact_id"
    }
}

/// The readout of one import or merge (SPEC 8). Counts always add up:
/// rows = created + updated + copied + unchanged + skipped + failed.
public struct Readout: Equatable, Sendable, Encodable {
    public var kind: String
    public var file: String
    public var sha256: String
    public var practice: String
    public var location: String
    public var consent: String
    public var encoding: String
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var copied = 0
    public var unchanged = 0
    public var skipped = 0
    public var failed = 0
    /// Every failed row, or (`ImportRequest.keepsEveryDetail` off) the first few: `failed` counts them all.
    public var failures: [Failure] = []
    /// Failed rows by reason and field ("Invalid" and "First Name"), all of them: a long
    /// list of failures reads first as what most of them have in common.
    public var failureKinds: [FailureKind: Int] = [:]
    /// Every correction, or (`ImportRequest.keepsEveryDetail` off) none: `correctionCounts` counts them all.
    public var corrections: [Correction] = []
    /// How many values each kind of correction changed (what the text readout shows).
    public var correctionCounts: [CorrectionKind: Int] = [:]
    /// Every value a merge changed, or (`ImportRequest.keepsEveryDetail` off) the first
    /// `changesKeptBrief`: `changeCount` counts them all.
    public var changes: [Change] = []
    public var changeCount = 0
    public var warnings: [String] = []
    public var welcomeEmailsQueued = 0
    public var textsMoved = 0
    /// Merge rows counted `updated` (SPEC 5: a changed value counts first) that also added
    /// their contact to the location: said, since the count alone hides it.
    public var updatedAndAdded = 0
    public var dryRun: Bool
    public var historyID: Int64?
    public var plan: [PlannedRow]?
    /// Locations that true duplicates were copied from, with counts ("12 copied from Hudson").
    public var copiedFrom: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case kind, file, sha256, practice, location, consent, encoding, rows, created, updated, copied, unchanged,
             skipped, failed, failures, corrections, changes, warnings, plan
        case welcomeEmailsQueued = "welcome_emails_queued"
        case textsMoved = "texts_moved"
        case updatedAndAdded = "updated_and_added"
        case dryRun = "dry_run"
        case historyID = "history_id"
        case copiedFrom = "copied_from"
    }

    /// The failed rows a readout keeps without `ImportRequest.keepsEveryDetail`: more than
    /// the text readout shows (`ReadoutText.maxFailedRows`, 40 by default).
    public static let failuresKeptBrief = 1_000
    /// The changed values a readout keeps without `ImportRequest.keepsEveryDetail`: a merge
    /// of a whole exported list changes a value in every row, and keeping each one took 7 MiB
    /// of a 94,000-row merge's 70.
    public static let changesKeptBrief = 1_000

    mutating func add(_ change: @autoclosure () -> Change, keepingEach: Bool) {
        changeCount += 1
        if keepingEach || changes.count < Self.changesKeptBrief { changes.append(change()) }
    }

    mutating func add(_ corrections: [Correction], keepingEach: Bool) {
        for correction in corrections { correctionCounts[correction.kind, default: 0] += 1 }
        if keepingEach { self.corrections += corrections }
    }

    public var countsAddUp: Bool { rows == created + updated + copied + unchanged + skipped + failed }

    var counts: OperationCounts {
        var c = OperationCounts()
        (c.rows, c.created, c.updated, c.copied, c.unchanged, c.skipped, c.failed) =
            (rows, created, updated, copied, unchanged, skipped, failed)
        return c
    }
}
