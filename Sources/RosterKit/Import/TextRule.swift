/// The text rule and the travelling opt-out (SPEC 1), in one place. Every operation that
/// adds a contact to a location (import, merge, copy) or subscribes one to texts goes
/// through here, so a person is never texted by two locations of one practice.
public enum TextRule {
    /// What adding a membership did.
    public struct Added: Equatable, Sendable {
        /// False when the contact was already in the location (left as it is).
        public var added: Bool
        /// Locations whose text status became `unsubscribed` (moved to the new one).
        public var textsMovedFrom: [String]
    }

    /// Adds `contact` to `location` with the wanted statuses, except that a channel the
    /// person opted out of anywhere in the practice starts `opted-out`; then, if it is
    /// text-subscribed there, unsubscribes texts everywhere else. `firstStatusesInMembership`:
    /// the operation keeps first statuses in the memberships it makes
    /// (`recordsCreationStatusesInMemberships` for a contact it created,
    /// `recordsAddedStatusesInMemberships` for another), so no rows are written for them;
    /// the history reads an opt-out there as carried over (`optedOutElsewhere`), which only
    /// holds while the wanted statuses are never `opted-out`.
    public static func addMembership(_ tx: any ContactTransaction, contact: Int64, location: Location,
                                     text: Status, email: Status, reason: String, operation: Int64?,
                                     at: String, isNewContact: Bool = false, memberships: [Membership]? = nil,
                                     firstStatusesInMembership: Bool = false) throws -> Added {
        // A contact created a moment ago has no other memberships to look at; a caller that
        // has just read them passes them (`memberships`), so they are not read twice.
        precondition(!firstStatusesInMembership || (text != .optedOut && email != .optedOut), "an opt-out is a person's choice, recorded as a change")
        let existing = isNewContact ? [] : try memberships ?? tx.memberships(contact: contact)
        if existing.contains(where: { $0.locationID == location.id }) { return Added(added: false, textsMovedFrom: []) }
        let textStatus = existing.contains { $0.text == .optedOut } ? Status.optedOut : text
        let emailStatus = existing.contains { $0.email == .optedOut } ? Status.optedOut : email
        try tx.insertMembership(contact: contact, location: location.id, text: textStatus, email: emailStatus, at: at, operation: operation)
        let textReason = textStatus == .optedOut && text != .optedOut ? optedOutElsewhere : reason
        let emailReason = emailStatus == .optedOut && email != .optedOut ? optedOutElsewhere : reason
        if !firstStatusesInMembership {
            try tx.recordStatusChange(contact: contact, location: location.id, channel: .text, from: nil, to: textStatus,
                                      reason: textReason, operation: operation, at: at)
            try tx.recordStatusChange(contact: contact, location: location.id, channel: .email, from: nil, to: emailStatus,
                                      reason: emailReason, operation: operation, at: at)
        }
        var moved: [String] = []
        if textStatus == .subscribed {
            moved = try unsubscribeTextsElsewhere(tx, contact: contact, keeping: location, memberships: existing,
                                                  operation: operation, at: at)
        }
        return Added(added: true, textsMovedFrom: moved)
    }

    /// Why a new membership starts `opted-out`: the person opted out in another location.
    static let optedOutElsewhere = "opted out in another location"

    /// Sets one status by hand (`subscribe` / `unsubscribe`). Subscribing is the person's
    /// renewed consent, so it lifts an opt-out; subscribing texts moves them here.
    public static func setStatus(_ tx: any ContactTransaction, contact: Int64, location: Location, channel: Channel,
                                 status: Status, reason: String, operation: Int64?, at: String) throws -> StatusSet {
        let memberships = try tx.memberships(contact: contact)
        guard let current = memberships.first(where: { $0.locationID == location.id }) else {
            throw StoreError.unsupportedDatabase("not a member")
        }
        let from = current.status(channel)
        // Only renewed consent (subscribe) lifts an opt-out; a plain unsubscribe leaves it.
        // An opt-out elsewhere stays: said, so a subscribe by hand gets a second look.
        let optedOutElsewhere = memberships.filter { $0.locationID != location.id && $0.status(channel) == .optedOut }.map(\.locationName)
        if from == .optedOut && status == .unsubscribed { return (from, [], optedOutElsewhere) }
        if from != status {
            try tx.setStatus(contact: contact, location: location.id, channel: channel, status: status, at: at)
            try tx.recordStatusChange(contact: contact, location: location.id, channel: channel, from: from, to: status,
                                      reason: reason, operation: operation, at: at)
        }
        var moved: [String] = []
        if channel == .text && status == .subscribed {
            moved = try unsubscribeTextsElsewhere(tx, contact: contact, keeping: location, memberships: memberships,
                                                  operation: operation, at: at)
        }
        return (from, moved, optedOutElsewhere)
    }

    /// What setting a status by hand did: the status before, the locations whose texts
    /// moved here, and those where the person opted out of the channel.
    public typealias StatusSet = (from: Status, movedFrom: [String], optedOutElsewhere: [String])

    /// A contact an edit left without a phone (or an email) cannot be texted (emailed): its
    /// `subscribed` statuses on that channel, in every location, become `unsubscribed`
    /// (SPEC 4 subscribes a channel only with its phone or email). Opt-outs stay as they
    /// are. Returns how many statuses changed.
    public static func unsubscribeUnreachable(_ tx: any ContactTransaction, contact: Int64, channels: [Channel], reason: String,
                                              operation: Int64?, at: String) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        var changed = 0
        for membership in try tx.memberships(contact: contact) {
            for channel in channels where membership.status(channel) == .subscribed {
                try unsubscribe(tx, contact: contact, location: membership.locationID, channel: channel, reason: reason,
                                operation: operation, at: at)
                changed += 1
            }
        }
        return changed
    }

    static func unsubscribeTextsElsewhere(_ tx: any ContactTransaction, contact: Int64, keeping location: Location,
                                          memberships: [Membership], operation: Int64?, at: String) throws -> [String] {
        var moved: [String] = []
        for other in memberships where other.locationID != location.id && other.text == .subscribed {
            try unsubscribe(tx, contact: contact, location: other.locationID, channel: .text, reason: "moved to \(location.name)",
                            operation: operation, at: at)
            moved.append(other.locationName)
        }
        return moved
    }

    /// A `subscribed` status the system turns `unsubscribed`, with the change recorded.
    private static func unsubscribe(_ tx: any ContactTransaction, contact: Int64, location: Int64, channel: Channel,
                                    reason: String, operation: Int64?, at: String) throws {
        try tx.setStatus(contact: contact, location: location, channel: channel, status: .unsubscribed, at: at)
        try tx.recordStatusChange(contact: contact, location: location, channel: channel, from: .subscribed,
                                  to: .unsubscribed, reason: reason, operation: operation, at: at)
    }

    /// The statuses `--consent` gives a new membership (SPEC 4): subscribed on a
    /// consented channel the contact can be reached on, else unsubscribed.
    public static func statuses(consent: Consent, values: ContactValues) -> (text: Status, email: Status) {
        statuses(consent: consent, hasPhone: values[.phone] != nil, hasEmail: values[.email] != nil)
    }

    public static func statuses(consent: Consent, hasPhone: Bool, hasEmail: Bool) -> (text: Status, email: Status) {
        (consent.text && hasPhone ? .subscribed : .unsubscribed,
         consent.email && hasEmail ? .subscribed : .unsubscribed)
    }
}
