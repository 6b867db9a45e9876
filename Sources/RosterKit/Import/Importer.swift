import Foundation

/// One run of `import` or `merge`, as the library takes it.
public struct ImportRequest: Sendable {
    public enum Mode: String, Sendable { case importRows = "import", merge }

    public var path: String
    public var mode: Mode
    public var location: String
    public var practice: String?
    public var consent: Consent
    public var dryRun = false
    public var maxRows = 10_000
    /// A merge without `--max-rows`: its limit is at least the practice's number of contacts,
    /// so an export of any location merges back (SPEC 5's round trip) however big it is. A
    /// merge creates no one, so its rows are bounded by the contacts there are.
    public var maxRowsAtLeastThePracticesContacts = false
    public var defaultCountry: Country?
    public var again = false
    public var headerOptions = HeaderMap.Options()
    public var clearEmpty = false
    public var reportPath: String?
    public var plan = false
    /// Every failed row and every correction kept in the readout, as `--json` prints them.
    /// Off (the text readout, which shows the counts and the first failed rows), the readout
    /// keeps the first `Readout.failuresKeptBrief` failures and counts the rest, so an
    /// import's memory does not grow with its file (issue 6: a million rows' corrections
    /// took 130 MB). `--report` still gets every failed row.
    public var keepsEveryDetail = true
    /// Called every few thousand rows with (rows done, fraction of the file read).
    public var progress: (@Sendable (Int, Double) -> Void)?

    public init(path: String, mode: Mode = .importRows, location: String, practice: String? = nil, consent: Consent) {
        self.path = path
        self.mode = mode
        self.location = location
        self.practice = practice
        self.consent = consent
    }
}

/// Import and merge (SPEC 4, 5): read → normalise → decide → apply, row by row in file
/// order, in one transaction. Each row is decided against the store, which already
/// holds the rows of the same file accepted before it.
public struct Importer {
    public let store: any ContactStore
    public let clock: Clock

    /// Rows normalised ahead of the store: import rows on the feed's thread, merge rows on
    /// another (off only in the tests that prove it makes no difference).
    var normalisesAhead = true
    /// The same-file guard run as soon as the hash is ready (off in a test that plays a hash
    /// slower than the rows, to show the guard still comes first).
    var guardsEarly = true
    /// A new contact's first statuses kept in its membership, not written as two rows
    /// (schema 006; off only in the test that proves the history reads the same).
    var keepsCreationStatusesInMemberships = true
    /// Whether an import drops the store's identity indexes while it adds contacts
    /// (`ContactTransaction.deferIdentityIndexes`): nil, when the rows still to come
    /// promise many more contacts than the database holds; true (as soon as it can) or
    /// false in the tests that prove the decisions are the same either way.
    var defersIdentityIndexes: Bool?
    /// Lookups of identity keys read the contacts the identity index names, by number; off
    /// (every lookup asks the store's indexes by the key, whatever the identity index
    /// says) only in the test that proves both answer alike. Dropping the indexes needs it.
    var readsContactsByNumber = true
    /// Told when a run drops them (for those tests: the readout does not say).
    var identityIndexesDropped: (() -> Void)?

