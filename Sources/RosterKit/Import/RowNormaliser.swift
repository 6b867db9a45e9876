/// Turns one record into template values, by the field rules of SPEC 3. Pure: no store,
/// no clock (today is passed in).
public struct RowNormaliser: Sendable {
    public var header: HeaderMap
    public var today: DateOfBirth.Day
    public var defaultCountry: Country?
    /// The file was read as Windows-1252: a `?` may stand for a letter it cannot hold.
    public var readAsWindows1252: Bool
    /// The file's separator, for telling a row taken into a quoted cell from a note's line.
    public var separator: UInt8

    public init(header: HeaderMap, today: DateOfBirth.Day, defaultCountry: Country? = nil, readAsWindows1252: Bool = false,
                separator: UInt8 = UInt8(ascii: ",")) {
        self.header = header
        self.today = today
        self.defaultCountry = defaultCountry
        self.readAsWindows1252 = readAsWindows1252
        self.separator = separator
    }

    /// A row's problem: the field (nil for the row as a whole) and what to fix.
    public struct Problem: Equatable, Sendable {
        public var field: String?
        public var message: String
    }

    public struct Result: Equatable, Sendable {
        public var row: Int
        /// The Contact ID cell, trimmed; nil when absent or empty.
        public var contactID: String?
        public var values = ContactValues()
        public var corrections: [Correction] = []
        public var problems: [Problem] = []
        /// The template fields whose cells were not empty.
        public var provided = TemplateFieldSet()
        /// A merge row (without `clearEmpty`) with an empty cell where the contact has a
        /// value, which that value keeps: the readout says how to clear such values.
        public var keptStoredForEmptyCell = false
        /// A merge row's fields whose cells are the stored value with characters lost by the
        /// file's encoding (`LostCharacters`): the stored value is kept, and the readout says so.
        public var keptStoredForLostCharacters: [String] = []
        public var isValid: Bool { problems.isEmpty }
    }

    /// The cell under `column`, as given (untrimmed), or "" when the row is short.
    public func cell(_ record: CSVRecord, _ column: Column) -> String {
        guard let i = header.index[column], i < record.fields.count else { return "" }
        return record.fields[i]
    }

    /// Country first: State and Postal Code must fit it.
    static let countryFirst: [TemplateField] = [.country] + TemplateField.allCases.filter { $0 != .country }

