// libFuzzer target: the field rules (Sources/RosterKit/Fields) and the header map.
// Scripts/fuzz builds it as `.build/fuzz/field-rules`.
//
// Input layout: byte 0 = flags, the rest = one cell's text (UTF-8, invalid bytes become U+FFFD).
//   flags bits 0-1: the row's Country for State and Postal Code (none, US, CA, XX)
//   flags bits 2-3: HeaderMap options (ignore unknown columns, strict template)
// Each rule gets the cell as RowNormaliser gives it (trimmed, formula guard dropped). A
// value a rule stores must come back unchanged when exported and imported again
// (FormulaGuard.escape → trim → unescape → the same rule): a broken round trip is a finding.
import Foundation

private let countries: [String?] = [nil, "US", "CA", "XX"]
private let today = DateOfBirth.Day(year: 2025, month: 6, day: 30)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFieldRules(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flags = input.first ?? 0
    let raw = String(decoding: input.dropFirst(), as: UTF8.self)
    let country = countries[Int(flags & 3)]

    // Helpers on the raw, untrimmed text.
    let trimmed = Text.trim(raw)
    if Text.trim(trimmed) != trimmed { fuzzFailure("trim is not idempotent", input: input) }
    _ = Text.hasForbiddenControl(raw)
    _ = Text.contains(raw, "..")
    if FormulaGuard.unescape(FormulaGuard.escape(raw)) != raw {
        fuzzFailure("FormulaGuard.unescape(escape(x)) != x", input: input)
    }
    _ = HeaderAliases.key(raw)
    _ = HeaderAliases.column(for: raw)
    _ = HeaderAliases.isSensitive(raw)
    _ = HeaderAliases.words(raw)
    _ = Regions.key(raw)
    _ = NoteWords.match(in: raw)
    _ = PersonName.capitalise(raw)
    _ = Email.problem(raw)
    _ = Phone.parse(raw)
    _ = Phone.isScientificNotation(raw.uppercased())
    _ = Phone.national(raw)
    if let day = DateOfBirth.day(iso: raw) { _ = (day.iso, day.us) }

    // The rules, as RowNormaliser calls them.
    let cell = FormulaGuard.unescape(trimmed)
    let rules: [(String, (String) -> FieldOutcome)] = [
        ("First Name", { PersonName.normalise($0, required: true) }),
        ("Last Name", { PersonName.normalise($0, required: false) }),
        ("Email", Email.normalise),
        ("Phone", Phone.normalise),
        ("State", { State.normalise($0, country: country) }),
        ("Country", Country.normalise),
        ("Postal Code", { PostalCode.normalise($0, country: country) }),
        ("Sex", Sex.normalise),
        ("Date Of Birth", { DateOfBirth.normalise($0, today: today) }),
        ("Phase", Phase.normalise),
        ("Free text", { FreeText.normalise($0) }),
        ("Notes", { FreeText.normalise($0, limit: FreeText.notesLimit) }),
    ]
    for (name, rule) in rules {
        let outcome = rule(cell)
        if case .invalid(let message) = outcome, message.isEmpty { fuzzFailure("\(name): an empty message", input: input) }
        guard let stored = outcome.value else { continue }
        if stored.isEmpty { fuzzFailure("\(name) stored an empty value", input: input) }
        // Export and import again.
        let again = rule(FormulaGuard.unescape(Text.trim(FormulaGuard.escape(stored))))
        if again.value != stored {
            fuzzFailure("\(name): \(String(reflecting: cell)) is stored as \(String(reflecting: stored)) but that reads back as \(again)", input: input)
        }
    }

    // The header map, with the text as a header line.
    let header = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let options = HeaderMap.Options(ignoreUnknownColumns: flags & 4 != 0, strictTemplate: flags & 8 != 0)
    if let map = try? HeaderMap(header: header, options: options) {
        if map.columns.count != header.count { fuzzFailure("HeaderMap has \(map.columns.count) columns for \(header.count) headers", input: input) }
        for (column, position) in map.index where position >= header.count || map.columns[position] != column {
            fuzzFailure("HeaderMap puts \(column) at \(position)", input: input)
        }
    }
    return 0
}
