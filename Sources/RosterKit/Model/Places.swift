/// A tenant: contacts never cross practices (SPEC 1).
public struct Practice: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var ownerFullName: String?
    public var phone: String?
    public var address: String?
    public var email: String?
    public var preferencesURL: String?

    public init(id: Int64, name: String, ownerFullName: String? = nil, phone: String? = nil,
                address: String? = nil, email: String? = nil, preferencesURL: String? = nil) {
        self.id = id
        self.name = name
        self.ownerFullName = ownerFullName
        self.phone = phone
        self.address = address
        self.email = email
        self.preferencesURL = preferencesURL
    }
}

/// A site of one practice; its name is unique in the practice, case-insensitively.
public struct Location: Equatable, Sendable {
    public var id: Int64
    public var practiceID: Int64
    public var practiceName: String
    public var name: String

    public init(id: Int64, practiceID: Int64, practiceName: String, name: String) {
        self.id = id
        self.practiceID = practiceID
        self.practiceName = practiceName
        self.name = name
    }
}

/// The optional settings of `practice add|set`; nil leaves a value as it is.
public struct PracticeDetails: Equatable, Sendable {
    public var ownerFullName: String?
    public var phone: String?
    public var address: String?
    public var email: String?
    public var preferencesURL: String?

    public init(ownerFullName: String? = nil, phone: String? = nil, address: String? = nil,
                email: String? = nil, preferencesURL: String? = nil) {
        self.ownerFullName = ownerFullName
        self.phone = phone
        self.address = address
        self.email = email
        self.preferencesURL = preferencesURL
    }

    /// The settings that go into every welcome email as they are (the From address, the
    /// "click here" link) must be what they say: an email address, a web address. Empty
    /// clears a setting. Throws `StoreError.invalidPracticeSetting` naming the option.
    public func validate() throws {
        if let email = email.map(Text.trim), !email.isEmpty, case .invalid(let reason) = Email.normalise(email) {
            throw StoreError.invalidPracticeSetting(option: "--email", value: email,
                                                    problem: "is not an email address: it \(reason)")
        }
        if let url = preferencesURL.map(Text.trim), !url.isEmpty, !Self.isWebAddress(url) {
            throw StoreError.invalidPracticeSetting(option: "--preferences-url", value: url,
                                                    problem: "is not a web address: give one that starts with https:// (or http://), such as https://philspt.example/preferences")
        }
    }

    /// `http(s)://host...` with nothing a link should not hold (spaces, quotes, angle brackets, controls).
    static func isWebAddress(_ url: String) -> Bool {
        let lower = url.lowercased()
        let rest = lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil
        guard let rest, let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
              !host.isEmpty, !host.hasPrefix(".") else { return false }
        return !url.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || "\"<>\\^`{|}".unicodeScalars.contains($0) }
    }
}