    /// Normalises `record`. For a merge row, `base` holds the stored values: empty cells
    /// keep them (or clear them with `clearEmpty`), non-empty cells replace them.
    public func normalise(_ record: CSVRecord, base: ContactValues? = nil, clearEmpty: Bool = false) -> Result {
        var result = Result(row: record.row)
        let idCell = Text.trim(cell(record, .contactID))
        result.contactID = idCell.isEmpty ? nil : idCell

        // Cells the header cannot hold.
        let extra = record.fields.dropFirst(header.columns.count).filter { !Text.trim($0).isEmpty }.count
            + record.droppedNonEmptyFields
        if extra > 0 {
            result.problems.append(Problem(field: nil, message: "has \(extra) more non-empty cell(s) than the header has columns: a comma inside an unquoted cell splits it, and moves the cells after it one column to the right (other problems named in this row may come from that); quote that cell or remove the extra cells"))
        }
        for position in header.unnamed.sorted() where position < record.fields.count && !Text.trim(record.fields[position]).isEmpty {
            result.problems.append(Problem(field: nil, message: "has a value in column \(position + 1), which has no header: name the column or clear it"))
        }

        // A stray opening quote (`"Said she would call`) runs on to the next quote in the
        // file, taking in the rows between as one cell: said, never stored as a note.
        for position in record.multilineFields.sorted() where position < record.fields.count {
            let taken = linesReadingLikeRows(record.fields[position])
            guard taken.rowLike > 0 else { continue }
            let name = position < header.headers.count && !Text.trim(header.headers[position]).isEmpty
                ? Text.trim(header.headers[position]) : "column \(position + 1)"
            result.problems.append(Problem(field: name, message: "\(name) opens a quote (\") that runs over \(taken.lines) lines, \(taken.rowLike) of which read like rows of this file: a quote at the start of the cell that was never closed took in the rows after it (read as part of this cell, not as rows). Remove that quote, or close it where the cell ends, and try again"))
        }

        var values = base ?? ContactValues()
        /// The field's cell as given, nil when the file has no such column (or the cell is
        /// far too long, which is a problem of its own).
        func given(_ field: TemplateField) -> String? {
            guard let i = header.fieldPositions[field.rawValue], i < record.fields.count else { return nil }
            if !record.overlongFields.isEmpty && record.overlongFields.contains(i) { return nil }
            if !record.textAfterClosingQuote.isEmpty && record.textAfterClosingQuote.contains(i) { return nil }
            return record.fields[i]
        }
        // `"Carol"x`: which text the cell means is a guess, so it is not made.
        for field in TemplateField.allCases where !record.textAfterClosingQuote.isEmpty {
            guard let i = header.fieldPositions[field.rawValue], i < record.fields.count,
                  record.textAfterClosingQuote.contains(i), !record.overlongFields.contains(i) else { continue }
            result.problems.append(Problem(field: field.header, message: "\(field.header) has text after its closing quote (as in \"Carol\"x): a quote inside a quoted cell is written twice (\"\"); fix the quotes in this cell"))
        }
        for field in TemplateField.allCases where !record.overlongFields.isEmpty {
            guard let i = header.fieldPositions[field.rawValue], i < record.fields.count,
                  record.overlongFields.contains(i) else { continue }
            result.problems.append(Problem(field: field.header, message: "\(field.header) is far too long (over \(CSVReader.defaultFieldByteLimit / 1024) KiB): check the file; the limit is \(field == .notes ? FreeText.notesLimit : FreeText.defaultLimit) characters"))
        }

        // Country first: State and Postal Code must fit it.
        for field in Self.countryFirst {
            guard let raw = given(field) else { continue }
            let trimmedRaw = Text.trim(raw)
            if !trimmedRaw.isEmpty { result.provided.insert(field) }
            let trimmed = FormulaGuard.unescape(trimmedRaw)
            if trimmed.isEmpty {
                // An empty Phase is `No Phase` (SPEC 3): what a new row gets, and what
                // --clear-empty sets.
                if field == .phase {
                    if base == nil || clearEmpty { values[.phase] = Phase.none }
                } else if base != nil && clearEmpty && field != .firstName {
                    values[field] = nil
                } else if base != nil && clearEmpty {
                    // Asked to clear what every contact must have: said, not passed over.
                    result.problems.append(Problem(field: field.header, message: "First Name is empty, and a contact's first name cannot be cleared: type the name, or leave --clear-empty out to keep the stored one"))
                }
                if let stored = base?[field], !clearEmpty, field != .firstName, field != .phase || stored != Phase.none {
                    result.keptStoredForEmptyCell = true
                }
                continue
            }
            // A stored `Łódź` that Excel saved as "CSV" reads `?ód?`: that cell is the stored
            // value as the file could hold it, not an edit, and never replaces it.
            if let stored = base?[field], LostCharacters.isLossyCopy(trimmed, of: stored, windows1252: readAsWindows1252) {
                values[field] = stored
                result.keptStoredForLostCharacters.append(field.header)
                continue
            }
            // Edited as well, such a cell would store the edit without those letters: in a
            // Windows-1252 file any change, in another a change that holds a `?` (the same
            // save carried on, as a report file or re-saved as UTF-8).
            if let stored = base?[field], readAsWindows1252 || trimmed.utf8.contains(UInt8(ascii: "?")),
               trimmed != stored, !LostCharacters.windows1252Holds(stored) {
                let file = readAsWindows1252 ? "a file saved as Windows-1252 (Excel's \"CSV\"), which cannot hold" : "a file with ? where a Windows-1252 save (Excel's \"CSV\") lost"
                result.problems.append(Problem(field: field.header, message: "\(field.header) was changed in \(file) some letters of the stored value (such as Ł or an emoji): merged, they would be lost. Export again, make the change there and save it as \"CSV UTF-8\", or empty the cell to keep the stored value"))
                continue
            }
            if LostCharacters.hasReplacement(trimmed) && trimmed != base?[field] {
                result.problems.append(Problem(field: field.header, message: "\(field.header) has \u{FFFD} where a character was lost when the file was converted: retype it, or export the file again as CSV UTF-8"))
                continue
            }
            // A spreadsheet shows a stored date with a two-digit year (03/01/62): in a merge, a
            // cell that agrees with the stored date is that date, not a new (invalid) one.
            if field == .dateOfBirth, let stored = base?[.dateOfBirth], DateOfBirth.isShortForm(trimmed, of: stored) {
                values[field] = stored
                continue
            }
            // UTF-8 seen through Windows-1252 (a spreadsheet that opened a UTF-8 file as its
            // own encoding, then saved it) is never stored as it reads: in a merge it would
            // replace every accented name (`MixedEncoding`).
            if MixedEncoding.looksDecodedTwice(trimmed) {
                result.problems.append(Problem(field: field.header, message: "\(field.header) looks garbled (é shows as Ã©, ’ as â€™), as when a spreadsheet opens a UTF-8 file as Windows-1252 and saves it: retype it, or export again and open the file as UTF-8 (Excel: Data, From Text/CSV, File Origin 65001: Unicode (UTF-8))"))
                continue
            }
            // With Country empty, a State still says which country a Postal Code must fit
            // (not asked of a merge row that keeps a stored address as it is: see below).
            let stateCountry = field == .postalCode && values[.country] == nil
                && !keepsStoredAddress(base, values, postalCode: trimmed)
                ? values[.state].flatMap { Regions.countryOfCode[$0]?.rawValue } : nil
            let outcome = rule(field, trimmed, country: values[.country] ?? stateCountry)
            switch outcome {
            case .invalid(let message):
                if let stateCountry, let state = values[.state], rule(field, trimmed, country: nil).value != nil {
                    // A good code of the other country: the State or the code is the mistake.
                    let (code, place) = stateCountry == Country.ca.rawValue ? ("a US ZIP code", "Canada") : ("a Canadian postal code", "the US")
                    result.problems.append(Problem(field: field.header, message: "\(field.header) is \(code), but State \(state) is in \(place): fix the State, or the Postal Code"))
                } else {
                    let why = stateCountry.map { " (State \(values[.state] ?? "") is in \($0 == Country.ca.rawValue ? "Canada" : "the US"))" } ?? ""
                    // In a merge, emptying the cell keeps the stored value: often the fix
                    // (a phone a spreadsheet turned into 6.04E+09 need not be retyped).
                    let keep = base?[field] != nil && !clearEmpty ? " (or empty the cell to keep the stored value)" : ""
                    result.problems.append(Problem(field: field.header, message: "\(field.header) \(message)\(why)\(keep)"))
                }
            case .accepted(let value):
                values[field] = value
                // SPEC 3: every change is a correction, the `'` FormulaGuard reads away too.
                if trimmed != trimmedRaw, let value {
                    result.corrections.append(Correction(row: record.row, field: field.header, from: raw, to: value, kind: .textMark))
                } else if trimmedRaw != raw, let value {
                    result.corrections.append(Correction(row: record.row, field: field.header, from: raw, to: value, kind: .trimmed))
                }
            case .corrected(let value?, .capitalised) where base.map { PersonName.hasLostCase(value, of: $0[field]) } ?? false:
                // A name column a spreadsheet put in capitals (=UPPER(), or typed so) lost its
                // case, not its letters: the stored McKenzie stays, not capitalised to Mckenzie.
                values[field] = base?[field]
            case .corrected(let value, let kind):
                values[field] = value
                result.corrections.append(Correction(row: record.row, field: field.header, from: raw, to: value ?? "", kind: kind))
            }
        }
        // A merge that changes Country leaves the stored State and Postal Code, unless the
        // file gives them too: they must fit the new country as a cell would (SPEC 3).
        if let base, let country = values[.country], base[.country] != country {
            for field in [TemplateField.state, .postalCode] where !result.provided.contains(field) {
                guard let stored = values[field], !result.problems.contains(where: { $0.field == field.header }),
                      case .invalid = rule(field, stored, country: country) else { continue }
                result.problems.append(Problem(field: field.header, message: "\(field.header) as stored does not fit Country \(country), which this row sets: give the \(field.header) that goes with it in the same row, or leave Country as it was"))
            }
        }
        if values[.phase] == nil { values[.phase] = Phase.none }
        if let code = values[.postalCode], let state = values[.state], !keepsStoredAddress(base, values, postalCode: code),
           let mismatch = PostalCode.provinceMismatch(code: code, state: state) {
            result.problems.append(Problem(field: TemplateField.postalCode.header, message: "Postal Code \(mismatch)"))
        }

        // Rules of the row as a whole.
        if values[.firstName] == nil, !result.problems.contains(where: { $0.field == TemplateField.firstName.header }) {
            result.problems.append(Problem(field: TemplateField.firstName.header, message: "First Name is empty; every contact needs a first name"))
        }
        if values[.country] == nil, let defaultCountry {
            values[.country] = defaultCountry.rawValue
            result.corrections.append(Correction(row: record.row, field: TemplateField.country.header, from: "", to: defaultCountry.rawValue, kind: .defaultCountry))
            // Re-check State and Postal Code against the country now known.
            for field in [TemplateField.state, .postalCode] {
                guard let raw = given(field), !Text.trim(raw).isEmpty,
                      !result.problems.contains(where: { $0.field == field.header }) else { continue }
                if case .invalid(let message) = rule(field, Text.trim(raw), country: defaultCountry.rawValue) {
                    result.problems.append(Problem(field: field.header, message: "\(field.header) \(message)"))
                }
            }
        }
        if values[.address] != nil && values[.country] == nil
            && !result.problems.contains(where: { $0.field == TemplateField.country.header }) {
            result.problems.append(Problem(field: TemplateField.country.header, message: "Country is required when Address is given: write US or CA, or import with --default-country US"))
        }
        // An invalid Phone (Mobile) beside a valid Home Phone: emptying it is a fix too.
        if base == nil, values[.homePhone] != nil, let i = result.problems.firstIndex(where: { $0.field == TemplateField.phone.header }) {
            result.problems[i].message += " (or leave Phone (Mobile) empty, and the valid Home Phone is used)"
        }
        if values[.phone] == nil, let home = values[.homePhone], !result.problems.contains(where: { $0.field == TemplateField.homePhone.header }) {
            values[.phone] = home
            result.corrections.append(Correction(row: record.row, field: TemplateField.phone.header, from: "", to: home, kind: .homePhoneAsPhone))
        }
        let reachFailed = result.problems.contains { [TemplateField.email.header, TemplateField.phone.header, TemplateField.homePhone.header].contains($0.field) }
        if values[.email] == nil && values[.phone] == nil && !reachFailed {
            result.problems.append(Problem(field: nil, message: "has no Email and no phone: add an email address or a phone number"))
        }
        result.values = values
        return result
    }

