import Foundation
import Testing
@testable import RosterKit

/// Examples/patients.csv, the sample list the README imports into a fresh database.
/// Examples/README.md lists what each deliberate row shows; the rows and numbers here are
/// that table's, so a change to the file or to the rules shows up here first.
@Suite struct SampleListTests {
    static let path = packageRoot.appendingPathComponent("Examples/patients.csv").path

    /// A fresh store (practice, Nashua, Hudson, Salem) with the sample imported into Nashua.
    func importSample() throws -> (Fixture, Readout) {
        let f = try Fixture()
        let r = try f.importer.run(ImportRequest(path: Self.path, location: "Nashua", consent: Consent(parsing: "email,text")!))
        return (f, r)
    }

    func correction(_ r: Readout, row: Int, field: TemplateField) -> Correction? {
        r.corrections.first { $0.row == row && $0.field == field.header }
    }

    @Test func countsAddUpToTheREADMEs() throws {
        let (_, r) = try importSample()
        #expect(r.rows == 163)
        #expect(r.created == 135)
        #expect(r.skipped == 2)
        #expect(r.failed == 26)
        #expect(r.updated == 0 && r.copied == 0 && r.unchanged == 0)
        #expect(r.countsAddUp)
        #expect(r.failures.count == 26)
        #expect(r.welcomeEmailsQueued == 122)
        // The sample has the full template header; its two true duplicates are said to be left as stored.
        #expect(r.warnings.count == 1 && r.warnings[0].hasPrefix("2 rows matched contacts already stored or an earlier row of this file"), "\(r.warnings)")
        #expect(r.encoding == SourceEncoding.utf8.rawValue)
        #expect(!r.dryRun)
    }

