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

/// What a practice's or a location's name may hold: it is printed in lists, in readouts,
/// in commands the readout suggests, and (a practice's) in every welcome email.
public enum PlaceName {
    public static let limit = 100

    /// Why `name` (trimmed) cannot name a practice or location, or nil.
    public static func problem(_ name: String) -> String? {
        if let setting = PracticeDetails.oneLineProblem(name) { return setting }
        if name.unicodeScalars.contains(where: PersonName.isInvisible) {
            return "has an invisible character (such as a zero-width space or a direction mark), so it would look like another name: type it again"
        }
        if Text.exceeds(name, limit) { return "is longer than \(limit) characters: give a shorter name" }
        return nil
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
        // Each is one line of the welcome email: a line break would start a line of its own
        // (`Bcc: …` in the body), an escape would drive the terminal that lists it.
        for (option, value) in [("--owner", ownerFullName), ("--phone", phone), ("--address", address), ("--email", email),
                                ("--preferences-url", preferencesURL)] {
            if let value, let problem = Self.oneLineProblem(value) {
                throw StoreError.invalidPracticeSetting(option: option, value: ReadoutText.terminalSafe(value, breaksAsSpaces: true), problem: problem)
            }
        }
        if let email = email.map(Text.trim), !email.isEmpty, case .invalid(let reason) = Email.normalise(email) {
            throw StoreError.invalidPracticeSetting(option: "--email", value: email,
                                                    problem: "is not an email address: it \(reason)")
        }
        if let url = preferencesURL.map(Text.trim), !url.isEmpty, !Self.isWebAddress(url) {
            throw StoreError.invalidPracticeSetting(option: "--preferences-url", value: url,
                                                    problem: "is not a web address: give one that starts with https:// (or http://), such as https://philspt.example/preferences")
        }
    }

    /// Why a setting or a name is not one line of plain text (a control character), or nil.
    static func oneLineProblem(_ value: String) -> String? {
        let control = value.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
        return control ? "has a line break, a tab or another control character: give it on one line" : nil
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
