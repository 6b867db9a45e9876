import Foundation
import Testing
@testable import RosterKit

@Suite struct CSVHeaderMapTests {
    static let template = TemplateField.allCases.map(\.header)
    static let allOptions: [HeaderMap.Options] = [
        .init(), .init(ignoreUnknownColumns: true), .init(strictTemplate: true),
        .init(ignoreUnknownColumns: true, strictTemplate: true),
    ]

    private func map(_ header: [String], _ options: HeaderMap.Options = .init()) throws -> HeaderMap {
        try HeaderMap(header: header, options: options)
    }

    private func importError(_ header: [String], _ options: HeaderMap.Options = .init()) -> ImportError? {
        do {
            _ = try map(header, options)
            return nil
        } catch let error as ImportError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    // MARK: the template

    @Test func templateHeaderMapsEveryFieldInOrder() throws {
        let header = try map(Self.template, .init(strictTemplate: true))
        #expect(header.warnings.isEmpty)
        for (position, field) in TemplateField.allCases.enumerated() {
            #expect(header.position(of: field) == position)
            #expect(header.columns[position] == .field(field))
        }
        #expect(!header.hasContactID)
        #expect(Self.template.joined(separator: ",") == templateHeader)
    }

    @Test func exportHeaderWithContactIDFirst() throws {
        let header = try map(["Contact ID"] + Self.template + ["Text Status", "Email Status"], .init(strictTemplate: true))
        #expect(header.hasContactID)
        #expect(header.index[.contactID] == 0)
        #expect(header.position(of: .firstName) == 1)
        #expect(header.index[.textStatus] == 18)
        #expect(header.index[.emailStatus] == 19)
        #expect(header.warnings.isEmpty)
    }

    @Test func reportHeaderWithReasonIsKnown() throws {
        let header = try map(Self.template + ["Reason"])
        #expect(header.index[.reason] == 17)
        #expect(header.warnings.isEmpty)
    }

    @Test(arguments: ["Reason", "Text Status", "Email Status", "text status", "EMAIL_STATUS"])
    func statusAndReasonColumnsAreNotUnknown(_ name: String) throws {
        let header = try map(["First Name", "Email", name])
        #expect(header.columns[2] != nil)
    }

    // MARK: aliases

    @Test(arguments: [
        ("Phone", Column.field(.phone)), ("Mobile", .field(.phone)), ("Cell", .field(.phone)),
        ("Phone (Mobile)", .field(.phone)),
        ("DOB", .field(.dateOfBirth)), ("Birthday", .field(.dateOfBirth)), ("Birth Date", .field(.dateOfBirth)),
        ("Date Of Birth", .field(.dateOfBirth)),
        ("Zip", .field(.postalCode)), ("ZIP Code", .field(.postalCode)), ("Postal Code", .field(.postalCode)),
        ("Current Phase", .field(.phase)), ("Phase", .field(.phase)),
        ("ID", .contactID), ("Contact ID", .contactID),
        ("Home Phone", .field(.homePhone)), ("Last Name", .field(.lastName)), ("Nickname", .field(.nickname)),
        ("Address", .field(.address)), ("Address Line 2", .field(.addressLine2)), ("City", .field(.city)),
        ("State", .field(.state)), ("Country", .field(.country)), ("Sex", .field(.sex)),
        ("Insurance Carrier", .field(.insuranceCarrier)), ("Notes", .field(.notes)),
    ])
    func specAliases(_ name: String, _ column: Column) throws {
        #expect(HeaderAliases.column(for: name) == column)
        // In a real header, next to First Name and a way to reach the person.
        var header = ["First Name", "Email", name]
        if column == .field(.email) { header.removeLast() }
        let mapped = try map(header, .init())
        #expect(mapped.columns[2] == column)
        #expect(mapped.index[column] == 2)
    }

    @Test(arguments: [
        ("first name", Column.field(.firstName)), ("FIRST NAME", .field(.firstName)), ("First_Name", .field(.firstName)),
        ("first-name", .field(.firstName)), ("FirstName", .field(.firstName)), ("  First   Name  ", .field(.firstName)),
        ("first.name", .field(.firstName)),
        ("phone mobile", .field(.phone)), ("PHONE_MOBILE", .field(.phone)), ("phone-(mobile)", .field(.phone)),
        ("e-mail", .field(.email)), ("E_MAIL", .field(.email)), ("Email:", .field(.email)),
        ("d.o.b.", .field(.dateOfBirth)), ("date_of_birth", .field(.dateOfBirth)), ("DateOfBirth", .field(.dateOfBirth)),
        ("zip-code", .field(.postalCode)), ("ZIPCODE", .field(.postalCode)), ("postal_code", .field(.postalCode)),
        ("contact_id", .contactID), ("Contact #ID", .contactID), ("id", .contactID),
        ("current-phase", .field(.phase)), ("Home phone #", .field(.homePhone)),
    ])
    func matchingIgnoresCaseSpacesAndPunctuation(_ name: String, _ column: Column) {
        #expect(HeaderAliases.column(for: name) == column)
    }

    @Test func keyKeepsLettersAndDigitsOnly() {
        #expect(HeaderAliases.key("Phone (Mobile)") == "phonemobile")
        #expect(HeaderAliases.key(" Address Line 2 ") == "addressline2")
        #expect(HeaderAliases.key("Téléphone") == "téléphone")
    }

    @Test func everyTableEntryMapsToItsColumnAndIsUnique() {
        var owner: [String: Column] = [:]
        for (column, names) in HeaderAliases.table {
            #expect(HeaderAliases.column(for: column.header) == column, "\(column.header)")
            for name in names {
                #expect(HeaderAliases.column(for: name) == column, "\(name)")
                #expect(!HeaderAliases.isSensitive(name), "alias \(name) must not look sensitive")
                let key = HeaderAliases.key(name)
                if let other = owner[key], other != column { Issue.record("\(name) means both \(other) and \(column)") }
                owner[key] = column
            }
        }
        // Every template field and the export-only columns have a row in the table.
        for field in TemplateField.allCases { #expect(HeaderAliases.table[.field(field)] != nil) }
        for column in [Column.contactID, .textStatus, .emailStatus, .reason] { #expect(HeaderAliases.table[column] != nil) }
    }

    /// The README's table of aliases names every alias the code knows, and no other: a
    /// person reading it learns exactly which headers roster takes.
    @Test func theReadmeListsEveryAlias() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(readme.components(separatedBy: "| field | also accepted |").dropFirst().first)
        var listed: [String: Set<String>] = [:]
        for line in table.components(separatedBy: "\n\n")[0].split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, let column = HeaderAliases.column(for: cells[0]) else { continue }
            listed[column.header] = Set(cells[1].components(separatedBy: ", ").map(HeaderAliases.key))
        }
        for (column, names) in HeaderAliases.table where column != .reason && column != .textStatus && column != .emailStatus {
            let header = HeaderAliases.key(column.header)
            let keys = Set(names.map(HeaderAliases.key)).subtracting([header])
            #expect((listed[column.header] ?? []).subtracting([header]) == keys, "README's row for \(column.header)")
        }
    }

    @Test func byteOrderMarkAndPaddingAreIgnored() throws {
        let header = try map(["\u{FEFF}First Name", "  Email  ", "\tPhone\t"])
        #expect(header.position(of: .firstName) == 0)
        #expect(header.position(of: .email) == 1)
        #expect(header.position(of: .phone) == 2)
    }

    @Test func emptyHeaderCellsAreUnnamedNotUnknown() throws {
        let header = try map(["First Name", "", "Email", "  "])
        #expect(header.unnamed == [1, 3])
        #expect(header.columns[1] == nil && header.columns[3] == nil)
    }

    // MARK: two columns for one field

    @Test(arguments: [
        (["First Name", "Email", "Phone", "Mobile"], "Phone (Mobile)", ["Phone", "Mobile"]),
        (["First Name", "first name", "Email"], "First Name", ["First Name", "first name"]),
        (["First Name", "Email", "Zip", "Postal Code"], "Postal Code", ["Zip", "Postal Code"]),
        (["First Name", "Email", "DOB", "Birthday"], "Date Of Birth", ["DOB", "Birthday"]),
        (["ID", "Contact ID", "First Name", "Email"], "Contact ID", ["ID", "Contact ID"]),
        (["First Name", "Email", "E-mail"], "Email", ["Email", "E-mail"]),
        (["First Name", "Email", "Notes", "Notes"], "Notes", ["Notes", "Notes"]),
    ])
    func twoColumnsForOneFieldAreAnError(_ header: [String], _ field: String, _ names: [String]) {
        for options in Self.allOptions {
            #expect(importError(header, options) == .duplicateColumns(field: field, headers: names))
        }
    }

    @Test func duplicateMessageNamesBoth() {
        let message = ImportError.duplicateColumns(field: "Phone (Mobile)", headers: ["Phone", "Mobile"]).description
        #expect(message.contains("\"Phone\"") && message.contains("\"Mobile\"") && message.contains("Phone (Mobile)"))
    }

    // MARK: unknown columns

    /// A file without a header row whose first person has no email, phone or date: no
    /// column is known, and the error names none of its cells (they may be the person's).
    @Test func aFileWithNoKnownColumnQuotesNoneOfItsCells() {
        for options in Self.allOptions {
            let error = importError(["Margaret", "Smith", "Nashua"], options)
            #expect(error == .noKnownColumns(count: 3), "\(options)")
            let message = error?.description ?? ""
            #expect(!message.contains("Margaret") && !message.contains("Smith") && !message.contains("Nashua"))
            #expect(message.contains("roster template") && message.contains("3 column names"))
        }
        // One known column is enough for the unknown ones to be named.
        #expect(importError(["First Name", "Margaret"]) == .unknownColumns(["Margaret"]))
    }

    @Test func unknownColumnsAreNamed() {
        let error = importError(["First Name", "Favourite Colour", "Email", "Shoe Size"])
        #expect(error == .unknownColumns(["Favourite Colour", "Shoe Size"]))
        let message = error?.description ?? ""
        #expect(message.contains("\"Favourite Colour\"") && message.contains("\"Shoe Size\""))
        #expect(message.contains("--ignore-unknown-columns"))
        // A header that is a value, or holds a number, is not put on stderr as it is.
        let values = importError(["First Name", "Email", "mary@example.com", "SSN 123-45-6789"])?.description ?? ""
        #expect(!values.contains("mary@example.com") && !values.contains("6789"), "\(values)")
        #expect(values.contains("SSN ###-##-####"), "\(values)")
        let numbered = importError(["First Name", "Email", "Ref 2024-000123"])?.description ?? ""
        #expect(numbered.contains("\"Ref ####-######\"") && !numbered.contains("123"), "\(numbered)")
        #expect(ImportError.printable("(603) 555-0123") == "(a value, not shown)")
    }

    @Test func ignoredUnknownColumnsAreDroppedWithAWarning() throws {
        let header = try map(["First Name", "Favourite Colour", "Email", "Shoe Size"], .init(ignoreUnknownColumns: true))
        #expect(header.columns[1] == nil && header.columns[3] == nil)
        #expect(header.position(of: .email) == 2)
        let warning = try #require(header.warnings.first { $0.contains("Favourite Colour") })
        #expect(warning.contains("Shoe Size"))
    }

    @Test func unknownColumnsWithStrictTemplateStillNameThem() {
        #expect(importError(Self.template + ["Hobby"], .init(strictTemplate: true)) == .unknownColumns(["Hobby"]))
    }

    @Test func thirtyThousandUnknownColumns() throws {
        let names = (0..<30_000).map { "Extra \($0)" }
        let error = importError(["First Name", "Email"] + names)
        guard case .unknownColumns(let listed)? = error else { Issue.record("expected unknownColumns, got \(String(describing: error))"); return }
        #expect(listed.count == 30_000)
        let message = error?.description ?? ""
        #expect(message.count < 2_000, "the message lists a few and counts the rest")
        #expect(message.contains("29980 more"))
        let ignored = try map(["First Name", "Email"] + names, .init(ignoreUnknownColumns: true))
        #expect(ignored.columns.count == 30_002)
        #expect(ignored.warnings.allSatisfy { $0.count < 2_000 })
    }

    // MARK: sensitive columns

    static let sensitiveNames = ["SSN", "Social Security Number", "Social Security #", "Member ID", "MRN",
                                 "Medical Record Number", "Policy Number", "Card Number", "Driver's License",
                                 "Drivers License Number", "Passport", "Passport No", "Credit Card", "Subscriber ID",
                                 "Medicare Number", "Patient SSN", "ssn_last4", "SIN", "S.S.N.", "PatientSSN", "SSNNumber",
                                 "patientssn", "Patient MRN", "MRN#", "Medicare MBI", "Medicaid ID", "Tax ID", "PIN",
                                 // Found missing by a new user's trial.
                                 "SS#", "Soc Sec No", "SS Number", "Chart Number", "Chart #", "Patient ID", "Acct #",
                                 "CC Number", "Health Card", "OHIP", "HICN", "OHIP Number", "Health Card No",
                                 // Found missing by an acceptance audit.
                                 "Member No", "Mbr ID", "Card #", "Card No.", "Social Sec #", "MR#", "Subscriber #",
                                 "Group #", "Account #", "Record Number", "Insurance Card", "DL Number",
                                 "Health Insurance Claim Number", "PHN",
                                 // Found missing by a hostile-input audit: the words before `#`
                                 // name the carrier, the column holds the card's number.
                                 "Insurance #", "Payer #", "Primary Insurance #", "Carrier #", "Payer ID",
                                 "Insurance No.", "Primary Payer Number", "Ins Carrier Nbr"]

    @Test(arguments: sensitiveNames)
    func sensitiveColumnsAreRefusedUnderEveryOption(_ name: String) {
        #expect(HeaderAliases.isSensitive(name))
        for options in Self.allOptions {
            #expect(importError(Self.template + [name], options) == .sensitiveColumns([name]), "\(options)")
            #expect(importError(["First Name", name, "Email"], options) == .sensitiveColumns([name]), "\(options)")
        }
    }

    /// Columns of each patient's consent are named as such, with how to keep their answers
    /// (split the file); dropped with --ignore-unknown-columns, a warning says what that did.
    @Test func consentColumnsSayHowToKeepTheirAnswers() throws {
        for name in ["OK to Text", "OK to Email", "SMS Opt In", "Email Opt-Out", "Text Consent", "Do Not Email", "DNC", "Allow SMS"] {
            #expect(HeaderAliases.looksLikeConsent(name), "\(name)")
        }
        for name in ["Marketing Source", "Referral", "Okinawa Clinic", "Hobby", "Text Status", "Admin Contact"] {
            #expect(!HeaderAliases.looksLikeConsent(name), "\(name)")
        }
        let message = ImportError.unknownColumns(["Hobby", "OK to Text"]).description
        #expect(message.contains("\"OK to Text\" looks like each patient's own consent") && message.contains("split the file"))
        #expect(!ImportError.unknownColumns(["Hobby"]).description.contains("consent"))
        let map = try HeaderMap(header: ["First Name", "Email", "OK to Email"], options: HeaderMap.Options(ignoreUnknownColumns: true))
        #expect(map.warnings.contains { $0.contains("\"OK to Email\" look like each patient's own consent") })
    }

    /// An unknown column a letter or two off a known one is asked about; another word is not.
    @Test func unknownColumnsNameTheHeaderMeant() {
        let message = ImportError.unknownColumns(["Emial", "Shoe Size", "RACE", "Phoen (Mobile)", "Date Of Brith"]).description
        #expect(message.contains("(\"Emial\": did you mean \"Email\"?; \"Phoen (Mobile)\": did you mean \"Phone (Mobile)\"?; \"Date Of Brith\": did you mean \"Date Of Birth\"?)"))
        #expect(!message.contains("\"RACE\": did you mean") && !message.contains("\"Shoe Size\": did you mean"))
        #expect(Spelling.distance("emial", "email") == 1 && Spelling.distance("race", "phase") > 1)
    }

    @Test func sensitiveMessageSaysWhy() {
        let message = ImportError.sensitiveColumns(["SSN", "MRN"]).description
        #expect(message.contains("\"SSN\"") && message.contains("\"MRN\""))
        #expect(message.contains("sensitive"))
    }

    @Test func sensitiveWinsOverUnknownDuplicateAndMissing() {
        let header = ["Hobby", "Phone", "Mobile", "SSN"]
        for options in Self.allOptions {
            // The unknown column is named too, unless --ignore-unknown-columns drops it.
            #expect(importError(header, options) == .sensitiveColumns(["SSN"], unknown: options.ignoreUnknownColumns ? [] : ["Hobby"]))
        }
        let message = ImportError.sensitiveColumns(["SSN"], unknown: ["Hobby"]).description
        #expect(message.contains("\"SSN\" that look like sensitive data") && message.contains("does not know: \"Hobby\""))
        // A header that may be a person's details is not quoted (SPEC 11).
        #expect(importError(["First Name", "SSN", "mary@example.com"]) == .sensitiveColumns(["SSN"]))
    }

    @Test(arguments: ["Business Name", "Combined Notes", "Symbiosis", "Address", "Insurance Carrier", "Home Phone",
                      "Email Status", "Notes", "Assistant", "Pinned", "Dlvry", "Class", "Chartreuse", "Business Phone",
                      "Access Notes", "Patient Name", "Patient First Name", "Ohio Phone", "Chicken",
                      "Group", "Card", "Account", "Member", "Member Notes", "Account Manager", "Subscriber",
                      "Insurance Notes", "Payer", "Primary Insurance", "Insurance Plan", "Carrier Name"])
    func ordinaryWordsAreNotSensitive(_ name: String) {
        // Short codes (SSN, MRN, MBI) count only as words of their own, not inside other words.
        #expect(!HeaderAliases.isSensitive(name))
    }

    @Test func headerWords() {
        #expect(HeaderAliases.words("PatientSSN") == ["patient", "ssn"])
        #expect(HeaderAliases.words("SSNNumber") == ["ssn", "number"])
        #expect(HeaderAliases.words("ssn_last4") == ["ssn", "last", "4"])
        #expect(HeaderAliases.words("  Business  Name ") == ["business", "name"])
        #expect(HeaderAliases.words("Date Of Birth (mm/dd/yyyy)") == ["date", "of", "birth", "mm", "dd", "yyyy"])
        #expect(HeaderAliases.words("") == [])
    }

    @Test(.enabled(if: testdataAvailable, "../shared/testdata is not there: Synthea header test skipped"), arguments: allOptions)
    func syntheaExportNamesSSNDriversAndPassport(_ options: HeaderMap.Options) throws {
        let path = try #require(testdata("synthea/patients_synthea_sample_apr2020.csv"), "testdata not found")
        let reader = try CSVReader(path: path)
        let header = try #require(try reader.next())
        guard case .sensitiveColumns(let sensitive, let unknown) = importError(header.fields, options) else {
            Issue.record("not refused for its sensitive columns")
            return
        }
        #expect(sensitive == ["SSN", "DRIVERS", "PASSPORT"])
        // Its other columns roster does not know (DEATHDATE, RACE...) are named as well.
        #expect(unknown.contains("DEATHDATE") == !options.ignoreUnknownColumns)
    }

    @Test(.enabled(if: testdataAvailable, "../shared/testdata is not there: Synthea header test skipped"))
    func syntheaExportWithoutItsSensitiveColumns() throws {
        let path = try #require(testdata("synthea/patients_synthea_sample_apr2020.csv"), "testdata not found")
        let fields = try #require(try CSVReader(path: path).next()).fields
        let kept = fields.filter { !["SSN", "DRIVERS", "PASSPORT"].contains($0) }
        // `Id` is an alias of Contact ID: `roster merge` may take a file that leaves out columns.
        let asMerge = try map(kept, .init(ignoreUnknownColumns: true, updatesOnly: true))
        #expect(asMerge.index[.contactID] == 0)
        #expect(asMerge.position(of: .firstName) == kept.firstIndex(of: "FIRST"))
        #expect(asMerge.position(of: .dateOfBirth) == kept.firstIndex(of: "BIRTHDATE"))
        #expect(asMerge.position(of: .postalCode) == kept.firstIndex(of: "ZIP"))
        #expect(asMerge.position(of: .sex) == kept.firstIndex(of: "GENDER"))
        // An import, with or without it, has no email or phone column: nothing to reach the
        // patients with (SPEC 2). The message points to `roster merge` only where the IDs are
        // in a column named for roster's: Synthea's `Id` is the EMR's own (a trial).
        let withoutID = kept.filter { $0 != "Id" }
        #expect(importError(withoutID, .init(ignoreUnknownColumns: true)) == .missingReachColumn(hasContactID: false))
        #expect(importError(kept, .init(ignoreUnknownColumns: true)) == .missingReachColumn(hasContactID: false))
        #expect(importError(["Contact ID"] + withoutID, .init(ignoreUnknownColumns: true)) == .missingReachColumn(hasContactID: true))
        #expect(ImportError.missingReachColumn(hasContactID: true).description.contains("roster merge"))
        let error = importError(kept)
        guard case .unknownColumns(let unknown)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(unknown.contains("PREFIX") && unknown.contains("MAIDEN") && unknown.contains("HEALTHCARE_EXPENSES"))
        #expect(!unknown.contains("FIRST") && !unknown.contains("ZIP") && !unknown.contains("BIRTHDATE"))
    }

    // MARK: required and template columns

    @Test func missingFirstName() {
        for options in [HeaderMap.Options(), .init(ignoreUnknownColumns: true)] {
            #expect(importError(["Last Name", "Email", "Phone"], options) == .missingFirstNameColumn(hasContactID: false))
        }
        // SPEC 2 holds for an import's file with a Contact ID column too: its rows without an
        // ID create contacts.
        #expect(importError(["Contact ID", "Email"]) == .missingFirstNameColumn(hasContactID: true))
        #expect(importError(["Contact ID", "First Name"]) == .missingReachColumn(hasContactID: true))
    }

    @Test func mergeFileMayCarryOnlyTheColumnsItChanges() throws {
        // SPEC 5: `roster merge` updates stored contacts; the file's missing columns keep their values.
        let header = try map(["Contact ID", "Notes"], .init(updatesOnly: true))
        #expect(header.hasContactID)
        #expect(header.position(of: .notes) == 1)
        #expect(header.warnings == ["the file has 1 of the 17 template columns (\"Notes\"): the others keep their stored values"])
        #expect(importError(["Contact ID", "Notes"], .init(strictTemplate: true, updatesOnly: true))
            == .missingTemplateColumns(Self.template.filter { $0 != "Notes" }))
        #expect(importError(["Contact ID", "Notes", "SSN"], .init(ignoreUnknownColumns: true, updatesOnly: true)) == .sensitiveColumns(["SSN"]))
    }

