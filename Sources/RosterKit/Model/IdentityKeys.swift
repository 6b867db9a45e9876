/// A contact's identity keys (SPEC 4): its email, first and last name as `Text.identityKey`
/// reads them (lower-cased, composed), and its phone as stored. Worked out once per row (on
/// the feed's thread for an import) and handed to the identity index and the store, which
/// keeps them beside the values.
public struct IdentityKeys: Equatable, Sendable {
    public var email: String?
    public var first: String
    public var last: String
    public var phone: String?

    /// The fields the keys are worked out from: values equal in these have equal keys.
    public static let fields: [TemplateField] = [.email, .firstName, .lastName, .phone]

    public init(_ values: ContactValues) {
        email = values[.email].map(Text.emailKey)
        first = Text.identityKey(values[.firstName] ?? "")
        last = Text.identityKey(values[.lastName] ?? "")
        phone = values[.phone]
    }
}
