/// How a file's header maps onto the template (SPEC 2).
public struct HeaderMap: Equatable, Sendable {
    /// The column each position means; nil for a column whose data is dropped.
    public var columns: [Column?]
    public var index: [Column: Int]
    public var headers: [String]
    public var warnings: [String]
    public var unnamed: Set<Int>

    public func position(of field: TemplateField) -> Int? { fieldPositions[field.rawValue] }
    /// Each template field's column position, by the field's raw value: read for every
    /// cell of every row, so an array rather than a dictionary lookup.
    public private(set) var fieldPositions: [Int?] = []
    public var hasContactID: Bool { index[.contactID] != nil }
    /// `export --with-status` columns: read-only, but an edit of them is named.
    public var hasStatusColumns: Bool { index[.textStatus] != nil || index[.emailStatus] != nil }

    public struct Options: Equatable, Sendable {
        public var ignoreUnknownColumns = false
        public var strictTemplate = false
        /// `roster merge`: every row must carry a Contact ID, so the file may hold only the
        /// columns being changed. An import's file may create contacts, so it needs First
        /// Name and a way to reach them (SPEC 2), even when it has a Contact ID column.
        public var updatesOnly = false
        public init(ignoreUnknownColumns: Bool = false, strictTemplate: Bool = false, updatesOnly: Bool = false) {
            self.ignoreUnknownColumns = ignoreUnknownColumns
            self.strictTemplate = strictTemplate
            self.updatesOnly = updatesOnly
        }
    }

