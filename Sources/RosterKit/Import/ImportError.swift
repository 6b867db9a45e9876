/// File-level problems of import and merge: thrown before anything is written, each
/// message saying what to do (SPEC 8).
public enum ImportError: Error, Equatable, CustomStringConvertible {
    case noHeader
    /// `unknown`: the file's unknown columns as well, named so one round of edits fixes both.
    case sensitiveColumns([String], unknown: [String] = [])
    case unknownColumns([String])
    case headerLooksLikeAContact(columns: [Int])
    /// No column name is one roster knows: the first row may be a person, so the names are
    /// not quoted (SPEC 11: errors never hold a contact's values).
    case noKnownColumns(count: Int)
    case duplicateColumns(field: String, headers: [String])
    case missingFirstNameColumn(hasContactID: Bool)
    case missingReachColumn(hasContactID: Bool)
    case missingTemplateColumns([String])
    case missingContactIDColumn
    /// A column read as Contact ID (`Id`, `ID`) whose first value is no roster ID at all.
    case foreignIDColumn(String)
    case tooManyRows(count: Int, limit: Int)
    /// The practice values the welcome email needs and the practice lacks, all of them.
    case practiceMissing(fields: [String], options: [String], practice: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .noHeader:
            return "the file has no header row: the first row must name the columns (`roster template` prints them)"
        case .sensitiveColumns(let names, let unknown):
            let also = unknown.isEmpty ? "" : ". It also has column(s) roster does not know: \(Self.quote(unknown)); rename them to template names (`roster template` prints them), delete them, or add --ignore-unknown-columns to drop their data"
            return "the file has column(s) \(Self.quote(names)) that look like sensitive data roster never stores (SSN; patient, member, record, licence or card numbers and IDs): delete these columns from the file and try again" + also
        case .unknownColumns(let names):
            return "the file has column(s) roster does not know: \(Self.quote(names))\(Self.meant(names)). Rename them to template names (`roster template` prints them), delete them, or add --ignore-unknown-columns to drop their data"
                + Self.consentAdvice(names)
        case .headerLooksLikeAContact(let columns):
            let shown = columns.prefix(5).map(String.init)
            let named = columns.count == 1 ? "column \(shown[0]) holds"
                : "columns " + shown.dropLast().joined(separator: ", ") + (columns.count > 5 ? ", \(shown.last!) and more" : " and \(shown.last!)") + " hold"
            return "the first row looks like a person, not a header: its \(named) what reads like an email address, a phone number or a date. Put the template's header row first (`roster template` prints it; the names of your EMR's columns work too) and try again"
        case .noKnownColumns(let count):
            return "\(count == 1 ? "the file's one column name is not" : "none of the file's \(count) column names is") one roster knows, so its first row may be a person, not a header (its cells are not shown, in case they are): put the template's header row first (`roster template` prints it; the names of your EMR's columns work too) and try again"
        case .duplicateColumns(let field, let headers):
            return "columns \(Self.quote(headers)) both mean \(field): keep one of them and try again"
        case .missingFirstNameColumn(let hasContactID):
            return "the file has no First Name column: every contact needs one (`roster template` prints the header)"
                + (hasContactID ? Self.partialMergeHint : "")
        case .missingReachColumn(let hasContactID):
            return "the file has none of Email, Phone (Mobile) or Home Phone: every contact needs a way to reach them"
                + (hasContactID ? Self.partialMergeHint : "")
        case .missingTemplateColumns(let names):
            return "--strict-template: the file lacks column(s) \(Self.quote(names)); add them (they may be empty) or leave out --strict-template"
        case .foreignIDColumn(let column):
            return "the file's \"\(Self.printable(column))\" column holds IDs that are not roster Contact IDs (those look like C7KM29PXQ4), so every row would be read as an update of a contact that does not exist: if it holds another system's IDs (an EMR's), delete or rename that column and try again"
        case .missingContactIDColumn:
            return "a merge needs a Contact ID column: export the location with `roster export`, edit that file and merge it back"
        case .tooManyRows(let count, let limit):
            return "the file has \(count) data rows, over the limit of \(limit): nothing was imported. Split the file, or raise the limit with --max-rows \(count)"
        case .practiceMissing(let fields, let options, let practice):
            let named = ReadoutText.list(fields)
            return "the welcome email needs the practice's \(named), and \(practice) has \(fields.count == 1 ? "none" : "none of these"): nothing was imported. "
                + "Set \(fields.count == 1 ? "it" : "them") with `roster practice set \"\(practice)\" \(options.map { "\($0) ..." }.joined(separator: " "))`, or import with --consent that leaves out email"
        case .invalidOption(let message):
            return message
        }
    }

    /// ` ("Emial": did you mean "Email"?)` for names a few letters off a template header or
    /// alias, the first few.
    static func meant(_ names: [String]) -> String {
        let known = HeaderAliases.table.flatMap { column, names in names.map { (key: HeaderAliases.key($0), name: $0, column: column) } }
        let guesses = names.prefix(20).compactMap { name -> String? in
            // One letter wrong, missing, added or two swapped (two in a long name): a typo,
            // not another word (RACE is not Phase).
            let key = HeaderAliases.key(name)
            guard key.count >= 4 else { return nil }
            let best = known.map { ($0, Spelling.distance(key, $0.key)) }.min { $0.1 < $1.1 }
            guard let best, best.1 <= (key.count >= 8 ? 2 : 1) else { return nil }
            return "\"\(printable(name))\": did you mean \"\(best.0.column.header)\"?"
        }
        return guesses.isEmpty ? "" : " (" + guesses.prefix(5).joined(separator: "; ") + ")"
    }

    /// What to do with columns that hold each patient's consent: roster does not read them,
    /// and dropped, every row would be subscribed as `--consent` says ("" when none).
    static func consentAdvice(_ names: [String]) -> String {
        let consent = names.filter(HeaderAliases.looksLikeConsent)
        guard !consent.isEmpty else { return "" }
        return ". \(Self.quote(consent)) \(consent.count == 1 ? "looks" : "look") like each patient's own consent: roster takes consent for a whole file (--consent), so split the file by those answers, import each part with the --consent it allows (--consent none for those who said no), and delete \(consent.count == 1 ? "that column" : "those columns"); dropped with --ignore-unknown-columns, every row would be subscribed as --consent says"
    }

    /// A file of a few columns and Contact IDs is a merge's file, which `import` (which may
    /// create contacts) does not take.
    static let partialMergeHint = "; to update only some columns of contacts by Contact ID, use `roster merge`"

    static func quote(_ names: [String]) -> String {
        let shown = names.prefix(20).map { "\"\(printable($0))\"" }.joined(separator: ", ")
        return names.count > 20 ? shown + " and \(names.count - 20) more" : shown
    }

    /// A header as it can be shown on a terminal: control characters (binary garbage)
    /// become U+FFFD and a very long one is cut, so an error never garbles the screen.
    /// A header that reads like a contact's value (an email, a phone, a date: a row pasted
    /// above the header) is not shown, and digits in a header with five or more (`SSN
    /// 123-45-6789`) are masked: errors go to stderr, which may be logged (SPEC 11).
    static func printable(_ name: String) -> String {
        if HeaderMap.looksLikeAValue(Text.trim(name)) { return "(a value, not shown)" }
        var name = name
        if name.unicodeScalars.filter({ ("0"..."9").contains($0) }).count >= 5 {
            name = String(String.UnicodeScalarView(name.unicodeScalars.map { ("0"..."9").contains($0) ? "#" : $0 }))
        }
        let cut = name.unicodeScalars.count > 60
        return ReadoutText.terminalSafe(cut ? String(name.unicodeScalars.prefix(60)) : name, breaksAsSpaces: false) + (cut ? "…" : "")
    }
}
