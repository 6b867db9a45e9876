/// Phase (SPEC 3): one of six names, matched ignoring case, spaces and dashes.
/// Importing into a phase never queues phase or nurture emails.
public enum Phase {
    public static let names = ["No Phase", "Lead-New", "Patient-ScheduledPlanOfCare", "FreeScreen-Scheduled",
                               "InitialEvaluation-Scheduled", "Graduated-Graduated"]
    public static let none = "No Phase"

    static func key(_ s: String) -> String {
        s.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" }
    }

    private static let nameKeys = names.map(key)

    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(none) }
        if names.contains(trimmed) { return .accepted(trimmed) }
        let given = key(trimmed)
        guard let index = nameKeys.firstIndex(of: given) else {
            return .invalid("is not a known phase; use one of: \(names.joined(separator: ", "))")
        }
        return .corrected(names[index], kind: .phaseName)
    }
}