    /// The lines of a quoted cell, and how many after its first read as rows of this file:
    /// split at the file's separator, as many cells as the header has columns, a First Name
    /// the name rule takes, and an Email or a phone the rules take. A note's line, commas
    /// and all, is none of that.
    func linesReadingLikeRows(_ cell: String) -> (lines: Int, rowLike: Int) {
        let lines = cell.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        guard let first = header.position(of: .firstName) else { return (lines.count, 0) }
        let reach = [TemplateField.email, .phone, .homePhone].compactMap { field in header.position(of: field).map { (field, $0) } }
        let rowLike = lines.dropFirst().filter { line in
            let cells = line.utf8.split(separator: separator, omittingEmptySubsequences: false).map { Text.trim(String(decoding: $0, as: UTF8.self)) }
            guard cells.count >= header.columns.count, first < cells.count,
                  !cells[first].isEmpty, PersonName.normalise(cells[first], required: true).value != nil else { return false }
            return reach.isEmpty || reach.contains { field, i in
                i < cells.count && !cells[i].isEmpty && rule(field, cells[i], country: nil).value != nil
            }
        }.count
        return (lines.count, rowLike)
    }

    /// A merge row whose State, Country and Postal Code are the stored ones (an exported row
    /// merged back, or a file without those columns): the rules that weigh them together
    /// were added after some contacts were stored, and a merge that does not touch the
    /// address must not fail on it (SPEC 5: the round trip changes nothing).
    func keepsStoredAddress(_ base: ContactValues?, _ values: ContactValues, postalCode: String) -> Bool {
        guard let base else { return false }
        return base[.postalCode] == postalCode && base[.state] == values[.state] && base[.country] == values[.country]
    }

    func rule(_ field: TemplateField, _ trimmed: String, country: String?) -> FieldOutcome {
        switch field {
        case .firstName: PersonName.normalise(trimmed, required: true)
        case .lastName: PersonName.normalise(trimmed, required: false)
        case .email: Email.normalise(trimmed)
        case .phone, .homePhone: Phone.normalise(trimmed)
        case .state: State.normalise(trimmed, country: country)
        case .country: Country.normalise(trimmed)
        case .postalCode: PostalCode.normalise(trimmed, country: country)
        case .sex: Sex.normalise(trimmed)
        case .dateOfBirth: DateOfBirth.normalise(trimmed, today: today)
        case .phase: Phase.normalise(trimmed)
        case .notes: FreeText.normalise(trimmed, limit: FreeText.notesLimit)
        case .nickname, .address, .addressLine2, .city, .insuranceCarrier: FreeText.normalise(trimmed)
        }
    }
}
