import Foundation

/// The readout as a person reads it (SPEC 8, issue 8): the summary in words first,
/// corrections grouped by kind, warnings, then the failed rows as a table with their
/// reason on the right and what to fix beneath, cut after a screenful.
public struct ReadoutText {
    public var maxFailedRows = 40
    /// Changed values listed before the rest are counted: a merge of a whole list changes
    /// one in every row, more than anyone reads on a terminal.
    public var maxChangedValues = 200
    public var colour = false
    public var reportPath: String?
    /// On a terminal the failed rows stop after a screenful, with or without a report
    /// (issue 8: "all N in --report FILE"). Written to a file or a pipe, with a report, every
    /// one is listed (up to the thousand a readout keeps): the report's Reason column holds
    /// only the reason, so what to fix in each is here.
    public var toTerminal: Bool

    public init(maxFailedRows: Int = 40, colour: Bool = false, reportPath: String? = nil, toTerminal: Bool = false) {
        self.maxFailedRows = maxFailedRows
        self.colour = colour
        self.reportPath = reportPath
        self.toTerminal = toTerminal
    }

    public static func number(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// "1 row", "2 rows", "1,234 rows".
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number(n)) " + (n == 1 ? singular : plural ?? singular + "s")
    }

    private func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// A stored value as people see it: phones and dates as export writes them.
    static func shown(_ field: String, _ value: String?) -> String {
        guard let value else { return "" }
        if field == TemplateField.phone.header || field == TemplateField.homePhone.header { return Phone.national(value) }
        if field == TemplateField.dateOfBirth.header { return DateOfBirth.day(iso: value)?.us ?? value }
        return value
    }

    /// A value on one line of the readout: each line break of a note shown as ↵, so a
    /// change keeps to its own line (`--json` has the value exactly).
    /// A cell as given (a failed row's name, a header) made safe to print: control
    /// characters read as U+FFFD (line breaks and tabs as spaces, with `breaksAsSpaces`), so
    /// an escape sequence in a file never reaches the terminal as one.
    static func terminalSafe(_ value: String, breaksAsSpaces: Bool = true) -> String {
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return value }
        var scalars = String.UnicodeScalarView()
        for v in value.unicodeScalars {
            if breaksAsSpaces && (v == "\t" || v == "\n" || v == "\r") { scalars.append(" ") }
            else if v.value < 0x20 || (0x7F...0x9F).contains(v.value) { scalars.append("\u{FFFD}") }
            else { scalars.append(v) }
        }
        return String(scalars)
    }

    /// "a", "a and b", "a, b and c".
    public static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// A name as one word of a command the user can paste into a shell: as it is when it
    /// is plain (`Nashua`), else in double quotes (`"Main St"`).
    public static func shellWord(_ name: String) -> String {
        let plain = !name.isEmpty && name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F
        }
        if plain { return name }
        var quoted = "\""
        for c in name {
            if c == "\"" || c == "$" || c == "`" || c == "\\" { quoted.append("\\") }
            quoted.append(c)
        }
        return quoted + "\""
    }

    static func oneLine(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return value }
        return value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .joined(separator: " ↵ ")
    }

    public func render(_ r: Readout) -> String {
        var lines: [String] = []
        let verb = r.kind == "merge" ? "merge" : "import"
        let title = (r.dryRun ? "Dry run, nothing written: would \(verb)" : (r.kind == "merge" ? "Merged" : "Imported"))
            + " \(r.file) into \(r.location) (\(r.practice)), consent: \(r.consent)"
        lines.append(paint(title, "1"))
        var parts: [String] = []
        if r.created > 0 || r.kind == "import" { parts.append("\(Self.number(r.created)) created") }
        if r.updated > 0 || r.kind == "merge" { parts.append("\(Self.number(r.updated)) updated") }
        if r.copied > 0 {
            let from = r.copiedFrom.count == 1 && r.kind == "import" ? " from \(r.copiedFrom.keys.first ?? "")" : ""
            parts.append("\(Self.number(r.copied)) copied\(from)")
        }
        if r.unchanged > 0 || r.kind == "merge" { parts.append("\(Self.number(r.unchanged)) unchanged") }
        if r.skipped > 0 { parts.append("\(Self.number(r.skipped)) skipped (already in \(r.location), or earlier in this file)") }
        parts.append(paint("\(Self.number(r.failed)) failed", r.failed > 0 ? "31" : "32"))
        lines.append(Self.count(r.rows, "row") + ": " + parts.joined(separator: ", "))
        if r.welcomeEmailsQueued > 0 {
            lines.append(r.dryRun ? "Would queue " + Self.count(r.welcomeEmailsQueued, "welcome email") + "."
                                  : Self.count(r.welcomeEmailsQueued, "welcome email") + " queued (`roster outbox` lists them).")
        }
        if r.updatedAndAdded > 0 {
            lines.append(Self.count(r.updatedAndAdded, "updated contact") + (r.updatedAndAdded == 1 ? " was" : " were") + " not in \(r.location)"
                         + (r.dryRun ? " and would be added to it" : " and " + (r.updatedAndAdded == 1 ? "was" : "were") + " added to it")
                         + " (a merge adds every contact in its file to the location; `roster show ID` lists where each one is).")
        }
        if r.textsMoved > 0 {
            lines.append(Self.count(r.textsMoved, "person", "people") + (r.dryRun ? " would now get" : r.textsMoved == 1 ? " now gets" : " now get") + " texts from \(r.location) only: a person gets texts from one location, so texts elsewhere \(r.dryRun ? "would be" : "were") turned off.")
        }
        if let id = r.historyID { lines.append("Recorded in history as #\(id).") }

        if !r.changes.isEmpty {
            let changed = max(r.changeCount, r.changes.count)
            let shown = r.changes.prefix(maxChangedValues)
            lines.append("")
            lines.append("Changes (\(Self.count(changed, "value"))):")
            for change in shown {
                lines.append("  row \(change.row) \(change.contactID) \(change.field): \"\(Self.oneLine(Self.shown(change.field, change.from)))\" → \"\(Self.oneLine(Self.shown(change.field, change.to)))\"")
            }
            if changed > shown.count {
                lines.append("  … \(Self.number(changed - shown.count)) more: `--json` lists each one, and `roster show ID` a contact's history")
            }
        }
        let corrected = r.correctionCounts.values.reduce(0, +)
        if corrected > 0 {
            lines.append("")
            lines.append("Corrections (\(Self.count(corrected, "value"))):")
            for kind in CorrectionKind.allCases {
                if let count = r.correctionCounts[kind] { lines.append("  \(kind.rawValue): \(Self.number(count))") }
            }
            lines.append("  (`--json` lists each one, with the row, field, from and to)")
        }
        if !r.warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            // Some warnings quote a cell (an edited status): never raw to the terminal.
            for w in r.warnings { lines.append("  - " + Self.terminalSafe(w)) }
        }
        if r.failed > 0 {
            lines.append("")
            lines.append(paint("Failed rows (\(Self.number(r.failed))):", "1"))
            let listsAll = reportPath != nil && !toTerminal
            let shown = r.failures.prefix(listsAll ? max(maxFailedRows, Readout.failuresKeptBrief) : maxFailedRows).map { failure in
                var safe = failure
                safe.name = failure.name.map { Self.terminalSafe($0) }
                return safe
            }
            let rowWidth = max(3, shown.map { String($0.row).count }.max() ?? 3)
            let nameWidth = min(28, max(4, shown.map { ($0.name ?? "").count }.max() ?? 4))
            let fieldWidth = max(5, shown.map { ($0.field ?? "").count }.max() ?? 5)
            func pad(_ s: String, _ n: Int) -> String {
                let cut = s.count > n ? String(s.prefix(n - 1)) + "…" : s
                return cut + String(repeating: " ", count: max(0, n - cut.count))
            }
            lines.append("  " + pad("Row", rowWidth) + "  " + pad("Name", nameWidth) + "  " + pad("Field", fieldWidth) + "  Reason")
            for f in shown {
                lines.append("  " + pad(String(f.row), rowWidth) + "  " + pad(f.name ?? "", nameWidth) + "  "
                             + pad(f.field ?? "", fieldWidth) + "  " + paint(f.reason.rawValue, "31"))
                lines.append("  " + String(repeating: " ", count: rowWidth) + "  fix: " + Self.terminalSafe(f.message))
            }
            // What the reasons shown mean, in plain words (the codes are SPEC's, for scripts).
            let reasons = FailureReason.allCases.filter { reason in shown.contains { $0.reason == reason } && reason != .invalid }
            if !reasons.isEmpty {
                let width = reasons.map(\.rawValue.count).max() ?? 0
                lines.append("  Reasons:")
                for reason in reasons {
                    lines.append("    " + pad(reason.rawValue, width) + "  " + reason.explanation)
                }
            }
            if r.failed > shown.count {
                // What most of the rows not shown have in common, the commonest first.
                let kinds = r.failureKinds.sorted { $0.value != $1.value ? $0.value > $1.value : "\($0.key.reason)\($0.key.field ?? "")" < "\($1.key.reason)\($1.key.field ?? "")" }
                if kinds.count > 0 {
                    let named = kinds.prefix(5).map { "\($0.key.reason.rawValue)\($0.key.field.map { " (\($0))" } ?? "") \(Self.number($0.value))" }
                    lines.append("  All \(Self.number(r.failed)) by reason: " + named.joined(separator: ", ") + (kinds.count > 5 ? ", and \(kinds.count - 5) more kinds" : ""))
                }
                let rest = r.failed - shown.count
                if let reportPath {
                    lines.append("  … \(Self.number(rest)) more: all \(Self.number(r.failed)) are in \(reportPath); what to fix in each: `--json`, or this readout sent to a file (`> readout.txt`) lists them")
                } else {
                    lines.append("  … \(Self.number(rest)) more: add --report FILE to write all \(Self.number(r.failed)) to a CSV you can fix and \(verb)")
                }
            } else if let reportPath {
                lines.append("  Written to \(reportPath) with a Reason column: fix the rows there (what to fix is above, by the row of this file) and \(verb) that file.")
            } else {
                lines.append("  Add --report FILE to write " + (r.failed == 1 ? "this row" : "these \(r.failed) rows") + " to a CSV you can fix and \(verb).")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
