/// The 17 columns of the CSV template (SPEC 2), in template order.
public enum TemplateField: Int, CaseIterable, Sendable, Comparable {
    case firstName, lastName, nickname, email, phone, homePhone, address, addressLine2,
         city, state, country, sex, postalCode, dateOfBirth, insuranceCarrier, phase, notes

    /// The header as `roster template` prints it.
    public var header: String {
        switch self {
        case .firstName: "First Name"
        case .lastName: "Last Name"
        case .nickname: "Nickname"
        case .email: "Email"
        case .phone: "Phone (Mobile)"
        case .homePhone: "Home Phone"
        case .address: "Address"
        case .addressLine2: "Address Line 2"
        case .city: "City"
        case .state: "State"
        case .country: "Country"
        case .sex: "Sex"
        case .postalCode: "Postal Code"
        case .dateOfBirth: "Date Of Birth"
        case .insuranceCarrier: "Insurance Carrier"
        case .phase: "Phase"
        case .notes: "Notes"
        }
    }

    /// The name in `show --json` and the database column (SPEC 10).
    public var snakeName: String {
        switch self {
        case .firstName: "first_name"
        case .lastName: "last_name"
        case .nickname: "nickname"
        case .email: "email"
        case .phone: "phone"
        case .homePhone: "home_phone"
        case .address: "address"
        case .addressLine2: "address_line_2"
        case .city: "city"
        case .state: "state"
        case .country: "country"
        case .sex: "sex"
        case .postalCode: "postal_code"
        case .dateOfBirth: "date_of_birth"
        case .insuranceCarrier: "insurance_carrier"
        case .phase: "phase"
        case .notes: "notes"
        }
    }

    public static func < (a: TemplateField, b: TemplateField) -> Bool { a.rawValue < b.rawValue }

    /// The template's header line.
    public static var headerLine: String { allCases.map(\.header).joined(separator: ",") }
}

/// A contact's 17 values as stored: nil where empty.
public struct ContactValues: Equatable, Hashable, Sendable {
    private var storage: [String?] = Array(repeating: nil, count: TemplateField.allCases.count)

    public init() {}

    public subscript(field: TemplateField) -> String? {
        get { storage[field.rawValue] }
        set { storage[field.rawValue] = (newValue?.isEmpty ?? true) ? nil : newValue }
    }
}

/// A set of template fields as one word of bits: a row's normalisation fills one, and a
/// `Set<TemplateField>` (hashing, a heap table) cost 6 % of an import's instructions.
public struct TemplateFieldSet: Hashable, Sendable, ExpressibleByArrayLiteral, Sequence, CustomStringConvertible {
    private var bits: UInt32 = 0

    public init() {}
    public init(arrayLiteral fields: TemplateField...) { fields.forEach { insert($0) } }

    public mutating func insert(_ field: TemplateField) { bits |= 1 << UInt32(field.rawValue) }
    public func contains(_ field: TemplateField) -> Bool { bits & (1 << UInt32(field.rawValue)) != 0 }
    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    /// The fields in template order.
    public func makeIterator() -> IndexingIterator<[TemplateField]> { TemplateField.allCases.filter(contains).makeIterator() }
    public var description: String { "[" + map { "\($0)" }.joined(separator: ", ") + "]" }
}
