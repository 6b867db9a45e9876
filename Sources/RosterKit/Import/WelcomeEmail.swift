/// The welcome email of SPEC 7, rendered when the outbox is read (the queue stores only
/// who and when, so a million-row import does not store a million bodies).
public enum WelcomeEmail {
    public static let subjectTemplate = "Hi [Contact.FirstName]! We're here for you"
    public static let bodyTemplate = """
        Hello [Contact.FirstName],
        This is [PracticeOwner.FullName] from [Contact.PracticeName] and we appreciate you as a part of our community.
        We recently updated our email system and wanted to let you know that we are going to start sharing more tips and exclusive opportunities for our client base. We're excited to help you solve your health challenges naturally!
        To manage your contact preferences, click here.
        Regards,
        [PracticeOwner.FullName]
        [Contact.PracticeName]
        [Practice.Phone]
        [Practice_Address]
        PS - Are you experiencing any health or activity issues right now? If so, reply to this email and let us know how we can help.
        """

    /// A merge field: where its value comes from, and which option sets it when missing.
    enum MergeField: String, CaseIterable {
        case firstName = "contact.firstname"
        case ownerFullName = "practiceowner.fullname"
        case practiceName = "contact.practicename"
        case practicePhone = "practice.phone"
        case practiceAddress = "practice_address"

        var label: (field: String, option: String) {
            switch self {
            case .firstName: ("contact's first name", "")
            case .ownerFullName: ("owner's full name", "--owner")
            case .practiceName: ("name", "")
            case .practicePhone: ("phone", "--phone")
            case .practiceAddress: ("address", "--address")
            }
        }
    }

    public enum TemplateError: Error, Equatable, CustomStringConvertible {
        case unknownField(String)
        public var description: String {
            switch self {
            case .unknownField(let name): "the welcome email template names an unknown merge field [\(name)]"
            }
        }
    }

    /// Splits a template into text and merge fields (matched case-insensitively).
    static func parse(_ template: String) throws -> [Either] {
        var parts: [Either] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            parts.append(.text(String(rest[..<open])))
            let name = String(rest[rest.index(after: open)..<close])
            guard let field = MergeField(rawValue: name.lowercased()) else { throw TemplateError.unknownField(name) }
            parts.append(.field(field))
            rest = rest[rest.index(after: close)...]
        }
        parts.append(.text(String(rest)))
        return parts
    }

    enum Either { case text(String), field(MergeField) }

    /// The practice values the template needs and this practice lacks: (field, option).
    public static func missingPracticeValues(_ practice: Practice) throws -> [(field: String, option: String)] {
        let fields = try parse(subjectTemplate) + parse(bodyTemplate)
        var missing: [(String, String)] = []
        for case .field(let f) in fields where f != .firstName && value(f, firstName: "", practice: practice) == nil {
            if !missing.contains(where: { $0.0 == f.label.field }) { missing.append(f.label) }
        }
        return missing
    }

    static func value(_ field: MergeField, firstName: String, practice: Practice) -> String? {
        let v: String?
        switch field {
        case .firstName: v = firstName
        case .ownerFullName: v = practice.ownerFullName
        case .practiceName: v = practice.name
        case .practicePhone: v = practice.phone
        case .practiceAddress: v = practice.address
        }
        return (v?.isEmpty ?? true) ? nil : v
    }

    public static func render(_ template: String, firstName: String, practice: Practice) throws -> String {
        try parse(template).map { part in
            switch part {
            case .text(let t): t
            case .field(let f): value(f, firstName: firstName, practice: practice) ?? ""
            }
        }.joined()
    }

    public static func subject(firstName: String, practice: Practice) throws -> String {
        try render(subjectTemplate, firstName: firstName, practice: practice)
    }

    public static func body(firstName: String, practice: Practice) throws -> String {
        try render(bodyTemplate, firstName: firstName, practice: practice)
    }
}
