/// Phase (SPEC 3): one of six names, matched ignoring case, spaces and dashes.
/// Importing into a phase never queues phase or nurture emails.
public enum Phase {
    public static let names = ["No Phase", "Lead-New", "Patient-ScheduledPlanOfCare", "FreeScreen-Scheduled",
                               "InitialEvaluation-Scheduled", "Graduated-Graduated"]
    public static let none = "No Phase"

    static func key(_ s: String) -> String {
        s.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" }
    }

    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(none) }
        guard let name = names.first(where: { key($0) == key(trimmed) }) else {
            return .invalid("is not a known phase; use one of: \(names.joined(separator: ", "))")
        }
        return name == trimmed ? .accepted(name) : .corrected(name, kind: .phaseName)
    }
}
