/// A welcome email as the outbox shows it and a sender takes it (SPEC 7).
public struct OutboxMessage: Equatable, Sendable, Encodable {
    public var id: Int64
    public var contactID: String
    public var to: String
    public var subject: String
    public var body: String
    public var sent: Bool
    public var sentAt: String?
    public var queuedAt: String
    public var dropReason: String?
    public var attempts: Int
    public var lastError: String?
    /// What a sender outside roster needs besides the text (`outbox --json`): the practice's
    /// From address and name, and where the body's "click here" points (what `outbox send`
    /// puts in the message). Absent while the practice has none.
    public var from: String?
    public var fromName: String?
    public var preferencesURL: String?

    enum CodingKeys: String, CodingKey {
        case id, to, subject, body, sent, attempts
        case contactID = "contact_id"
        case sentAt = "sent_at"
        case queuedAt = "queued_at"
        case dropReason = "drop_reason"
        case lastError = "last_error"
        case from
        case fromName = "from_name"
        case preferencesURL = "preferences_url"
    }
}

public struct Outbox {
    public let store: any ContactStore
    public init(store: any ContactStore) { self.store = store }

    /// Every queued message, rendered now from the practice's current values. An unsent
    /// message that `outbox send` would drop (the contact opted out of email, or their email
    /// changed) carries that reason already, so a sender reading `--json` skips it rather
    /// than mail someone who said no.
    public func messages() throws -> [OutboxMessage] {
        try store.outbox().map { entry in
            OutboxMessage(id: entry.id, contactID: store.idCodec.encode(entry.contactNumber), to: entry.to,
                          subject: try WelcomeEmail.subject(firstName: entry.firstName, practice: entry.practice),
                          body: try WelcomeEmail.body(firstName: entry.firstName, practice: entry.practice),
                          sent: entry.sentAt != nil, sentAt: entry.sentAt, queuedAt: entry.queuedAt,
                          dropReason: entry.dropReason ?? (entry.sentAt == nil ? entry.reasonNotToSend : nil),
                          attempts: entry.attempts, lastError: entry.lastError,
                          from: entry.practice.email, fromName: entry.practice.ownerFullName, preferencesURL: entry.practice.preferencesURL)
        }
    }

    /// Marks messages sent (by outbox id); explicit, so nothing is marked by reading.
    @discardableResult public func markSent(ids: [Int64], clock: Clock = .system) throws -> Int {
        try store.markSent(ids: ids, at: Clock.timestamp(clock.now()))
    }
}
