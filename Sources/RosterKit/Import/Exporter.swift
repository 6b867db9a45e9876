/// `roster export` (SPEC 5): Contact ID and the 17 template columns, one row per contact
/// of the location, oldest first. Phones in national format and dates as mm/dd/yyyy, so
/// a spreadsheet keeps them as text; text cells that a spreadsheet would run as
/// formulas are neutralised (FormulaGuard).
public struct ExportRequest: Sendable {
    public var location: String
    public var practice: String?
    public var phases: [String] = []
    public var insuranceCarriers: [String] = []
    public var textStatuses: [Status] = []
    public var emailStatuses: [Status] = []
    public var withStatus = false

    public init(location: String, practice: String? = nil) {
        self.location = location
        self.practice = practice
    }
}

public struct Exporter {
    public let store: any ContactStore

    public init(store: any ContactStore) { self.store = store }

    public static func header(withStatus: Bool) -> [String] {
        ["Contact ID"] + TemplateField.allCases.map(\.header) + (withStatus ? ["Text Status", "Email Status"] : [])
    }

    /// The cells of one contact as exported, from its values. Export itself makes them from
    /// the stored bytes (`write(_:id:withStatus:to:)`); the tests hold the two together.
    public static func cells(id: String, values: ContactValues) -> [String] {
        var cells = [id]
        cells.reserveCapacity(TemplateField.allCases.count + 3)
        for field in TemplateField.allCases {
            guard let value = values[field] else { cells.append(""); continue }
            switch field {
            case .phone, .homePhone: cells.append(Phone.national(value))
            case .dateOfBirth: cells.append(DateOfBirth.day(iso: value)?.us ?? value)
            default: cells.append(FormulaGuard.escape(value))
            }
        }
        return cells
    }

    /// Writes one contact's row: `cells(id:values:)` (and the statuses), made from its bytes.
    static func write(_ contact: ContactBytes, id: String, withStatus: Bool, to writer: CSVWriter) throws {
        let fields = TemplateField.allCases
        try writer.write(cells: fields.count + (withStatus ? 3 : 1)) { i, out in
            guard i > 0 else { return out.append(contentsOf: id.utf8) }
            guard i <= fields.count else { return out.append(contentsOf: (i == fields.count + 1 ? contact.text : contact.email).rawValue.utf8) }
            let field = fields[i - 1]
            contact.withValue(field) { value in
                guard let value else { return }
                switch field {
                case .phone, .homePhone: Phone.appendNational(value, to: &out)
                case .dateOfBirth:
                    if let day = DateOfBirth.day(isoBytes: value) { out.append(contentsOf: day.us.utf8) } else { out.append(contentsOf: value) }
                default:
                    if FormulaGuard.startsLikeAFormula(value) { out.append(UInt8(ascii: "'")) }
                    out.append(contentsOf: value)
                }
            }
        }
    }

    /// Why `--phase name` filters nothing, or nil when it names a phase: the command line
    /// checks its options with this before it opens the database.
    public static func phaseProblem(_ name: String) -> String? {
        Phase.normalise(Text.trim(name)).value == nil ? notAPhase(name) : nil
    }

    static func notAPhase(_ name: String) -> String {
        "--phase \(name) is not a phase; use one of: \(Phase.names.joined(separator: ", "))"
    }

    /// Writes the export to `writer`; returns the number of contacts written.
    @discardableResult
    public func export(_ request: ExportRequest, to writer: CSVWriter) throws -> Int {
        let location = try store.location(named: request.location, practice: request.practice)
        let phases = try Set(request.phases.map { phase -> String in
            guard let name = Phase.normalise(Text.trim(phase)).value else { throw ImportError.invalidOption(Self.notAPhase(phase)) }
            return name
        })
        let carriers = Set(request.insuranceCarriers.map { Text.trim($0).lowercased() })
        try writer.write(row: Self.header(withStatus: request.withStatus))
        // Rows are formatted and written on a thread of their own while the store reads the
        // next ones (each side is about half the work); the order is the store's. Values
        // stay bytes from the store to the file.
        nonisolated(unsafe) let output = writer   // only the worker writes until it has finished
        let (codec, withStatus) = (store.idCodec, request.withStatus)
        let worker = OrderedWorker<ContactBytes> { batch in
            for contact in batch { try Self.write(contact, id: codec.encode(contact.number), withStatus: withStatus, to: output) }
        }
        let count: Int
        do {
            count = try store.read { tx in
                var count = 0
                try tx.forEachContactBytes(location: location.id) { contact in
                    guard contact.practiceID == location.practiceID else { return }
                    if !phases.isEmpty && !phases.contains(contact.value(.phase) ?? Phase.none) { return }
                    if !carriers.isEmpty && !carriers.contains((contact.value(.insuranceCarrier) ?? "").lowercased()) { return }
                    if !request.textStatuses.isEmpty && !request.textStatuses.contains(contact.text) { return }
                    if !request.emailStatuses.isEmpty && !request.emailStatuses.contains(contact.email) { return }
                    try worker.add(contact)
                    count += 1
                }
                return count
            }
            try worker.finish()
        } catch {
            worker.cancel()
            throw error
        }
        try writer.flush()
        return count
    }
}
