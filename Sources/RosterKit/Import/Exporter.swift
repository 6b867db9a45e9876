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

    /// The cells of one contact as exported.
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

    /// Writes the export to `writer`; returns the number of contacts written.
    @discardableResult
    public func export(_ request: ExportRequest, to writer: CSVWriter) throws -> Int {
        let location = try store.location(named: request.location, practice: request.practice)
        let phases = try Set(request.phases.map { phase -> String in
            guard let name = Phase.normalise(Text.trim(phase)).value else {
                throw ImportError.invalidOption("--phase \(phase) is not a phase; use one of: \(Phase.names.joined(separator: ", "))")
            }
            return name
        })
        let carriers = Set(request.insuranceCarriers.map { Text.trim($0).lowercased() })
        try writer.write(row: Self.header(withStatus: request.withStatus))
        // Rows are formatted and written on a thread of their own while the store reads the
        // next ones (each side is about half the work); the order is the store's.
        nonisolated(unsafe) let output = writer   // only the worker writes until it has finished
        let (codec, withStatus) = (store.idCodec, request.withStatus)
        let worker = OrderedWorker<(StoredContact, Status, Status)> { batch in
            for (contact, text, email) in batch {
                var row = Self.cells(id: codec.encode(contact.number), values: contact.values)
                if withStatus { row += [text.rawValue, email.rawValue] }
                try output.write(row: row)
            }
        }
        let count: Int
        do {
            count = try store.read { tx in
                var count = 0
                try tx.forEachContact(location: location.id) { contact, text, email in
                    guard contact.practiceID == location.practiceID else { return }
                    if !phases.isEmpty && !phases.contains(contact.values[.phase] ?? Phase.none) { return }
                    if !carriers.isEmpty && !carriers.contains((contact.values[.insuranceCarrier] ?? "").lowercased()) { return }
                    if !request.textStatuses.isEmpty && !request.textStatuses.contains(text) { return }
                    if !request.emailStatuses.isEmpty && !request.emailStatuses.contains(email) { return }
                    try worker.add((contact, text, email))
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
