/// Sex (SPEC 3): one of four words; `M` and `F` are corrected to the word.
public enum Sex {
    static let words = ["Male", "Female", "Intersex", "Other"]

    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        let lower = trimmed.lowercased()
        let word = lower == "m" ? "Male" : lower == "f" ? "Female" : words.first { $0.lowercased() == lower }
        guard let word else { return .invalid("is not Male, Female, Intersex or Other (M and F are read as Male and Female)") }
        return word == trimmed ? .accepted(word) : .corrected(word, kind: .spelledOutSex)
    }
}