    @Test func missingEveryWayToReach() {
        #expect(importError(["First Name", "Last Name", "Address", "City"]) == .missingReachColumn(hasContactID: false))
    }

    @Test(arguments: ["Email", "Phone (Mobile)", "Home Phone", "Cell", "E-mail"])
    func oneWayToReachIsEnough(_ reach: String) throws {
        let header = try map(["First Name", reach])
        #expect(header.position(of: .firstName) == 0)
    }

    @Test func missingTemplateColumnsAreAWarning() throws {
        let header = try map(["First Name", "Email"])
        #expect(header.warnings.count == 1)
        let warning = header.warnings[0]
        for name in Self.template where name != "First Name" && name != "Email" {
            #expect(warning.contains("\"\(name)\""), "\(name)")
        }
        #expect(!warning.contains("\"First Name\"") && !warning.contains("\"Email\""))
    }

    @Test func strictTemplateDemandsAllSeventeen() {
        let missing = Self.template.filter { $0 != "First Name" && $0 != "Email" }
        #expect(importError(["First Name", "Email"], .init(strictTemplate: true)) == .missingTemplateColumns(missing))
        for dropped in Self.template where dropped != "First Name" {
            let header = Self.template.filter { $0 != dropped }
            #expect(importError(header, .init(strictTemplate: true)) == .missingTemplateColumns([dropped]), "\(dropped)")
        }
    }

