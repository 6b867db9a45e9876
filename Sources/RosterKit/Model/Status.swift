/// A membership's status on one channel (SPEC 1).
public enum Status: String, Sendable, Codable, CaseIterable {
    /// The person may be messaged on this channel from this location.
    case subscribed
    /// The system set it: no consent, or texts moved to another location.
    case unsubscribed
    /// The person's own choice. Sticky: only `roster subscribe` turns it back.
    case optedOut = "opted-out"
}

public enum Channel: String, Sendable, Codable, CaseIterable {
    case text, email
}

/// What the user confirms the people on a list agreed to (`--consent`, SPEC 4).
public struct Consent: Equatable, Sendable, CustomStringConvertible {
    public var email: Bool
    public var text: Bool

    public init(email: Bool, text: Bool) {
        self.email = email
        self.text = text
    }

    /// Parses `email`, `text`, `email,text` (either order) or `none`.
    public init?(parsing raw: String) {
        let parts = raw.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts == ["none"] { self.init(email: false, text: false); return }
        guard !parts.isEmpty, parts.allSatisfy({ $0 == "email" || $0 == "text" }),
              Set(parts).count == parts.count else { return nil }
        self.init(email: parts.contains("email"), text: parts.contains("text"))
    }

    public var description: String {
        switch (email, text) {
        case (true, true): "email,text"
        case (true, false): "email"
        case (false, true): "text"
        case (false, false): "none"
        }
    }
}

/// One location's statuses for a contact.
public struct Membership: Equatable, Sendable {
    public var locationID: Int64
    public var locationName: String
    public var text: Status
    public var email: Status

    public init(locationID: Int64, locationName: String, text: Status, email: Status) {
        self.locationID = locationID
        self.locationName = locationName
        self.text = text
        self.email = email
    }

    public func status(_ channel: Channel) -> Status { channel == .text ? text : email }
}
