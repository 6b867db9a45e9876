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
}