    @Test func strictTemplateAcceptsAliasesAndAnyOrder() throws {
        var header = Self.template.reversed().map { $0 }
        header[header.firstIndex(of: "Phone (Mobile)")!] = "Cell"
        header[header.firstIndex(of: "Date Of Birth")!] = "DOB"
        header[header.firstIndex(of: "Postal Code")!] = "Zip"
        let mapped = try map(header, .init(strictTemplate: true))
        #expect(mapped.warnings.isEmpty)
        #expect(mapped.position(of: .notes) == 0)
        #expect(mapped.position(of: .phone) == header.firstIndex(of: "Cell"))
    }

    @Test func headersAreKeptAsGiven() throws {
        let raw = ["First Name", "E-mail", "Cell"]
        #expect(try map(raw).headers == raw)
    }

    /// A file without a header row: its first person must not be quoted back as column
    /// names (SPEC 11); the error names positions only.
    @Test func aFirstRowOfValuesIsRefusedWithoutQuotingIt() {
        for options in [HeaderMap.Options(), HeaderMap.Options(ignoreUnknownColumns: true)] {
            #expect {
                try HeaderMap(header: ["Mary", "Smith", "mary.smith@example.com", "(603) 555-0101", "3/14/1962"], options: options)
            } throws: { error in
                let text = "\(error)"
                return text.contains("looks like a person") && text.contains("columns 3, 4 and 5 hold")
                    && !["Mary", "Smith", "mary.smith", "555", "1962"].contains { text.contains($0) }
            }
        }
    }

    /// A first row of a person with one cell that is also a column name (`Mobile`, a town
    /// in Alabama) still quotes none of it (a hostile-input audit).
    @Test func aFirstRowOfValuesWithOneKnownNameQuotesNoneOfIt() {
        #expect {
            try HeaderMap(header: ["Mary", "Smith", "123 Main St", "Mobile", "AL", "36602"], options: HeaderMap.Options())
        } throws: { error in
            let text = "\(error)"
            return text.contains("looks like a person") && !["Mary", "Smith", "Main", "AL"].contains { text.contains($0) }
        }
    }

    @Test(arguments: [("mary@example.com", true), ("603-555-0101", true), ("(603) 555 0101", true), ("+1 603 555 0101", true),
                      ("3/14/1962", true), ("1962-03-14", true), ("Column 100000", false), ("Address 2", false),
                      ("Patient Name", false), ("Phone 1", false), ("2024 Visits", false),
                      ("03060", true), ("03060-1234", true), ("K1A 0B1", true), ("k1a0b1", true), ("123 Main St", true),
                      ("45B Elm Road", true), ("10 Rue Saint-Denis", true), ("2nd Phone", false), ("Zip 5", false),
                      ("Address Line 2", false), ("3 Month Visits", false)])
    func valuesAreToldFromColumnNames(cell: String, isValue: Bool) {
        #expect(HeaderMap.looksLikeAValue(cell) == isValue)
    }
}
