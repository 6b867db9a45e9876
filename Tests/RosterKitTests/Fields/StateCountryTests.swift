import Foundation
import Testing
@testable import RosterKit

/// State and Country (SPEC 3): stored as two-letter codes.
@Suite struct FieldsStateCountryTests {
    // MARK: State

    @Test(arguments: ["NH", "MA", "CA", "NY", "DC", "PR", "GU", "VI", "AA", "ON", "QC", "BC", "YT"])
    func stateCodeIsAccepted(code: String) {
        #expect(State.normalise(code, country: nil) == .accepted(code))
    }

    @Test(arguments: [
        ("New Hampshire", "NH"), ("new hampshire", "NH"), ("NEW HAMPSHIRE", "NH"), ("New  Hampshire", "NH"),
        ("Massachusetts", "MA"), ("nh", "NH"), ("ma", "MA"), ("Ma", "MA"), ("N.H.", "NH"), ("N. H.", "NH"),
        ("Mass.", "MA"), ("Mass", "MA"), ("Calif.", "CA"), ("California", "CA"), ("Que.", "QC"), ("Quebec", "QC"),
        ("Québec", "QC"), ("PQ", "QC"), ("Ontario", "ON"), ("Prince Edward Island", "PE"), ("Wash.", "WA"),
        ("District of Columbia", "DC"), ("Washington DC", "DC"), ("Washington, D.C.", "DC"), ("Puerto Rico", "PR"),
        ("Newfoundland", "NL"), ("Tex.", "TX"), ("on", "ON"),
        ("Ont.", "ON"), ("Alta.", "AB"), ("Sask.", "SK"), ("Man.", "MB"), ("Nfld.", "NL"), ("P.E.I.", "PE"),
        ("U.S. Virgin Islands", "VI"), ("USVI", "VI"), ("Commonwealth of Puerto Rico", "PR"), ("Yukon Territory", "YT"),
    ])
    func stateNameOrVariantIsWrittenAsItsCode(given: String, code: String) {
        #expect(State.normalise(given, country: nil) == .corrected(code, kind: .stateCode))
    }

    @Test(arguments: ["Narnia", "XX", "England", "Ontari", "New Hamp", "N/A", "--", "Mexico City", "ZZ Top"])
    func unknownStateIsInvalid(state: String) {
        fieldsExpectInvalid(State.normalise(state, country: nil), state, "two-letter code")
        fieldsExpectInvalid(State.normalise(state, country: "US"), state, "two-letter code")
    }

    @Test(arguments: ["MA 01852", "NH03060", "N4H", "1NH", "Ontario 2"])
    func stateWithDigitsIsInvalidNotStripped(state: String) {
        // The digits are another field's data (often the ZIP); dropping them would lose it.
        fieldsExpectInvalid(State.normalise(state, country: nil), state, "two-letter code")
    }

    @Test func emptyStateIsAcceptedAsNothing() {
        #expect(State.normalise("", country: nil) == .accepted(nil))
        #expect(State.normalise("", country: "CA") == .accepted(nil))
    }

    @Test(arguments: [("NH", "US"), ("New Hampshire", "US"), ("ON", "CA"), ("Ontario", "CA"), ("CA", "US"), ("Quebec", "CA")])
    func stateThatFitsTheCountryIsAccepted(state: String, country: String) {
        #expect(!fieldsIsInvalid(State.normalise(state, country: country)))
    }

    @Test(arguments: [("ON", "US", "the US"), ("Ontario", "US", "the US"), ("NH", "CA", "Canada"),
                      ("Massachusetts", "CA", "Canada"), ("CA", "CA", "Canada")])
    func stateThatDoesNotFitTheCountryIsInvalid(state: String, country: String, place: String) {
        fieldsExpectInvalid(State.normalise(state, country: country), state, "not in \(place)")
        fieldsExpectInvalid(State.normalise(state, country: country), state, "fix the State or the Country")
    }

    // MARK: Country

    @Test(arguments: ["US", "CA"])
    func countryCodeIsAccepted(code: String) {
        #expect(Country.normalise(code) == .accepted(code))
    }

    @Test(arguments: [
        ("USA", "US"), ("usa", "US"), ("U.S.A.", "US"), ("U.S.", "US"), ("us", "US"), ("United States", "US"),
        ("united states of america", "US"), ("UNITED STATES", "US"), ("America", "US"),
        ("Canada", "CA"), ("CANADA", "CA"), ("ca", "CA"), ("CAN", "CA"), ("Can.", "CA"),
    ])
    func countrySpellingIsWrittenAsItsCode(given: String, code: String) {
        #expect(Country.normalise(given) == .corrected(code, kind: .countryCode))
    }

    @Test(arguments: ["Mexico", "MX", "UK", "United Kingdom", "France", "Untied States", "USA 1", "Canada eh", "PR"])
    func otherCountryIsInvalid(country: String) {
        fieldsExpectInvalid(Country.normalise(country), country, "US or CA")
    }

    @Test func emptyCountryIsAcceptedAsNothing() {
        #expect(Country.normalise("") == .accepted(nil))
    }

    // MARK: third-party vectors

    @Test(.enabled(if: fieldsHasTestdata("regions/us_ca_regions.csv"), "needs testdata regions/us_ca_regions.csv"))
    func everyRegionCodeAndNameMapsToItsCode() throws {
        let (header, rows) = try fieldsCSV("regions/us_ca_regions.csv")
        #expect(header == ["country", "code", "name", "kind"])
        #expect(rows.count == 75)
        for row in rows {
            let (country, code, name) = (row[0], row[1], row[2])
            #expect(State.normalise(code, country: nil) == .accepted(code), "\(code)")
            #expect(State.normalise(code, country: country) == .accepted(code), "\(code) in \(country)")
            #expect(State.normalise(code.lowercased(), country: country) == .corrected(code, kind: .stateCode), "\(code) lower-cased")
            #expect(State.normalise(name, country: nil) == .corrected(code, kind: .stateCode), "\(name)")
            #expect(State.normalise(name, country: country) == .corrected(code, kind: .stateCode), "\(name) in \(country)")
            #expect(State.normalise(name.uppercased(), country: country) == .corrected(code, kind: .stateCode), "\(name) upper-cased")
            let other = country == "US" ? "CA" : "US"
            #expect(fieldsIsInvalid(State.normalise(name, country: other)), "\(name) is not in \(other)")
        }
    }

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelStateVariantsAreWrittenAsCodes() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let states = rows.filter { $0[2] == "state_variant" }
        #expect(states.count >= 5)
        #expect(Set(states.map { $0[3] }).isSuperset(of: ["Mass.", "ma"]))
        for row in states {
            #expect(State.normalise(fieldsTrim(row[3]), country: "US") == .corrected(row[4], kind: .stateCode), "manifest row \(row[0])")
        }
    }

    /// The byte key for ASCII text is the full key: lower-cased letters and digits only.
    @Test func asciiKeyIsTheFullKey() {
        let parts = ["N.H.", "U.S.A.", "New Hampshire", "MA 01852", "Québec", "QUEBEC", "ca", "Ca", ".", " ", "-"]
        var generator = FieldsTextGenerator(seed: 0x5747e, pieces: parts)
        for i in 0..<100_000 {
            let text = generator.text(6, asciiOnly: i % 4 != 0)
            #expect(Regions.key(text) == Regions.fullKey(text), "seed \(generator.seed): \(text.debugDescription)")
            #expect(Array(Regions.key(text).utf8) == Array(Regions.fullKey(text).utf8), "seed \(generator.seed): \(text.debugDescription)")
        }
    }
}
