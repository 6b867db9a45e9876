import Foundation
import Testing
@testable import RosterKit

/// The rules of a row as a whole (SPEC 3), in RowNormaliser: Home Phone used as Phone,
/// Country required with Address, --default-country, a row needs an email or a phone.
@Suite struct FieldsRowRulesTests {
    /// Normalises one data row (spreadsheet row 2) under the full template header.
    func normalise(_ cells: [TemplateField: String], defaultCountry: Country? = nil) throws -> RowNormaliser.Result {
        try normalise(header: TemplateField.allCases, cells, defaultCountry: defaultCountry)
    }

    func normalise(header fields: [TemplateField], _ cells: [TemplateField: String],
                   defaultCountry: Country? = nil) throws -> RowNormaliser.Result {
        let header = try HeaderMap(header: fields.map(\.header), options: .init())
        let record = CSVRecord(row: 2, fields: fields.map { cells[$0] ?? "" })
        return RowNormaliser(header: header, today: fixedToday, defaultCountry: defaultCountry).normalise(record)
    }

    func kinds(_ result: RowNormaliser.Result, _ field: TemplateField) -> [CorrectionKind] {
        result.corrections.filter { $0.field == field.header }.map(\.kind)
    }

    func problemFields(_ result: RowNormaliser.Result) -> [String?] { result.problems.map(\.field) }

    // MARK: Home Phone used as Phone