    public init(store: any ContactStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    public func run(_ request: ImportRequest) throws -> Readout {
        let location = try store.location(named: request.location, practice: request.practice)
        let practice = try store.practice(named: location.practiceName)
        let fingerprint = try FileFingerprint.scan(path: request.path)
        if let format = binaryFormat(fingerprint.head) { throw FileError.notText(format: format) }
        var reader = try CSVReader(path: request.path, encoding: fingerprint.encoding)
        guard var headerRecord = try firstNonBlank(reader) else { throw ImportError.noHeader }
        // A European-locale spreadsheet saves "CSV" with semicolons between cells; "Unicode
        // Text" and "Text (Tab delimited)" put tabs there. A header of one cell holding one
        // of them is read again with it.
        var separator: (byte: UInt8, what: String)?
        // Excel's `sep=;` first line names the separator, and Excel shows it as no row.
        if let byte = Self.excelSeparator(headerRecord) {
            separator = (byte, "\(byte == UInt8(ascii: "\t") ? "tabs" : "\"\(UnicodeScalar(byte))\""), as its first line (sep=) says")
            reader = try CSVReader(path: request.path, encoding: fingerprint.encoding, delimiter: byte)
            _ = try firstNonBlank(reader)
            reader.uncountRow()
            guard let record = try firstNonBlank(reader) else { throw ImportError.noHeader }
            headerRecord = record
        } else if headerRecord.fields.count == 1 {
            separator = [(UInt8(ascii: "\t"), "tabs (as a spreadsheet saves \"Unicode Text\" or \"Text (Tab delimited)\")"),
                         (UInt8(ascii: ";"), "semicolons (as a European-locale spreadsheet saves CSV)")]
                .first { headerRecord.fields[0].utf8.contains($0.0) }.map { (byte: $0.0, what: $0.1) }
            if let separator {
                reader = try CSVReader(path: request.path, encoding: fingerprint.encoding, delimiter: separator.byte)
                guard let record = try firstNonBlank(reader) else { throw ImportError.noHeader }
                headerRecord = record
            }
        }
        var headerOptions = request.headerOptions
        headerOptions.updatesOnly = request.mode == .merge
        let header = try HeaderMap(header: headerRecord.fields, options: headerOptions)
        if request.mode == .merge && !header.hasContactID { throw ImportError.missingContactIDColumn }

        let now = clock.now()
        let at = Clock.timestamp(now)
        var readout = Readout(kind: request.mode.rawValue, file: (request.path as NSString).lastPathComponent,
                              sha256: "", practice: practice.name, location: location.name,
                              consent: request.consent.description, encoding: fingerprint.encoding.rawValue,
                              dryRun: request.dryRun)
        if request.plan { readout.plan = [] }
        readout.warnings = header.warnings
        // Said once for the file, not as each row's Country problem.
        if request.mode == .importRows, request.defaultCountry == nil,
           header.position(of: .address) != nil, header.position(of: .country) == nil {
            readout.warnings.append("the file has an Address column but no Country column, and a row with an Address needs its country: add --default-country US (or CA) and try again, or its rows with an Address fail")
        }
        if let separator {
            readout.warnings.append("the file separates cells with \(separator.what), so it was read that way")
        }
        if let line = fingerprint.strayByteLine {
            readout.warnings.append("the file is UTF-8 up to line \(line) of the file, which has a byte that is not (a cell saved by a program in its own encoding), so the file was read as Windows-1252 and its accented letters may read garbled (rows with them fail, naming the field): fix that cell, or save the file as \"CSV UTF-8\", and try again")
        } else if fingerprint.encoding == .windows1252 {
            readout.warnings.append("the file is not UTF-8, so it was read as Windows-1252 (what Excel saves as \"CSV\"): check accented names, or save as \"CSV UTF-8\" next time")
        }
        if header.hasStatusColumns { readout.warnings.append(Self.statusColumnsWarning) }

        if let reportPath = request.reportPath, Self.sameFile(reportPath, request.path) {
            throw ImportError.invalidOption("--report \(reportPath) is the file being imported: writing the report would overwrite it. Choose another name, such as failed-rows.csv")
        }
        if let reportPath = request.reportPath { try OutputFile.refuseDatabaseFile(reportPath, option: "--report", store: store) }
        let report = try request.reportPath.map { try ReportWriter(path: $0, header: headerRecord.fields) }
        // The hash and the reading of rows run beside the store's work (Background.swift).
        let hash = BackgroundFileHash(path: request.path)
        let normaliser = RowNormaliser(header: header, today: Clock.today(now), defaultCountry: request.defaultCountry,
                                       readAsWindows1252: fingerprint.encoding == .windows1252,
                                       separator: separator?.byte ?? UInt8(ascii: ","))
        let (maxRows, importing) = (request.maxRows, request.mode == .importRows && normalisesAhead)
        // A row's cells past the header are kept only for the report, and only so many.
        reader.keptFields = headerRecord.fields.count + 64
        let feed = RecordFeed<PreparedRow>(reader: reader) { record, count in
            // An import row's values need no store; a merge row's start from the stored contact.
            guard importing, count <= maxRows, Text.trim(normaliser.cell(record, .contactID)).isEmpty else { return nil }
            return PreparedRow(normaliser.normalise(record))
        }
        defer { feed.cancel(); hash.cancel() }
        do {
            try store.write(commit: !request.dryRun, deletes: false) { tx in
                /// The same-file guard, as soon as the hash is ready, and before any other refusal
                /// is reported (so the file's own problems never hide that it was imported):
                /// a refusal met while the hash was not ready waits for it first.
                var guarded = request.again
                /// Said at the end, and only when the merge changed a value.
                var sameFileWarning: String?
                func guardSameFile(wait: Bool) throws {
                    guard !guarded, let sha256 = wait ? try hash.wait() : guardsEarly ? hash.hash : nil else { return }
                    guarded = true
                    readout.sha256 = sha256
                    guard let earlier = try tx.previousRun(location: location.id, sha256: sha256) else { return }
                    // SPEC 4 refuses an import of the same file; a merge runs (merging a file
                    // twice is how a person checks it took), and says what it may undo.
                    guard request.mode == .merge else {
                        throw StoreError.sameFile(at: earlier.at, location: location.name, file: earlier.file, history: earlier.id,
                                                  kind: earlier.kind)
                    }
                    sameFileWarning = "this file (the same contents as \(earlier.file), history #\(earlier.id)) was already \(earlier.kind == "merge" ? "merged" : "imported") into \(location.name) on \(Clock.local(earlier.at)); merging it again \(request.dryRun ? "would set" : "set") the values changed since then back to the file's"
                }
                try guardSameFile(wait: false)
                let operation = try tx.beginOperation(kind: request.mode.rawValue, practiceID: practice.id, location: location.id,
                                                      file: readout.file, sha256: nil,
                                                      consent: request.consent.description, at: at, from: nil)
                var run = Run(tx: tx, request: request, practice: practice, location: location, header: header,
                              normaliser: normaliser, codec: store.idCodec, operation: operation, at: at, report: report)
                run.keepsCreationStatusesInMemberships = keepsCreationStatusesInMemberships
                run.readsContactsByNumber = readsContactsByNumber
                var dataRows = 0
                // The row limit is `run.request.maxRows`: a merge's is raised, at its first row
                // past it, to the practice's number of contacts (`maxRowsAtLeastThePracticesContacts`).
                var limitRaised = !(request.mode == .merge && request.maxRowsAtLeastThePracticesContacts)
                /// Decides a batch's rows, in file order.
                func decide(_ batch: RecordFeed<PreparedRow>.Batch, merges: [Int: Run.MergeAhead]) throws {
                    for (i, item) in batch.items.enumerated() {
                        dataRows = item.count
                        if dataRows > run.request.maxRows && !limitRaised {
                            limitRaised = true
                            run.request.maxRows = max(run.request.maxRows, try tx.contactCount(practiceID: practice.id))
                        }
                        if dataRows > run.request.maxRows { continue }
                        try run.decide(item.record, prepared: item.prepared, merge: merges[i], into: &readout)
                        if let progress = request.progress, dataRows % 2_000 == 0 {
                            progress(dataRows, Double(batch.bytesRead) / Double(max(1, fingerprint.byteCount)))
                        }
                    }
                    // Once an import row has read the practice's keys (lookups then name
                    // their contacts), the rows still to come are guessed from the bytes.
                    guard request.mode == .importRows, !run.identityIndexesDeferred, defersIdentityIndexes != false, readsContactsByNumber,
                          let identity = run.identity, identity.knowsEveryContact, dataRows < request.maxRows else { return }
                    let bytesLeft = Double(max(0, fingerprint.byteCount - batch.bytesRead))
                    let rowsToCome = min(Double(request.maxRows - dataRows), Double(dataRows) * bytesLeft / Double(max(1, batch.bytesRead)))
                    run.identityIndexesDeferred = try tx.deferIdentityIndexes(
                        expectedNewContacts: defersIdentityIndexes == true ? Int.max : Int(rowsToCome))
                    if run.identityIndexesDeferred { identityIndexesDropped?() }
                }
                // Each batch's merge rows are normalised on another thread while the batch
                // before is decided (`Run.mergeAhead` says why that cannot change a decision).
                do {
                    var previous: (batch: RecordFeed<PreparedRow>.Batch, merges: WorkAhead<[Int: Run.MergeAhead]>)?
                    while true {
                        let next: RecordFeed<PreparedRow>.Batch?
                        do { next = try feed.next() } catch {
                            // The reader's error comes after the rows read before it.
                            if let previous { try decide(previous.batch, merges: previous.merges.wait()) }
                            throw error
                        }
                        guard let batch = next else { break }
                        let merges = normalisesAhead ? try run.mergeAhead(batch.items) : WorkAhead { [:] }
                        if let previous {
                            try decide(previous.batch, merges: previous.merges.wait())
                            feed.giveBack(previous.batch, along: previous.merges)
                        }
                        previous = (batch, merges)
                        try guardSameFile(wait: false)
                    }
                    if let previous { try decide(previous.batch, merges: previous.merges.wait()) }
                    try guardSameFile(wait: true)
                } catch let error as ImportError {
                    try guardSameFile(wait: true)
                    throw error
                } catch let error as FileError {
                    // Refusals of the file or the run, not failures of the database (after
                    // which PostgreSQL would run no query): the guard is asked first.
                    try guardSameFile(wait: true)
                    throw error
                }
                if dataRows > run.request.maxRows { throw ImportError.tooManyRows(count: dataRows, limit: run.request.maxRows) }
                if dataRows == 0 { readout.warnings.append("the file has a header but no rows") }
                if let sameFileWarning, readout.updated > 0 { readout.warnings.append(sameFileWarning) }
                if run.duplicatesMatched > 0 {
                    let (n, one) = (run.duplicatesMatched, run.duplicatesMatched == 1)
                    readout.warnings.append("\(ReadoutText.count(n, "row")) matched \(one ? "a contact" : "contacts") already stored or an earlier row of this file (same name, and same email or phone), so \(one ? "its" : "their") other cells were not applied: an import never changes a stored contact. If the list has newer details (a phone, an address, notes), export the location (`roster export`), edit that file and merge it back by Contact ID (`roster merge`)")
                }
                if !run.duplicatesDiffering.isEmpty {
                    let differing = run.duplicatesDiffering
                    let shown = differing.prefix(20).map { "row \($0.row) (\($0.id)): \($0.fields.joined(separator: ", "))" }
                    let compared = run.duplicatesMatched > run.duplicatesCompared ? " (of the first \(ReadoutText.number(run.duplicatesCompared)) compared)" : ""
                    readout.warnings.append("\(ReadoutText.number(differing.count)) of those rows\(compared) \(differing.count == 1 ? "has" : "have") cells that differ from the stored contact, not applied: \(shown.joined(separator: "; "))\(differing.count > 20 ? "; and \(differing.count - 20) more" : ""). To apply them, put those values in an export of the location, by Contact ID, and merge it")
                }
                if !run.rowsKeepingStoredValues.isEmpty {
                    let rows = run.rowsKeepingStoredValues
                    let (n, one) = (rows.count, rows.count == 1)
                    let shown = Self.firstRows(rows.map(String.init))
                    readout.warnings.append("\(ReadoutText.count(n, "row")) with a Contact ID (\(one ? "row" : "rows") \(shown)) \(one ? "has" : "have") empty cells where the contact has a value; an empty cell keeps the stored value. To clear those values, \(request.mode == .merge ? "merge" : "import") the file again with --clear-empty (add --dry-run to see what it would change)")
                }
                // A merge that adds most of its rows' contacts to the location reads like a file
                // exported from another location, merged into this one by mistake.
                let added = readout.copied + readout.updatedAndAdded
                if request.mode == .merge, added >= 10, added * 2 > readout.rows {
                    readout.warnings.append("\(ReadoutText.count(added, "row")) of \(ReadoutText.number(readout.rows)) \(request.dryRun ? "would add their contacts" : "added their contacts") to \(location.name) (they were in other locations only): if this file was exported from another location, \(request.dryRun ? "merge it into that location instead" : "undo this merge (`roster undo \(operation)`) and merge it into that location")")
                }
                for (field, rows) in run.valuesHandedOver() {
                    readout.warnings.append("\(ReadoutText.count(rows.count, "row")) (\(Self.firstRows(rows.map(String.init)))) \(request.dryRun ? "would change" : "changed") \(field.header) to the value another row of this file held, as when one column of a spreadsheet is sorted apart from the others: check the file\(request.dryRun ? " before merging it" : "; if the values changed hands by mistake, `roster undo \(operation)` takes this merge back")")
                }
                if !run.welcomesOfChangedEmails.isEmpty {
                    let ids = run.welcomesOfChangedEmails
                    readout.warnings.append("\(ReadoutText.count(ids.count, "contact")) (\(Self.firstRows(ids))) \(ids.count == 1 ? "had its" : "had their") welcome email waiting unsent when \(request.dryRun ? "this merge would change" : "this merge changed") \(ids.count == 1 ? "its" : "their") email: \(ids.count == 1 ? "it is" : "they are") not sent to the old address, nor to the new one (it was queued for the old), and `roster outbox` lists \(ids.count == 1 ? "it" : "them") as dropped")
                }
                // Issue 4: the status columns are said once, as one warning: the edited cells,
                // when there are any, are named in it.
                if !run.statusEditsNotApplied.isEmpty, let i = readout.warnings.firstIndex(of: Self.statusColumnsWarning) {
                    let rows = run.statusEditsNotApplied
                    let shown = Self.firstRows(rows.map { "\($0.row) (\($0.id): \($0.edits.joined(separator: "; ")))" })
                    readout.warnings[i] += ". Edited here, in \(rows.count == 1 ? "row" : "rows") \(shown): if the person asked, set each by hand: `roster unsubscribe ID --location \(ReadoutText.shellWord(location.name)) --channel text|email --opt-out` for an opt-out, `roster subscribe ID --location \(ReadoutText.shellWord(location.name)) --channel text|email` for renewed consent"
                }
                if !run.rowsWithLostCharacters.isEmpty {
                    let rows = run.rowsWithLostCharacters
                    let shown = Self.firstRows(rows.map { "\($0.row) (\($0.fields.joined(separator: ", ")))" })
                    readout.warnings.append("\(rows.count == 1 ? "row" : "rows") \(shown): the stored value was kept, as the file has ? or \u{FFFD} (or a bare letter) where the stored value has letters a save lost (Excel writes them so when it saves \"CSV\" rather than \"CSV UTF-8\"). To change such a value, export again, make the change there and save it as \"CSV UTF-8\"")
                }
                if !run.welcomedThoughDeceased.isEmpty {
                    let rows = run.welcomedThoughDeceased
                    // Each row with its new Contact ID (none in a dry run), for `unsubscribe`.
                    let shown = Self.firstRows(rows.map { entry in
                        "\(entry.row) (\(entry.contact.map { "\($0): " } ?? "")\(entry.reached.joined(separator: " and ")))"
                    })
                    let email = rows.contains { $0.reached.contains("a welcome email") }, texts = rows.contains { $0.reached.contains("texts") }
                    let channel = email && texts ? "email|text" : email ? "email" : "text"
                    let what = [email ? "a welcome email \(request.dryRun ? "would be" : "was") queued" : nil,
                                texts ? "texts \(request.dryRun ? "would be" : "were") subscribed" : nil].compactMap { $0 }.joined(separator: " and ")
                    readout.warnings.append("\(rows.count == 1 ? "row" : "rows") \(shown): Notes say the person died, yet \(what). \(request.dryRun ? "Before importing, delete those rows from the file, or import them apart with --consent none" : "Check before `roster outbox send` or any texting: `roster unsubscribe ID --location \(ReadoutText.shellWord(location.name)) --channel \(channel) --opt-out` stops one; for many, undo this import now, before another run touches its contacts (`roster history` gives its number), then delete those rows and import again")")
                }
                if run.leftUnreachable > 0 {
                    let (n, one) = (run.leftUnreachable, run.leftUnreachable == 1)
                    let what = request.dryRun
                        ? "would lose \(one ? "its" : "their") phone or email in this \(request.mode.rawValue), and with it \(one ? "its" : "their") subscription on that channel wherever \(one ? "it is" : "they are") subscribed"
                        : "lost \(one ? "its" : "their") phone or email in this \(request.mode.rawValue), so \(one ? "it is" : "they are") now unsubscribed on that channel wherever \(one ? "it was" : "they were") subscribed"
                    readout.warnings.append("\(ReadoutText.count(n, "contact")) \(what) (`roster show ID` lists each change)")
                }
                try tx.finishOperation(operation, counts: readout.counts, sha256: try hash.wait())
                if !request.dryRun { readout.historyID = operation }
                // The report is put in place before the run commits: a report that cannot be
                // written (a full disk, a pipe closed) fails the run, which then writes
                // nothing, rather than leave an import done and said to have failed.
                try report?.finish()
            }
        } catch {
            report?.discard()
            throw error
        }
        readout.sha256 = try hash.wait()
        return readout
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    static let statusColumnsWarning = "the Text Status and Email Status columns are read-only and were not applied: statuses change only through --consent, copy and subscribe/unsubscribe"

    /// The first ten rows a warning names, and how many more.
    static func firstRows(_ rows: [String]) -> String {
        rows.prefix(10).joined(separator: ", ") + (rows.count > 10 ? " and \(rows.count - 10) more" : "")
    }

    /// The separator a first line `sep=;` (or `sep=,`, `sep=<tab>`) names, as Excel writes
    /// and reads it; nil for any other first line.
    static func excelSeparator(_ record: CSVRecord) -> UInt8? {
        let line = record.fields.joined(separator: ",")
        guard line.utf8.count == 5, line.lowercased().hasPrefix("sep="), let byte = line.utf8.last,
              [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")].contains(byte) else { return nil }
        return byte
    }

    private func firstNonBlank(_ reader: CSVReader) throws -> CSVRecord? {
        while let record = try reader.next() {
            if !record.isBlank { return record }
        }
        return nil
    }
}

/// An import row's values, and its identity keys when it is valid: worked out on the feed's
/// thread, ahead of the store.
struct PreparedRow: Sendable {
    var parsed: RowNormaliser.Result
    var keys: IdentityKeys?
    var hashes: IdentityIndex.Hashes?

    init(_ parsed: RowNormaliser.Result) {
        self.parsed = parsed
        keys = parsed.isValid ? IdentityKeys(parsed.values) : nil
        hashes = keys.map(IdentityIndex.Hashes.init)
    }
}

/// The state of one run: the transaction, what the file holds so far, the report.
private struct Run {
    let tx: any ContactTransaction
    var request: ImportRequest
    let practice: Practice
    let location: Location
    let header: HeaderMap
    let normaliser: RowNormaliser
    let codec: ContactIDCodec
    let operation: Int64
    let at: String
    let report: ReportWriter?
    /// The practice's identity keys, and those of this file's accepted rows. Read from the
    /// store at the first import row: until then a merge row asks the store itself, so a
    /// file of merge rows never reads them (a fourteenth of a merge's store thread), and read
    /// later it holds what the merge rows before it wrote. Nil until then; once read, every
    /// row asks it first (the store's indexes may be dropped, `identityIndexesDeferred`).
    var identity: IdentityIndex?
    /// The store's identity indexes are dropped until the transaction commits.
    var identityIndexesDeferred = false
    /// Lookups read the contacts the identity index names (see `Importer`).
    var readsContactsByNumber = true

    /// Per field, the rows whose new value another contact of the file held before, when
    /// they are three or more and a fifth or more of that field's changes: values that
    /// changed hands, not edits.
    func valuesHandedOver() -> [(TemplateField, [Int])] {
        var rows: [TemplateField: [Int]] = [:], changes: [TemplateField: Int] = [:]
        for change in valuesChanged {
            changes[change.field, default: 0] += 1
            if let holder = storedValuesSeen[change.field]?[change.value], holder != change.contact {
                rows[change.field, default: []].append(change.row)
            }
        }
        return Self.handOverFields.compactMap { field in
            guard let handed = rows[field], handed.count >= 3, handed.count * 5 >= changes[field] ?? 0 else { return nil }
            return (field, handed)
        }
    }

    /// A lookup as the store is to answer it: among the contacts named, or by the key.
    func byNumber(_ lookup: HashMultimap.Lookup) -> HashMultimap.Lookup {
        readsContactsByNumber ? lookup : .unknown
    }
    /// Merge rows seen so far: Contact number → spreadsheet row.
    var seenIDs: [Int64: Int] = [:]
    /// Whether a row with a Contact ID came before (`ImportError.foreignIDColumn`).
    var sawContactIDRow = false
    /// A column sorted on its own in a spreadsheet gives each row another row's value. For
    /// the first `handOverRowsLimit` merge rows: each field's stored values (value → contact)
    /// and the rows that changed it, to count the rows whose new value another row held.
    var storedValuesSeen: [TemplateField: [String: Int64]] = [:]
    var valuesChanged: [(row: Int, field: TemplateField, value: String, contact: Int64)] = []
    var mergeRowsWatched = 0
    static let handOverRowsLimit = 10_000
    static let handOverFields: [TemplateField] = [.firstName, .lastName, .phone, .homePhone, .email, .dateOfBirth, .address]
    /// Import rows that were true duplicates (skipped or copied): their other cells were not applied.
    var duplicatesMatched = 0
    /// Of those, the first `duplicatesComparedLimit`, compared with the stored contact: the
    /// rows with a cell that differs from it (a newer phone), and which fields, to name them.
    var duplicatesCompared = 0
    var duplicatesDiffering: [(row: Int, id: String, fields: [String])] = []
    static let duplicatesComparedLimit = 10_000
    /// Merge rows whose empty cells kept stored values (`--clear-empty` clears them).
    var rowsKeepingStoredValues: [Int] = []
    /// Contacts whose email a merge row changed while their welcome email waited unsent.
    var welcomesOfChangedEmails: [String] = []
    /// The location's statuses when the run began (`noteStatusEdits`), read at the first
    /// row with a status cell.
    var statusesAtStart: [Int64: (text: Status, email: Status)]?
    /// Merge rows whose Text Status or Email Status cells differ from the stored statuses.
    var statusEditsNotApplied: [(row: Int, id: String, edits: [String])] = []
    /// Merge rows with cells that are stored values with characters the file lost
    /// (`LostCharacters`): the stored values were kept.
    var rowsWithLostCharacters: [(row: Int, fields: [String])] = []
    /// Contacts a merge row left without a phone or an email that had a status subscribed
    /// on that channel (`TextRule.unsubscribeUnreachable`): the readout says how many.
    var leftUnreachable = 0
    /// Rows of new contacts welcomed (an email queued) or subscribed to texts whose Notes
    /// say the person died, as EMR exports note it ("Deceased 2019-04-02"): the readout
    /// names the rows to check, and what reaches them.
    var welcomedThoughDeceased: [(row: Int, contact: String?, reached: [String])] = []
    /// The reason a merge's new memberships record (the same for every row; the readout's
    /// kind and file name).
    lazy var mergeReason = "\(request.mode.rawValue) of \((request.path as NSString).lastPathComponent), consent \(request.consent)"
    lazy var createdReason = "import of \(request.path.split(separator: "/").last.map(String.init) ?? request.path), consent \(request.consent)"
    lazy var welcomeMissing: [(field: String, option: String)] = (try? WelcomeEmail.missingPracticeValues(practice)) ?? []
    var keepsCreationStatusesInMemberships = true
    /// Whether the operation has said so yet (at its first new contact).
    var saidCreationStatusesAreInMemberships = false
    var saidAddedStatusesAreInMemberships = false

    /// Whether a membership this run adds to a contact it did not create keeps its first
    /// statuses (schema 012); the operation says so, once, before the first.
    mutating func keepsAddedStatusesInMembership() throws -> Bool {
        guard keepsCreationStatusesInMemberships else { return false }
        if !saidAddedStatusesAreInMemberships {
            try tx.recordsAddedStatusesInMemberships(operation: operation, reason: mergeReason)
            saidAddedStatusesAreInMemberships = true
        }
        return true
    }

    init(tx: any ContactTransaction, request: ImportRequest, practice: Practice, location: Location, header: HeaderMap,
         normaliser: RowNormaliser, codec: ContactIDCodec, operation: Int64, at: String, report: ReportWriter?) {
        (self.tx, self.request, self.practice, self.location, self.header) = (tx, request, practice, location, header)
        (self.normaliser, self.codec, self.operation, self.at, self.report) = (normaliser, codec, operation, at, report)
    }

    /// `prepared`: the row's values and keys when they were worked out ahead (an import
    /// row's); `merge`: its stored contact and values, for a row with a Contact ID.
    mutating func decide(_ record: CSVRecord, prepared: PreparedRow? = nil, merge ahead: MergeAhead? = nil,
                         into readout: inout Readout) throws {
        readout.rows += 1
        let idCell = Text.trim(normaliser.cell(record, .contactID))
        if !idCell.isEmpty {
            try merge(record, id: idCell, ahead: ahead, into: &readout)
        } else if request.mode == .merge {
            var parsed = normaliser.normalise(record)
            parsed.problems = [RowNormaliser.Problem(field: Column.contactID.header, message: "Contact ID is empty: merge only updates contacts; add new people with `roster import`")]
            try fail(record, parsed, .invalid, into: &readout)
        } else {
            try importRow(record, prepared ?? PreparedRow(normaliser.normalise(record)), into: &readout)
        }
    }

    // MARK: import rows (SPEC 4)

    mutating func importRow(_ record: CSVRecord, _ row: PreparedRow, into readout: inout Readout) throws {
        let parsed = row.parsed
        guard parsed.isValid else { return try fail(record, parsed, .invalid, into: &readout) }
        let values = parsed.values
        let keys = row.keys ?? IdentityKeys(values)
        let hashes = row.hashes ?? IdentityIndex.Hashes(keys)
        let (firstKey, lastKey, emailKey, phone) = (keys.first, keys.last, keys.email, keys.phone)

        let identity = try self.identity ?? IdentityIndex(tx, practiceID: practice.id)
        self.identity = identity
        // 1. True duplicate: same name and same email (or, with no email, same phone), found
        // by the email (or the phone with the first name).
        let mayBeTwins = emailKey != nil ? identity.emailUsers(hashes) : identity.phoneUsers(hashes)
        if let twin = try byNumber(mayBeTwins).ask({
            try tx.twins(practiceID: practice.id, firstKey: firstKey, lastKey: lastKey, emailKey: emailKey, phone: phone, among: $0)
        })?.first {
            duplicatesMatched += 1
            let id = codec.encode(twin.number)
            if duplicatesCompared < Self.duplicatesComparedLimit {
                duplicatesCompared += 1
                if let stored = try tx.contact(number: twin.number, practiceID: practice.id)?.values {
                    // Names and email only as identity reads them: `MARY@…` is no news.
                    let differing = TemplateField.allCases.filter { field in
                        guard parsed.provided.contains(field), values[field] != stored[field] else { return false }
                        let key = field == .email ? Text.emailKey : Text.identityKey
                        return ![.firstName, .lastName, .email].contains(field) || values[field].map(key) != stored[field].map(key)
                    }
                    if !differing.isEmpty { duplicatesDiffering.append((record.row, id, differing.map(\.header))) }
                }
            }
            let memberships = try tx.memberships(contact: twin.number)
            if memberships.contains(where: { $0.locationID == location.id }) {
                readout.skipped += 1
                plan(&readout, record.row, "skipped", id, "already in \(location.name)")
                return
            }
            let statuses = TextRule.statuses(consent: request.consent, hasPhone: twin.phone != nil, hasEmail: twin.emailKey != nil)
            let added = try TextRule.addMembership(tx, contact: twin.number, location: location, text: statuses.text,
                                                   email: statuses.email, reason: mergeReason,
                                                   operation: operation, at: at, memberships: memberships,
                                                   firstStatusesInMembership: try keepsAddedStatusesInMembership())
            readout.copied += 1
            readout.textsMoved += added.textsMovedFrom.count
            let from = memberships.map(\.locationName).joined(separator: ", ")
            readout.copiedFrom[from, default: 0] += 1
            plan(&readout, record.row, "copied", id, "copied from \(from)")
            return
        }
        // 2. Email in use by another contact.
        if let emailKey, let other = try byNumber(identity.emailUsers(hashes)).ask({
            try tx.contactsUsingEmail(practiceID: practice.id, emailKey: emailKey, among: $0)
        })?.first {
            let reason: FailureReason = phone == nil ? .alreadyExistsEmail : .duplicateEmail
            return try fail(record, parsed, reason, field: TemplateField.email.header,
                            message: "Email is already used by \(try who(other)), who has another name: to update that contact, export the location and merge by Contact ID; for a different person, use their own email"
                                + (phone == nil ? ", or give them a phone and leave Email empty (family members may share a phone)"
                                                : ", or leave Email empty: they are reached by their phone (family members may share one)"), into: &readout)
        }
        // 3. Phone in use by another contact with the same first name.
        if let phone, let other = try byNumber(identity.phoneUsers(hashes)).ask({
            try tx.contactsUsingPhone(practiceID: practice.id, phone: phone, firstKey: firstKey, among: $0)
        })?.first {
            let reason: FailureReason = emailKey == nil ? .alreadyExistsPhone : .duplicatePhone
            // The phone may be the row's Home Phone, used as its phone: name the cell it is in.
            let cell = values[.homePhone] == phone && Text.trim(normaliser.cell(record, .field(.phone))).isEmpty ? TemplateField.homePhone : .phone
            return try fail(record, parsed, reason, field: cell.header,
                            message: "\(cell.header) is already used by \(try who(other)), with the same first name: to update that contact, merge by Contact ID; family members sharing a phone need different first names", into: &readout)
        }
        // 4. A new contact.
        let wantsWelcome = request.consent.email && values[.email] != nil
        if wantsWelcome, !welcomeMissing.isEmpty {
            throw ImportError.practiceMissing(fields: welcomeMissing.map(\.field), options: welcomeMissing.map(\.option), practice: practice.name)
        }
        let number = try tx.insertContact(practiceID: practice.id, values: values, keys: keys, at: at, operation: operation)
        identity.add(hashes, contact: number)
        let statuses = TextRule.statuses(consent: request.consent, values: values)
        if keepsCreationStatusesInMemberships && !saidCreationStatusesAreInMemberships {
            try tx.recordsCreationStatusesInMemberships(operation: operation, reason: createdReason)
            saidCreationStatusesAreInMemberships = true
        }
        _ = try TextRule.addMembership(tx, contact: number, location: location, text: statuses.text, email: statuses.email,
                                       reason: createdReason, operation: operation, at: at, isNewContact: true,
                                       firstStatusesInMembership: keepsCreationStatusesInMemberships)
        if wantsWelcome, let email = values[.email] {
            try tx.queueWelcome(contact: number, to: email, operation: operation, at: at)
            readout.welcomeEmailsQueued += 1
        }
        if wantsWelcome || statuses.text == .subscribed, let notes = values[.notes], NoteWords.saysDeceased(notes) {
            let reached = (wantsWelcome ? ["a welcome email"] : []) + (statuses.text == .subscribed ? ["texts"] : [])
            welcomedThoughDeceased.append((record.row, request.dryRun ? nil : codec.encode(number), reached))
        }
        readout.created += 1
        readout.add(parsed.corrections, keepingEach: request.keepsEveryDetail)
        // A dry run's new contacts get no ID to show: the number is given back when the run
        // rolls back, and a later import hands it to whoever it creates first.
        plan(&readout, record.row, "created", request.dryRun ? nil : codec.encode(number),
             request.dryRun ? "a new contact (its Contact ID is given when the file is imported)" : nil)
    }

    // MARK: merge rows (SPEC 5)

    /// A merge row's stored contact, read with its batch's, and its values normalised
    /// against it on another thread.
    struct MergeAhead: Sendable {
        var stored: StoredContact
        var parsed: RowNormaliser.Result
        /// Already in the location when the batch was read, so still in it: an import or a
        /// merge removes no membership (its transaction deletes nothing). Such a row asks
        /// nothing more about memberships (a read a row was a ninth of a merge).
        var inLocation = false
    }

    /// Reads the stored contacts of a batch's rows that have a Contact ID, in one query, and
    /// starts normalising those rows against them on another thread; keyed by the row's
    /// place in the batch. Read before the earlier rows are decided, a contact is still what
    /// those rows leave it: a run changes a contact's values only by merging its own row, and
    /// a second row with the same Contact ID is refused before its values are looked at. A
    /// contact created by a row of this batch or the one before is not found here (those rows
    /// are not written yet), and is read again when its row is decided.
    func mergeAhead(_ items: [RecordFeed<PreparedRow>.Item]) throws -> WorkAhead<[Int: MergeAhead]> {
        var numbers: [(index: Int, number: Int64)] = []
        for (i, item) in items.enumerated() where item.count <= request.maxRows {
            let id = Text.trim(normaliser.cell(item.record, .contactID))
            if !id.isEmpty, let number = codec.decode(id) { numbers.append((i, number)) }
        }
        let stored = numbers.isEmpty ? [:] : try tx.contacts(numbers: numbers.map(\.number), practiceID: practice.id)
        let members = stored.isEmpty ? [] : try tx.members(of: location.id, among: Array(stored.keys))
        let jobs = numbers.compactMap { entry in stored[entry.number].map { (entry.index, items[entry.index].record, $0) } }
        let (normaliser, clearEmpty) = (normaliser, request.clearEmpty)
        return WorkAhead {
            var ahead: [Int: MergeAhead] = [:]
            for (index, record, contact) in jobs {
                ahead[index] = MergeAhead(stored: contact, parsed: normaliser.normalise(record, base: contact.values, clearEmpty: clearEmpty),
                                          inLocation: members.contains(contact.number))
            }
            return ahead
        }
    }

    mutating func merge(_ record: CSVRecord, id: String, ahead: MergeAhead?, into readout: inout Readout) throws {
        guard let number = ahead?.stored.number ?? codec.decode(id),
              let stored = try ahead?.stored ?? tx.contact(number: number, practiceID: practice.id) else {
            // Another practice's ID reads exactly like one that never existed.
            var parsed = RowNormaliser.Result(row: record.row)
            let looksLikeOurs = id.uppercased().hasPrefix("C") && id.filter { $0 != "-" && $0 != " " }.count == 10
            // The first ID of the file not even shaped like roster's, in a column not named
            // `Contact ID` (an EMR's `Id`): that column is another system's, and every row
            // would fail alike. Said once, for the file, before anything is written.
            let column = normaliser.header.index[.contactID].map { Text.trim(normaliser.header.headers[$0]) } ?? ""
            if !looksLikeOurs, !sawContactIDRow, HeaderAliases.key(column) != HeaderAliases.key(Column.contactID.header) {
                throw ImportError.foreignIDColumn(column)
            }
            sawContactIDRow = true
            let shown = id.count > 24 ? id.prefix(24) + "…" : id   // a cell of garbage is not quoted whole
            let message = looksLikeOurs
                ? "Contact ID \(id) is not a contact of \(practice.name): check the ID, or export the location again for current IDs"
                : "Contact ID \(shown) is not a roster Contact ID (those look like C7KM29PXQ4): if this column holds another system's IDs, delete or rename it and try again"
            parsed.problems = [.init(field: Column.contactID.header, message: message)]
            return try fail(record, parsed, .unknownContactID, into: &readout)
        }
        sawContactIDRow = true
        if let first = seenIDs[number] {
            var parsed = RowNormaliser.Result(row: record.row)
            parsed.problems = [.init(field: Column.contactID.header, message: "Contact ID \(id) is also in row \(first) of this file: keep one row per contact")]
            return try fail(record, parsed, .invalid, into: &readout)
        }
        seenIDs[number] = record.row
        let parsed = ahead?.parsed ?? normaliser.normalise(record, base: stored.values, clearEmpty: request.clearEmpty)
        guard parsed.isValid else { return try fail(record, parsed, .invalid, stored: stored.values, into: &readout) }
        let values = parsed.values
        let changed = TemplateField.allCases.filter { values[$0] != stored.values[$0] }
        // The identity rules ask whether a new email, or a new phone with this first name, is
        // another contact's: a row that keeps them (most edits) asks nothing of the store,
        // and one that keeps every value they are keyed on needs no keys worked out.
        let identityKept = !changed.contains(where: IdentityKeys.fields.contains)
        let keys = identityKept ? nil : IdentityKeys(values)
        let storedKeys = identityKept ? nil : IdentityKeys(stored.values)
        let emailKept = identityKept || keys?.email == storedKeys?.email
        let phoneKept = identityKept || (keys?.phone == storedKeys?.phone && keys?.first == storedKeys?.first)
        // Asked of the identity index once an import row has read it (the store's own
        // index may be dropped by then), else of the store.
        let hashes = identity == nil ? nil : keys.map(IdentityIndex.Hashes.init)
        func ask(_ lookup: (IdentityIndex, IdentityIndex.Hashes) -> HashMultimap.Lookup,
                 _ query: ([Int64]?) throws -> [Int64]) rethrows -> Int64? {
            let found = if let identity, let hashes { try byNumber(lookup(identity, hashes)).ask(query) } else { try query(nil) }
            return found?.first(where: { $0 != number })
        }
        if !emailKept, let emailKey = keys?.email, let other = try ask({ $0.emailUsers($1) }, {
            try tx.contactsUsingEmail(practiceID: practice.id, emailKey: emailKey, among: $0)
        }) {
            let reason: FailureReason = values[.phone] == nil ? .alreadyExistsEmail : .duplicateEmail
            return try fail(record, parsed, reason, field: TemplateField.email.header,
                            message: "Email is already used by \(try who(other)): each contact needs its own email", stored: stored.values, into: &readout)
        }
        if !phoneKept, let keys, let phone = keys.phone, let other = try ask({ $0.phoneUsers($1) }, {
            try tx.contactsUsingPhone(practiceID: practice.id, phone: phone, firstKey: keys.first, among: $0)
        }) {
            let reason: FailureReason = values[.email] == nil ? .alreadyExistsPhone : .duplicatePhone
            return try fail(record, parsed, reason, field: TemplateField.phone.header,
                            message: "Phone is already used by \(try who(other)), with the same first name: family members sharing a phone need different first names (if it is the same person, the two are duplicate records: keep one)", stored: stored.values, into: &readout)
        }
        if parsed.keptStoredForEmptyCell { rowsKeepingStoredValues.append(record.row) }
        if !parsed.keptStoredForLostCharacters.isEmpty { rowsWithLostCharacters.append((record.row, parsed.keptStoredForLostCharacters)) }
        if normaliser.header.hasStatusColumns { try noteStatusEdits(record, contact: number, id: id) }
        if mergeRowsWatched < Self.handOverRowsLimit {
            mergeRowsWatched += 1
            for field in Self.handOverFields {
                if let value = stored.values[field] { storedValuesSeen[field, default: [:]][value] = number }
                if changed.contains(field), let value = values[field] { valuesChanged.append((record.row, field, value, number)) }
            }
        }
        if !changed.isEmpty {
            // A welcome email still waiting goes to the address it was queued for, or not
            // at all (`outbox` drops it once the email changed): the readout says so.
            if changed.contains(.email), let old = stored.values[.email], values[.email].map(Text.emailKey) != Text.emailKey(old),
               try tx.hasWaitingWelcome(contact: number, to: old) {
                welcomesOfChangedEmails.append(id)
            }
            try tx.updateContact(number: number, values: values, at: at, operation: operation, before: stored.values)
            // Kept keys are in the index already; an index not read yet will read these.
            if let hashes { identity?.add(hashes, contact: number) }
            for field in changed {
                readout.add(Change(row: record.row, contactID: id, field: field.header,
                                   from: stored.values[field], to: values[field]), keepingEach: request.keepsEveryDetail)
            }
        }
        // SPEC 3: every change the tool makes to a cell is a correction, also where the
        // corrected value is the one stored (`Massachusetts` read as the stored `MA`). The `'`
        // an export puts before a formula-like value is read away as a correction too, but
        // from an unchanged cell it is only the export's own mark, not worth a line.
        if !parsed.corrections.isEmpty {
            let changedHeaders = Set(changed.map(\.header))
            readout.add(parsed.corrections.filter { $0.kind != .textMark || changedHeaders.contains($0.field) },
                        keepingEach: request.keepsEveryDetail)
        }
        // The membership is added before any status changes for this contact, so that its
        // first statuses, kept in it (schema 012), read where the operation began.
        let statuses = TextRule.statuses(consent: request.consent, values: values)
        let added = ahead?.inLocation == true ? TextRule.Added(added: false, textsMovedFrom: [])
            : try TextRule.addMembership(tx, contact: number, location: location, text: statuses.text, email: statuses.email,
                                         reason: mergeReason, operation: operation, at: at,
                                         firstStatusesInMembership: try keepsAddedStatusesInMembership())
        readout.textsMoved += added.textsMovedFrom.count
        if !changed.isEmpty {
            var unreachable: [Channel] = []
            if stored.values[.phone] != nil && values[.phone] == nil { unreachable.append(.text) }
            if stored.values[.email] != nil && values[.email] == nil { unreachable.append(.email) }
            if try TextRule.unsubscribeUnreachable(tx, contact: number, channels: unreachable,
                                                   reason: "\(unreachable == [.email] ? "email" : unreachable == [.text] ? "phone" : "phone and email") removed by the \(mergeReason)",
                                                   operation: operation, at: at) > 0 {
                leftUnreachable += 1
            }
        }
        if !changed.isEmpty {
            readout.updated += 1
            if added.added { readout.updatedAndAdded += 1 }
            plan(&readout, record.row, "updated", id, changed.map(\.header).joined(separator: ", ")
                 + (added.added ? "; added to \(location.name)" : ""))
        } else if added.added {
            readout.copied += 1
            plan(&readout, record.row, "copied", id, "added to \(location.name)")
        } else {
            readout.unchanged += 1
            plan(&readout, record.row, "unchanged", id, nil)
        }
    }

    /// An `export --with-status` file's Text Status or Email Status cell that differs from
    /// the contact's status here: not applied (statuses change by consent, copy and by
    /// hand), but named, as it may be a person's opt-out typed into the sheet.
    mutating func noteStatusEdits(_ record: CSVRecord, contact: Int64, id: String) throws {
        let cells = [(Channel.text, Column.textStatus), (.email, .emailStatus)].compactMap { channel, column in
            let cell = Text.trim(normaliser.cell(record, column))
            return cell.isEmpty ? nil : (channel, column, cell)
        }
        guard !cells.isEmpty else { return }
        // The location's statuses as the run began, read once: a contact's own row is the
        // only one that changes its statuses here, and this runs before it does.
        if statusesAtStart == nil { statusesAtStart = try tx.statuses(location: location.id) }
        guard let here = statusesAtStart?[contact] else { return }
        func stored(_ channel: Channel) -> Status { channel == .text ? here.text : here.email }
        // `Opted Out` and `OPTED-OUT` are the stored `opted-out`, not an edit.
        let edits = cells.filter { channel, _, cell in HeaderAliases.key(cell) != HeaderAliases.key(stored(channel).rawValue) }
            .map { channel, column, cell in "\(column.header) \(cell), stored \(stored(channel).rawValue)" }
        if !edits.isEmpty { statusEditsNotApplied.append((record.row, id, edits)) }
    }

    /// "Dan Carter (CK930K7CBP)": the other contact, for the readout on the user's own terminal.
    func who(_ number: Int64) throws -> String {
        let id = codec.encode(number)
        guard let other = try tx.contact(number: number, practiceID: practice.id) else { return "contact \(id)" }
        let name = [other.values[.firstName], other.values[.lastName]].compactMap { $0 }.joined(separator: " ")
        return "\(name) (\(id))"
    }

    // MARK: failures

    /// `stored`: a merge row's contact, whose name is shown where the row's name cells are
    /// empty or absent (a file of just an ID and the column being changed).
    mutating func fail(_ record: CSVRecord, _ parsed: RowNormaliser.Result, _ reason: FailureReason,
                       field: String? = nil, message: String? = nil, stored: ContactValues? = nil, into readout: inout Readout) throws {
        var first = Text.trim(normaliser.cell(record, .field(.firstName)))
        var last = Text.trim(normaliser.cell(record, .field(.lastName)))
        if first.isEmpty && last.isEmpty, let stored {
            (first, last) = (stored[.firstName] ?? "", stored[.lastName] ?? "")
        }
        var text = message ?? parsed.problems.map(\.message).joined(separator: "; ")
        if readout.encoding == SourceEncoding.windows1252.rawValue, message == nil,
           let problem = parsed.problems.first(where: { $0.message.contains("contains \"?\"") }), let field = problem.field {
            text = "\(field) has a ? where a letter was lost when a spreadsheet saved this file as Windows-1252: retype the name, or save the file as \"CSV UTF-8\" and export again"
        }
        let failure = Failure(row: record.row, reason: reason, field: field ?? parsed.problems.first?.field, message: text,
                              name: [first, last].filter { !$0.isEmpty }.joined(separator: " "))
        readout.failed += 1
        readout.failureKinds[FailureKind(reason: reason, field: failure.field), default: 0] += 1
        if request.keepsEveryDetail || readout.failures.count < Readout.failuresKeptBrief { readout.failures.append(failure) }
        plan(&readout, record.row, "failed", nil, "\(reason.rawValue): \(text)")
        try report?.write(record, failure: failure)
    }

    /// Records a row's decision for `--plan`; the ID and detail are made only then.
    func plan(_ readout: inout Readout, _ row: Int, _ action: String, _ id: @autoclosure () -> String?,
              _ detail: @autoclosure () -> String?) {
        if readout.plan != nil { readout.plan?.append(PlannedRow(row: row, action: action, contactID: id(), detail: detail())) }
    }
}

/// `--report FILE`: the failed rows with the file's own header and cells as given, plus a
/// Reason column (one of the six reasons), so a person can fix and import it.
final class ReportWriter {
    /// Written beside the report's path and renamed over it when the run is whole: a run
    /// refused at the file's level leaves a report already there (a person's fixes) as it was.
    private let writer: CSVWriter
    private let width: Int
    /// A report of a report keeps one Reason column, refreshed.
    private let reasonColumn: Int?

    init(path: String, header: [String]) throws {
        writer = try CSVWriter.replacing(path: path)
        reasonColumn = header.firstIndex { HeaderAliases.column(for: $0) == .reason }
        width = header.count
        try writer.write(row: reasonColumn == nil ? header + ["Reason"] : header)
    }

    /// Cells past the header's columns (a comma in an unquoted Notes splits it) are kept,
    /// to the right of the Reason: dropped, a person fixing the row would lose them.
    func write(_ record: CSVRecord, failure: Failure) throws {
        var cells = Array(record.fields.prefix(width))
        while cells.count < width { cells.append("") }
        var extra = Array(record.fields.dropFirst(width))
        while extra.last?.isEmpty == true { extra.removeLast() }
        // SPEC 8: the Reason column holds the reason, one of the six, as `failures[].reason`
        // does; what to fix is in the readout, by row.
        let reason = failure.reason.rawValue
        if let reasonColumn { cells[reasonColumn] = reason } else { cells.append(reason) }
        try writer.write(row: cells + extra)
    }

    func finish() throws { try writer.commit() }

    func discard() { writer.abandon() }
}
