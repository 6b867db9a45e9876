// libFuzzer target: a file's rows through the header map and RowNormaliser, as an
// import reads them (Sources/RosterKit/Import/RowNormaliser.swift, HeaderMap.swift).
// Scripts/fuzz builds it as `.build/fuzz/rows`.
//
// Input layout: byte 0 = flags, the rest = the file.
//   flags bit 0:    --ignore-unknown-columns (Scripts/fuzz seeds with it set)
//   flags bit 1:    --strict-template
//   flags bits 2-3: --default-country (none, US, CA, none)
//   flags bit 4:    also normalise each row as a merge over stored values
//   flags bit 5:    clear-empty for that merge
// Every valid row's values are exported (CSVWriter, FormulaGuard) and imported again:
// they must come back the same and valid.
import Foundation

private let today = DateOfBirth.Day(year: 2025, month: 6, day: 30)
private let defaultCountries: [Country?] = [nil, .us, .ca, nil]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRows(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flags = input.first ?? 0
    let body = Array(input.dropFirst())
    let options = HeaderMap.Options(ignoreUnknownColumns: flags & 1 != 0, strictTemplate: flags & 2 != 0)
    let defaultCountry = defaultCountries[Int((flags >> 2) & 3)]

    let path = FuzzScratch.path("rows.csv")
    FuzzScratch.write(body, to: path)
    guard let encoding = try? FileFingerprint.scan(path: path).encoding else { return 0 }

    // The header as Importer finds it: the first non-blank record, semicolons if it is one cell holding one.
    var all = fuzzReadAll(path: path, encoding: encoding, delimiter: UInt8(ascii: ","), fieldByteLimit: CSVReader.defaultFieldByteLimit,
                          maxFields: 200_000, byteCount: body.count, input: input).records.filter { !$0.isBlank }
    if let first = all.first, first.fields.count == 1, first.fields[0].contains(";") {
        all = fuzzReadAll(path: path, encoding: encoding, delimiter: UInt8(ascii: ";"), fieldByteLimit: CSVReader.defaultFieldByteLimit,
                          maxFields: 200_000, byteCount: body.count, input: input).records.filter { !$0.isBlank }
    }
    guard let headerRecord = all.first, let header = try? HeaderMap(header: headerRecord.fields, options: options) else { return 0 }
    let normaliser = RowNormaliser(header: header, today: today, defaultCountry: defaultCountry)

    var valid: [ContactValues] = []
    var base = ContactValues()
    base[.firstName] = "Stored"
    base[.email] = "stored@example.com"
    base[.phase] = Phase.none
    for record in all.dropFirst() {
        let result = normaliser.normalise(record)
        if result.row != record.row { fuzzFailure("result row \(result.row) for record row \(record.row)", input: input) }
        if result.isValid {
            if result.values[.firstName] == nil { fuzzFailure("a valid row without a first name", input: input) }
            if result.values[.email] == nil && result.values[.phone] == nil { fuzzFailure("a valid row with no way to reach", input: input) }
            valid.append(result.values)
        }
        if flags & 16 != 0 {
            _ = normaliser.normalise(record, base: base, clearEmpty: flags & 32 != 0)
        }
    }
    if !valid.isEmpty { roundTrip(valid, input: input) }
    return 0
}

/// Export (template header, FormulaGuard, CSVWriter) → read → normalise: the same values.
private func roundTrip(_ rows: [ContactValues], input: [UInt8]) {
    let path = FuzzScratch.path("export.csv")
    do {
        let writer = try CSVWriter(path: path)
        try writer.write(row: TemplateField.allCases.map(\.header))
        for values in rows {
            try writer.write(row: TemplateField.allCases.map { FormulaGuard.escape(values[$0] ?? "") })
        }
        try writer.flush()
    } catch {
        fuzzFailure("cannot write the export: \(error)", input: input)
    }
    let reread: [CSVRecord]
    do {
        let encoding = try FileFingerprint.scan(path: path).encoding
        if encoding != .utf8 { fuzzFailure("the export reads as \(encoding)", input: input) }
        let reader = try CSVReader(path: path, encoding: encoding)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        reread = records
    } catch {
        fuzzFailure("the export cannot be read back: \(error)", input: input)
    }
    guard reread.count == rows.count + 1 else {
        fuzzFailure("\(rows.count) rows exported, \(reread.count - 1) read back", input: input)
    }
    guard let header = try? HeaderMap(header: reread[0].fields, options: .init()) else {
        fuzzFailure("the template header is refused", input: input)
    }
    let normaliser = RowNormaliser(header: header, today: today)
    for (values, record) in zip(rows, reread.dropFirst()) {
        let result = normaliser.normalise(record)
        if !result.isValid || result.values != values {
            let fields = TemplateField.allCases
            let changed = fields.filter { values[$0] != result.values[$0] }
                .map { "\($0.header): \(String(reflecting: values[$0])) → \(String(reflecting: result.values[$0]))" }
            fuzzFailure("an exported row imports differently: \(changed) problems \(result.problems.map(\.message))", input: input)
        }
    }
}