    @Test(arguments: ["(603) 555-0123", "603.555.0123", "+1 603 555 0123", "16035550123"])
    func homePhoneIsUsedAsPhoneWhenPhoneIsEmpty(home: String) throws {
        let result = try normalise([.firstName: "Mary", .homePhone: home])
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.phone] == "+16035550123")
        #expect(result.values[.homePhone] == "+16035550123")
        #expect(result.corrections.contains(Correction(row: 2, field: "Phone (Mobile)", from: "", to: "+16035550123", kind: .homePhoneAsPhone)))
    }

    @Test func homePhoneIsUsedWhenTheFileHasNoPhoneColumn() throws {
        let result = try normalise(header: [.firstName, .homePhone], [.firstName: "Mary", .homePhone: "603-555-0123"])
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.phone] == "+16035550123")
        #expect(kinds(result, .phone) == [.homePhoneAsPhone])
    }

    @Test func phoneGivenKeepsBothNumbers() throws {
        let result = try normalise([.firstName: "Mary", .phone: "603-555-0111", .homePhone: "603-555-0122"])
        #expect(result.isValid)
        #expect(result.values[.phone] == "+16035550111")
        #expect(result.values[.homePhone] == "+16035550122")
        #expect(!result.corrections.contains { $0.kind == .homePhoneAsPhone })
    }

    /// A spreadsheet-mangled Phone (Mobile) beside a valid Home Phone: the fix names both ways.
    @Test func invalidPhoneBesideAValidHomePhoneSaysEmptyingItIsAFix() throws {
        let result = try normalise([.firstName: "Timoteo", .phone: "6.04E+09", .homePhone: "(603) 555-0142"])
        #expect(problemFields(result) == ["Phone (Mobile)"])
        #expect(result.problems.first?.message.hasSuffix("(or leave Phone (Mobile) empty, and the valid Home Phone is used)") == true)
    }

    @Test func invalidHomePhoneIsNotUsedAsPhone() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .homePhone: "603-555-01234 x5"])
        #expect(!result.isValid)
        #expect(problemFields(result) == ["Home Phone"])
        #expect(result.values[.phone] == nil)
        #expect(!result.corrections.contains { $0.kind == .homePhoneAsPhone })
    }

    @Test func invalidHomePhoneAloneReportsThePhoneNotAMissingPhone() throws {
        let result = try normalise([.firstName: "Mary", .homePhone: "6.04E+09"])
        #expect(problemFields(result) == ["Home Phone"])
        let message = try #require(result.problems.first?.message)
        #expect(message.hasPrefix("Home Phone "))
        #expect(message.contains("scientific notation"))
    }

    // MARK: a row needs an email or a phone

    @Test func rowWithNeitherEmailNorPhoneIsInvalid() throws {
        let result = try normalise([.firstName: "Mary", .lastName: "Smith", .city: "Nashua"])
        #expect(!result.isValid)
        #expect(problemFields(result) == [nil])
        let message = try #require(result.problems.first?.message)
        #expect(message.contains("no Email and no phone"))
        #expect(message.contains("add an email address or a phone number"))
        #expect(!message.contains("Mary") && !message.contains("Smith"))
    }

    @Test(arguments: [
        [TemplateField.email: "mary@example.com"], [.phone: "(603) 555-0123"], [.homePhone: "(603) 555-0123"],
        [.email: "mary@example.com", .phone: "(603) 555-0123"],
    ])
    func emailOrPhoneIsEnough(reach: [TemplateField: String]) throws {
        let result = try normalise(reach.merging([.firstName: "Mary"]) { a, _ in a })
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.email] != nil || result.values[.phone] != nil)
    }

    @Test func invalidEmailAloneReportsTheEmailNotAMissingEmail() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary.example.com"])
        #expect(problemFields(result) == ["Email"])
        #expect(result.problems.first?.message.hasPrefix("Email has no @") == true)
    }

    // MARK: Country required with Address; --default-country

    @Test func addressWithoutCountryIsInvalid() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St"])
        #expect(problemFields(result) == ["Country"])
        let message = try #require(result.problems.first?.message)
        #expect(message.contains("required when Address is given"))
        #expect(message.contains("--default-country"))
        #expect(!message.contains("12 Main St"))
    }

    @Test func addressLine2OrCityWithoutCountryIsAccepted() throws {
        // SPEC 3 ties Country to Address only.
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .addressLine2: "Apt 4", .city: "Nashua"])
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.country] == nil)
    }

    @Test(arguments: [("US", "US", nil), ("usa", "US", CorrectionKind.countryCode), ("Canada", "CA", .countryCode),
                      ("United States", "US", .countryCode)] as [(String, String, CorrectionKind?)])
    func addressWithCountryIsAccepted(country: String, stored: String, kind: CorrectionKind?) throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St", .country: country])
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.country] == stored)
        #expect(kinds(result, .country) == (kind.map { [$0] } ?? []))
    }

    @Test func invalidCountryWithAddressIsReportedOnce() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St", .country: "Mexico"])
        #expect(problemFields(result) == ["Country"])
        #expect(result.problems.first?.message.hasPrefix("Country is not US or Canada") == true)
    }

    @Test(arguments: [Country.us, .ca])
    func defaultCountryFillsAnEmptyCountry(country: Country) throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St"], defaultCountry: country)
        #expect(result.isValid, "\(result.problems)")
        #expect(result.values[.country] == country.rawValue)
        #expect(result.corrections.contains(Correction(row: 2, field: "Country", from: "", to: country.rawValue, kind: .defaultCountry)))
    }

    @Test func defaultCountryFillsTheCountryWithoutAnAddressToo() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com"], defaultCountry: .us)
        #expect(result.isValid)
        #expect(result.values[.country] == "US")
        #expect(kinds(result, .country) == [.defaultCountry])
    }

    @Test func defaultCountryNeverReplacesAGivenCountry() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "1 Rue Main", .country: "CA"],
                                   defaultCountry: .us)
        #expect(result.isValid)
        #expect(result.values[.country] == "CA")
        #expect(kinds(result, .country).isEmpty)
    }

    @Test func defaultCountryIsNotUsedWhenTheGivenCountryIsInvalid() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St", .country: "France"],
                                   defaultCountry: .us)
        #expect(problemFields(result) == ["Country"])
    }

    @Test(arguments: [
        (Country.us, TemplateField.state, "Ontario"), (.us, .postalCode, "K1A 0B1"),
        (.ca, .state, "NH"), (.ca, .postalCode, "3060"), (.ca, .postalCode, "03060"),
    ])
    func defaultCountryChecksStateAndPostalCode(country: Country, field: TemplateField, value: String) throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .address: "12 Main St", field: value],
                                   defaultCountry: country)
        #expect(problemFields(result) == [field.header])
        #expect(result.problems.first?.message.hasPrefix(field.header + " ") == true)
    }

    @Test func defaultCountryKeepsCorrectionsThatFitIt() throws {
        let us = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "Mass.", .postalCode: "1107"], defaultCountry: .us)
        #expect(us.isValid, "\(us.problems)")
        #expect(us.values[.state] == "MA")
        #expect(us.values[.postalCode] == "01107")
        let ca = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "Quebec", .postalCode: "h2x1y4"], defaultCountry: .ca)
        #expect(ca.isValid, "\(ca.problems)")
        #expect(ca.values[.state] == "QC")
        #expect(ca.values[.postalCode] == "H2X 1Y4")
    }

    @Test func stateAndPostalCodeMustFitTheRowsCountry() throws {
        let ok = try normalise([.firstName: "Mary", .email: "mary@example.com", .country: "Canada", .state: "Ontario", .postalCode: "k1a0b1"])
        #expect(ok.isValid, "\(ok.problems)")
        #expect([ok.values[.country], ok.values[.state], ok.values[.postalCode]] == ["CA", "ON", "K1A 0B1"])
        let bad = try normalise([.firstName: "Mary", .email: "mary@example.com", .country: "US", .state: "Ontario", .postalCode: "k1a0b1"])
        #expect(Set(problemFields(bad)) == ["State", "Postal Code"])
    }

    /// With Country empty, a State still names the country its Postal Code must fit.
    @Test func postalCodeMustFitTheStatesCountryWhenCountryIsEmpty() throws {
        let zipInOntario = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "ON", .postalCode: "03060"])
        #expect(problemFields(zipInOntario) == ["Postal Code"])
        #expect(zipInOntario.problems.first?.message == "Postal Code is a US ZIP code, but State ON is in Canada: fix the State, or the Postal Code")
        let canadianInNewHampshire = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "NH", .postalCode: "K1A 0B1"])
        #expect(problemFields(canadianInNewHampshire) == ["Postal Code"])
        #expect(canadianInNewHampshire.problems.first?.message == "Postal Code is a Canadian postal code, but State NH is in the US: fix the State, or the Postal Code")
        let neither = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "ON", .postalCode: "Z1A 1A1"])
        #expect(neither.problems.first?.message.hasSuffix("(State ON is in Canada)") == true, "\(neither.problems)")
        let fits = try normalise([.firstName: "Mary", .email: "mary@example.com", .state: "Quebec", .postalCode: "h2x1y4"])
        #expect(fits.isValid, "\(fits.problems)")
        #expect(fits.values[.postalCode] == "H2X 1Y4")
    }

    /// A Canadian code's first letter is its province's (Canada Post): `H2X 1Y4` is Quebec's.
    @Test func canadianPostalCodeMustFitTheProvince() throws {
        let wrong = try normalise([.firstName: "Mary", .email: "mary@example.com", .country: "CA", .state: "BC", .postalCode: "H2X 1Y4"])
        #expect(problemFields(wrong) == ["Postal Code"])
        let message = try #require(wrong.problems.first?.message)
        #expect(message.contains("starts with H, the letter of QC") && message.contains("State is BC") && message.contains("start with V"))
        #expect(!message.contains("H2X"), "the message names the letter, not the whole code")
        let right = try normalise([.firstName: "Mary", .email: "mary@example.com", .country: "CA", .state: "BC", .postalCode: "V5K 0A1"])
        #expect(right.isValid, "\(right.problems)")
        let north = try normalise([.firstName: "Mary", .email: "mary@example.com", .country: "CA", .state: "NU", .postalCode: "X0A 0H0"])
        #expect(north.isValid, "X serves both NT and NU: \(north.problems)")
    }

    /// A cell the reader cut at its limit is Invalid, named in the message as every other
    /// (the message is what a report's Reason cell shows).
    @Test func aFarTooLongCellIsNamedInItsMessage() throws {
        let header = try HeaderMap(header: TemplateField.allCases.map(\.header), options: .init())
        var cells = TemplateField.allCases.map { _ in "" }
        cells[TemplateField.firstName.rawValue] = "Mary"
        cells[TemplateField.email.rawValue] = "mary@example.com"
        var record = CSVRecord(row: 2, fields: cells)
        record.overlongFields = [TemplateField.city.rawValue]
        let result = RowNormaliser(header: header, today: fixedToday, defaultCountry: nil).normalise(record)
        #expect(problemFields(result) == ["City"])
        #expect(result.problems.first?.message.hasPrefix("City is far too long") == true)
    }

    // MARK: First Name, Phase and messages

    @Test func emptyFirstNameIsInvalidOnce() throws {
        let result = try normalise([.lastName: "Smith", .email: "mary@example.com"])
        #expect(problemFields(result) == ["First Name"])
        #expect(result.problems.first?.message.contains("every contact needs a first name") == true)
    }

    @Test func missingPhaseIsNoPhase() throws {
        let empty = try normalise([.firstName: "Mary", .email: "mary@example.com"])
        #expect(empty.values[.phase] == "No Phase")
        let absent = try normalise(header: [.firstName, .email], [.firstName: "Mary", .email: "mary@example.com"])
        #expect(absent.values[.phase] == "No Phase")
        let spelled = try normalise([.firstName: "Mary", .email: "mary@example.com", .phase: "lead new"])
        #expect(spelled.values[.phase] == "Lead-New")
        #expect(kinds(spelled, .phase) == [.phaseName])
    }

    @Test func paddingIsTrimmedAndReported() throws {
        let result = try normalise([.firstName: "  Mary ", .email: " mary@example.com"])
        #expect(result.isValid)
        #expect(result.values[.firstName] == "Mary")
        #expect(result.values[.email] == "mary@example.com")
        #expect(result.corrections.contains(Correction(row: 2, field: "First Name", from: "  Mary ", to: "Mary", kind: .trimmed)))
        #expect(kinds(result, .email) == [.trimmed])
    }

    @Test func fieldCorrectionsAreReportedWithTheirKind() throws {
        let result = try normalise([.firstName: "  ZOË ", .lastName: "mary-jane o'neil", .email: "z@example.com",
                                    .sex: "f", .state: "Massachusetts", .country: "USA", .postalCode: "3060", .phase: "graduated graduated"])
        #expect(result.isValid, "\(result.problems)")
        #expect(kinds(result, .firstName) == [.capitalised])
        #expect(kinds(result, .lastName) == [.capitalised])
        #expect(kinds(result, .sex) == [.spelledOutSex])
        #expect(kinds(result, .state) == [.stateCode])
        #expect(kinds(result, .country) == [.countryCode])
        #expect(kinds(result, .postalCode) == [.paddedPostalCode])
        #expect(kinds(result, .phase) == [.phaseName])
        #expect(result.corrections.contains(Correction(row: 2, field: "First Name", from: "  ZOË ", to: "Zoë", kind: .capitalised)))
    }

    @Test func everyInvalidCellIsReportedByFieldWithoutItsValue() throws {
        let cells: [TemplateField: String] = [
            .firstName: "DNU Smith", .lastName: "Jones 2", .email: "jones.example.com", .phone: "6.04E+09",
            .homePhone: "603-555-0123 ext 9", .state: "Narnia", .country: "Atlantis", .address: "12 Elm Street",
            .sex: "Unknown", .postalCode: "ABCDEFG", .dateOfBirth: "31/12/1990", .phase: "Discharged",
            .notes: "fine \u{0} not fine",
        ]
        let result = try normalise(cells)
        #expect(!result.isValid)
        let expected: Set<String?> = ["First Name", "Last Name", "Email", "Phone (Mobile)", "Home Phone", "State", "Country",
                                      "Sex", "Postal Code", "Date Of Birth", "Phase", "Notes"]
        #expect(Set(problemFields(result)) == expected)
        #expect(result.problems.count == expected.count)
        for problem in result.problems {
            let field = try #require(problem.field)
            #expect(problem.message.hasPrefix(field + " "), "\(problem.message)")
            for value in cells.values {
                #expect(!problem.message.contains(value), "\(field) message echoes a value: \(problem.message)")
            }
        }
    }

    @Test func providedListsTheNonEmptyCells() throws {
        let result = try normalise([.firstName: "Mary", .email: "mary@example.com", .city: "  ", .notes: "x"])
        #expect(result.provided == [.firstName, .email, .notes])
    }
}