    /// Every failed row, its reason and its field, as the README table names them.
    @Test func eachFailureReasonIsAtTheREADMERows() throws {
        let (_, r) = try importSample()
        let email = TemplateField.email.header, phone = TemplateField.phone.header
        let expected: [Int: (FailureReason, String?)] = [
            53: (.alreadyExistsEmail, email), 58: (.alreadyExistsEmail, email),
            63: (.duplicateEmail, email), 66: (.duplicateEmail, email),
            // Row 85's phone is its Home Phone (no Phone (Mobile)): the failure names that cell.
            76: (.alreadyExistsPhone, phone), 85: (.alreadyExistsPhone, TemplateField.homePhone.header),
            115: (.duplicatePhone, phone), 128: (.duplicatePhone, phone),
            50: (.invalid, "First Name"),        // DNU Smith
            51: (.invalid, "First Name"),        // Cash Pay
            56: (.invalid, "Last Name"),         // Whitfield 2
            59: (.invalid, "Email"),             // no dot in the domain
            61: (.invalid, "Email"),             // two addresses in one cell
            65: (.invalid, "Phone (Mobile)"),    // letter O for a zero
            75: (.invalid, "Phone (Mobile)"),    // extension
            81: (.invalid, "Phone (Mobile)"),    // 6.04E+09
            87: (.invalid, "Home Phone"),        // 9 digits
            88: (.invalid, "Date Of Birth"),     // two-digit year
            93: (.invalid, "Date Of Birth"),     // day first
            114: (.invalid, "Date Of Birth"),    // in the future
            131: (.invalid, "State"),            // New Hamshire
            132: (.invalid, "Postal Code"),      // a US ZIP in a Canadian row
            135: (.invalid, "Sex"),              // U
            141: (.invalid, "Phase"),            // Discharged
            145: (.invalid, nil),                // neither email nor phone
            146: (.invalid, "Country"),          // Address without Country
        ]
        let got = Dictionary(r.failures.map { ($0.row, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(got.keys) == Set(expected.keys))
        for (row, (reason, field)) in expected.sorted(by: { $0.key < $1.key }) {
            let failure = try #require(got[row], "row \(row) should fail with \(reason.rawValue)")
            #expect(failure.reason == reason, "row \(row)")
            #expect(failure.field == field, "row \(row)")
        }
        for reason in FailureReason.allCases where reason != .unknownContactID {
            #expect(r.failures.filter { $0.reason == reason }.count >= 2, "\(reason.rawValue) appears at least twice")
        }
        // Specific reasons a person can act on.
        #expect(got[81]?.message.contains("scientific notation") == true)
        #expect(got[75]?.message.contains("extension") == true)
        #expect(got[88]?.message.contains("2-digit year") == true)
        #expect(got[93]?.message.contains("day first") == true)
        #expect(got[114]?.message.contains("future") == true)
    }

    @Test func aFamilySharingOnePhoneIsAllCreated() throws {
        let (f, r) = try importSample()
        let family = try f.contacts.find("Pelletier").filter { $0.values[.lastName] == "Pelletier" }
        #expect(Set(family.compactMap { $0.values[.firstName] }) == ["David", "Amy", "Owen"])
        for member in family {
            #expect(member.values[.phone] == "+16035550101", "\(member.values[.firstName] ?? "")")
            #expect(member.memberships.map(\.locationName) == ["Nashua"])
        }
        // Owen (row 155) gave only the Home Phone, which became his phone.
        let owen = try #require(family.first { $0.values[.firstName] == "Owen" })
        #expect(owen.values[.homePhone] == "+16035550101")
        #expect(!r.failures.contains { [150, 153, 155].contains($0.row) })
    }

    @Test func trueDuplicatesAreSkippedNotStoredTwice() throws {
        let (f, r) = try importSample()
        #expect(r.skipped == 2)
        #expect(!r.failures.contains { [39, 46].contains($0.row) })
        // Row 39 repeats row 37 (other letter case); row 46 repeats row 11 by phone.
        let whitfield = try f.contacts.find("Theresa Whitfield")
        #expect(whitfield.count == 1)
        #expect(whitfield.first?.values[.state] == "NH" && whitfield.first?.values[.sex] == "Female")
        #expect(try f.contacts.find("Harold Eastman").count == 1)
        #expect(try f.count("contact") == 135)
    }

    @Test func correctionsOfEveryKind() throws {
        let (_, r) = try importSample()
        let sample: [(Int, TemplateField, String, String)] = [
            (8, .firstName, "MARGARET", "Margaret"),
            (8, .lastName, "O'BRIEN", "O'Brien"),
            (8, .sex, "F", "Female"),
            (41, .firstName, "kevin", "Kevin"),
            (41, .lastName, "o'malley", "O'Malley"),
            (41, .phase, "lead new", "Lead-New"),
            (48, .firstName, "anne-marie", "Anne-Marie"),
            (48, .lastName, "d'amico", "D'Amico"),
            (48, .state, "New Hampshire", "NH"),
            (48, .country, "USA", "US"),
            (48, .sex, "female", "Female"),
            (48, .phase, "initial evaluation scheduled", "InitialEvaluation-Scheduled"),
            (64, .firstName, "Mary  Beth", "Mary Beth"),
            (64, .state, "Mass.", "MA"),
            (64, .country, "United States", "US"),
            (94, .lastName, "Van  Dyke", "Van Dyke"),
            (94, .postalCode, "3031", "03031"),
            (9, .postalCode, "3060", "03060"),
            (111, .postalCode, "1879", "01879"),
            (111, .state, "Massachusetts", "MA"),
            (96, .postalCode, "030641234", "03064-1234"),
            (96, .phase, "free screen scheduled", "FreeScreen-Scheduled"),
            (121, .postalCode, "h2x3k4", "H2X 3K4"),
            (121, .state, "Quebec", "QC"),
            (121, .country, "Canada", "CA"),
            (127, .postalCode, "m5v2t6", "M5V 2T6"),
            (127, .sex, "M", "Male"),
            (150, .firstName, "DAVID", "David"),
            (11, .phone, "", "+16035550111"),
            (148, .phone, "", "+16035550105"),
            (155, .phone, "", "+16035550101"),
        ]
        for (row, field, from, to) in sample {
            let c = correction(r, row: row, field: field)
            #expect(c?.from == from && c?.to == to, "row \(row) \(field.header): \(String(describing: c))")
        }
        let kinds = Set(r.corrections.map(\.kind))
        for kind in [CorrectionKind.capitalised, .collapsedSpaces, .paddedPostalCode, .formattedPostalCode, .spelledOutSex,
                     .stateCode, .countryCode, .phaseName, .homePhoneAsPhone] {
            #expect(kinds.contains(kind), "a correction of kind \(kind.rawValue)")
        }
        // Only created rows report corrections; failed and skipped rows never do.
        let createdRows = Set(r.corrections.map(\.row))
        #expect(createdRows.isDisjoint(with: Set(r.failures.map(\.row)).union([39, 46])))
    }

    /// Row 9 pads almost every cell. The stored values are trimmed (SPEC 3: "All values are
    /// trimmed"), and SPEC 3 makes every change a correction in the readout.
    @Test func paddedValuesAreTrimmed() throws {
        let (f, r) = try importSample()
        let tom = try #require(try f.contacts.find("Tom Hamel").first)
        #expect(tom.values[.firstName] == "Tom")
        #expect(tom.values[.lastName] == "Hamel")
        #expect(tom.values[.email] == "tom.hamel@example.com")
        #expect(tom.values[.city] == "Nashua")
        #expect(tom.values[.address] == "9 Bridge St")
        #expect(tom.values[.insuranceCarrier] == "Tufts Health Plan")
        #expect(tom.values[.dateOfBirth] == "1962-05-17")
        #expect(tom.values[.phone] == "+16035550106")

        let trimmed: [(TemplateField, String, String)] = [
            (.firstName, "  Tom ", "Tom"), (.lastName, "Hamel ", "Hamel"),
            (.email, " tom.hamel@example.com ", "tom.hamel@example.com"), (.city, " Nashua ", "Nashua"),
            (.insuranceCarrier, " Tufts Health Plan ", "Tufts Health Plan"),
        ]
        for (field, from, to) in trimmed {
            let c = correction(r, row: 9, field: field)
            #expect(c?.from == from && c?.to == to, "row 9 \(field.header)")
        }
    }
}