    /// A header cell that reads like a contact's value, not a column name: an email
    /// address, a phone number (7 or more digits), a date, a ZIP or Canadian postal code, or
    /// a street address (`123 Main St`: a house number, then a word). Column names such as
    /// `Address 2` or `2nd Phone` are none of these.
    static func looksLikeAValue(_ cell: String) -> Bool {
        if cell.contains("@") { return true }
        let bytes = Array(cell.utf8)
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isLetter = { (b: UInt8) in (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        let digits = bytes.filter(isDigit).count
        let phoneish = bytes.allSatisfy { isDigit($0) || " +-().".utf8.contains($0) }
        if digits >= 7 && phoneish { return true }
        let parts = cell.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        if parts.count == 3 && parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            return true
        }
        // 03060, 03060-1234
        if (bytes.count == 5 || (bytes.count == 10 && bytes[5] == UInt8(ascii: "-"))) && bytes.enumerated().allSatisfy({ $0.offset == 5 || isDigit($0.element) }) {
            return true
        }
        // K1A 0B1, K1A0B1
        let postal = bytes.filter { $0 != 0x20 }
        if postal.count == 6 && bytes.count <= 7 && postal.enumerated().allSatisfy({ $0.offset % 2 == 0 ? isLetter($0.element) : isDigit($0.element) }) {
            return true
        }
        // 123 Main St, 45B Elm Road (a number, then words, one of them a street's)
        let number = bytes.prefix(while: isDigit).count
        guard number >= 1 && number <= 6 else { return false }
        let words = cell.lowercased().split(whereSeparator: { $0 == " " || $0 == "." || $0 == "," }).dropFirst()
        return words.count >= 2 && words.contains { streetWords.contains(String($0)) }
    }

    static let streetWords: Set<String> = ["st", "street", "ave", "avenue", "rd", "road", "dr", "drive", "ln", "lane", "blvd",
                                           "boulevard", "way", "ct", "court", "pl", "place", "ter", "terrace", "cir", "circle",
                                           "hwy", "highway", "pkwy", "parkway", "sq", "square", "trl", "trail", "apt", "suite", "unit",
                                           "rue", "ch", "chemin", "route", "rte"]

    public init(header: [String], options: Options) throws {
        defer { fieldPositions = TemplateField.allCases.map { index[.field($0)] } }
        headers = header
        columns = []
        index = [:]
        warnings = []
        unnamed = []
        var sensitive: [String] = [], unknown: [String] = [], unknownPositions: [Int] = [], valueLike: [Int] = []
        var byColumn: [Column: [String]] = [:]
        for (position, raw) in header.enumerated() {
            let name = Text.trim(raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw)
            if name.isEmpty {
                unnamed.insert(position)
                columns.append(nil)
                continue
            }
            if HeaderAliases.isSensitive(name) {
                sensitive.append(name)
                columns.append(nil)
            } else if let column = HeaderAliases.column(for: name) {
                byColumn[column, default: []].append(name)
                if index[column] == nil { index[column] = position }
                columns.append(column)
            } else {
                unknown.append(name)
                unknownPositions.append(position + 1)
                if Self.looksLikeAValue(name) { valueLike.append(position + 1) }
                columns.append(nil)
            }
        }
        if !sensitive.isEmpty {
            // Unknown names too, where the unknown-column refusal would quote them next.
            let named = options.ignoreUnknownColumns || !valueLike.isEmpty || index.isEmpty ? [] : unknown
            throw ImportError.sensitiveColumns(sensitive, unknown: named)
        }
        if let (column, names) = byColumn.first(where: { $0.value.count > 1 }).map({ ($0.key, $0.value) }) {
            throw ImportError.duplicateColumns(field: column.header, headers: names)
        }
        // A file without a header row: its first person would be quoted as column names,
        // on stderr (SPEC 11: errors never hold a contact's values). Name positions only.
        if !valueLike.isEmpty { throw ImportError.headerLooksLikeAContact(columns: valueLike) }
        // Nothing known at all: a file without a header row whose first person's cells read
        // like words (a name, a town). Named, they would be that person's details on screen.
        if index.isEmpty && !unknown.isEmpty { throw ImportError.noKnownColumns(count: unknown.count) }
        if !unknown.isEmpty {
            if !options.ignoreUnknownColumns { throw ImportError.unknownColumns(unknown) }
            warnings.append("ignored column(s) \(ImportError.quote(unknown)) (--ignore-unknown-columns): their data was dropped, not stored")
            let consent = unknown.filter(HeaderAliases.looksLikeConsent)
            if !consent.isEmpty {
                warnings.append("ignored column(s) \(ImportError.quote(consent)) look like each patient's own consent, which roster does not read: every row was decided with --consent as given, whatever those cells said. If some patients said no, undo this run (`roster history` gives its number), split the file by those answers and import each part with the --consent it allows")
            }
        }
        // A merge's file may carry only the columns being changed: its empty cells keep the
        // stored values, which already satisfy these rules (SPEC 5).
        // `Id` alone is as often an EMR's own record ID: only a column named for roster's
        // IDs makes the refusals below point to `roster merge`.
        let mergeFile = index[.contactID].map { ["contactid", "rosterid"].contains(HeaderAliases.key(header[$0])) } ?? false
        if !options.updatesOnly {
            guard index[.field(.firstName)] != nil else { throw ImportError.missingFirstNameColumn(hasContactID: mergeFile) }
            guard [TemplateField.email, .phone, .homePhone].contains(where: { index[.field($0)] != nil }) else {
                throw ImportError.missingReachColumn(hasContactID: mergeFile)
            }
        }
        let missing = TemplateField.allCases.filter { index[.field($0)] == nil }.map(\.header)
        if !missing.isEmpty {
            if options.strictTemplate { throw ImportError.missingTemplateColumns(missing) }
            // A merge's file of a few columns is the common case: named by what it has.
            let present = TemplateField.allCases.filter { index[.field($0)] != nil }.map(\.header)
            if options.updatesOnly {
                warnings.append("the file has \(present.count) of the \(TemplateField.allCases.count) template columns (\(ImportError.quote(present))): the others keep their stored values")
            } else {
                warnings.append(mergeFile
                    ? "the file has no column(s) \(ImportError.quote(missing)); rows with a Contact ID keep their stored values there, rows without one read them as empty"
                    : "the file has no column(s) \(ImportError.quote(missing)); they were read as empty")
            }
        }
    }
}
