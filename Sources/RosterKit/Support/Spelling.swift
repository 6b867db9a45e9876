/// How far apart two spellings are, for the "did you mean" of an unknown practice,
/// location, command or column.
public enum Spelling {
    /// The known name `name` is most likely a misspelling of (a few letters off), if any.
    public static func closest(to name: String, among known: [String]) -> String? {
        let target = name.lowercased()
        let best = known.map { ($0, distance(target, $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, target.count / 3) else { return nil }
        return best.0
    }

    /// Edits between two words, a swap of neighbours counting as one (`emial` → `email`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
