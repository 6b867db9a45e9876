import Foundation
import Testing
@testable import RosterKit

/// Postal Code (SPEC 3): US `12345` / `12345-6789`, CA `A1A 1A1`; must fit the country.
@Suite struct FieldsPostalCodeTests {
    @Test(arguments: [
        ("03060", nil), ("03060", "US"), ("90210", "US"), ("00501", nil), ("03060-1234", nil), ("03060-1234", "US"),
        ("K1A 0B1", nil), ("K1A 0B1", "CA"), ("H2X 1Y4", "CA"),
    ] as [(String, String?)])
    func wellFormedCodeIsAccepted(code: String, country: String?) {
        #expect(PostalCode.normalise(code, country: country) == .accepted(code))
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(PostalCode.normalise("", country: nil) == .accepted(nil))
        #expect(PostalCode.normalise("", country: "CA") == .accepted(nil))
    }

    @Test(arguments: [
        ("3060", nil, "03060"), ("3060", "US", "03060"), ("1107", "US", "01107"), ("501", nil, "00501"),
        ("601", "US", "00601"), ("2138", nil, "02138"),
    ] as [(String, String?, String)])
    func zipMissingLeadingZerosIsPadded(given: String, country: String?, stored: String) {
        #expect(PostalCode.normalise(given, country: country) == .corrected(stored, kind: .paddedPostalCode))
    }

    @Test(arguments: [
        ("030601234", nil, "03060-1234"), ("03060 1234", "US", "03060-1234"), ("03060-", "US", "03060"),
        ("a1a1a1", nil, "A1A 1A1"), ("a1a1a1", "CA", "A1A 1A1"), ("A1A1A1", "CA", "A1A 1A1"), ("a1a 1a1", "CA", "A1A 1A1"),
        ("K1A-0B1", "CA", "K1A 0B1"), ("K1A  0B1", nil, "K1A 0B1"), ("k1a 0b1", nil, "K1A 0B1"),
    ] as [(String, String?, String)])
    func codeIsFormatted(given: String, country: String?, stored: String) {
        #expect(PostalCode.normalise(given, country: country) == .corrected(stored, kind: .formattedPostalCode))
    }

    @Test(arguments: [
        ("123456", "US"), ("12", "US"), ("0", "US"), ("1234567", nil), ("12345-678", "US"), ("3061-1234", "US"),
        ("ABCDE", "US"), ("K1A 0B1", "US"), ("03060.1234", "US"),
    ] as [(String, String?)])
    func badUSZipIsInvalid(code: String, country: String?) {
        fieldsExpectInvalid(PostalCode.normalise(code, country: country), code, "US ZIP code", echoCheck: code.count > 2)
    }

    @Test(arguments: ["03060", "3060", "1A1 A1A", "K1A 0B", "A1A 1A1B", "AAA 111", "A1A1A", "Ä1A 1A1"])
    func badCanadianCodeIsInvalid(code: String) {
        fieldsExpectInvalid(PostalCode.normalise(code, country: "CA"), code, "Canadian postal code")
        fieldsExpectInvalid(PostalCode.normalise(code, country: "CA"), code, "A1A 1A1")
    }

    /// Canada Post never uses D, F, I, O, Q or U, nor W or Z first; W and Z elsewhere are fine.
    @Test(arguments: ["D1A 1A1", "K1O 0B1", "K1A 0U1", "W1A 1A1", "Z1A 1A1", "Q1A 1A1", "K1I 0B1", "F2X 1Y4"])
    func lettersCanadaPostNeverUsesAreInvalid(code: String) {
        fieldsExpectInvalid(PostalCode.normalise(code, country: "CA"), code, "never D, F, I, O, Q or U")
        fieldsExpectInvalid(PostalCode.normalise(code, country: nil), code, "neither a US ZIP code")
    }

    @Test(arguments: ["K1W 1Z1", "T2Z 0W9", "A0A 1B0"])
    func wAndZAfterTheFirstLetterAreAccepted(code: String) {
        #expect(PostalCode.normalise(code, country: "CA") == .accepted(code))
    }

    /// Every forward sortation area in GeoNames' list fits its own province by the first-letter
    /// table, and no other province's.
    @Test(.enabled(if: fieldsHasTestdata("postal/postal_codes_ca_fsa_geonames.csv"), "needs testdata postal/postal_codes_ca_fsa_geonames.csv"))
    func everyCanadianAreaFitsItsProvince() throws {
        let (header, rows) = try fieldsCSV("postal/postal_codes_ca_fsa_geonames.csv")
        let fsa = try #require(header.firstIndex(of: "zipcode")), province = try #require(header.firstIndex(of: "state_code"))
        let provinces = ["NL", "NS", "PE", "NB", "QC", "ON", "MB", "SK", "AB", "BC", "NT", "NU", "YT"]
        var checked = 0
        for row in rows where row.count > province && provinces.contains(row[province]) {
            let code = String(row[fsa].prefix(3)) + " 1A1"   // a few rows hold a whole code
            #expect(PostalCode.normalise(code, country: "CA") == .accepted(code), "\(row[fsa])")
            #expect(PostalCode.provinceMismatch(code: code, state: row[province]) == nil, "\(row[fsa]) in \(row[province])")
            let others = provinces.filter { PostalCode.provinceMismatch(code: code, state: $0) == nil }
            #expect(others.contains(row[province]) && others.count <= 2, "\(row[fsa]): \(others)")
            checked += 1
        }
        #expect(checked > 1_600)
    }

    /// Federal offices in Gatineau, QC carry Ottawa's `K1A` codes; other K codes stay Ontario's.
    @Test func federalAreaFitsOntarioAndQuebec() {
        #expect(PostalCode.provinceMismatch(code: "K1A 0M5", state: "QC") == nil)
        #expect(PostalCode.provinceMismatch(code: "K1A 0M5", state: "ON") == nil)
        #expect(PostalCode.provinceMismatch(code: "K1A 0M5", state: "BC") != nil)
        #expect(PostalCode.provinceMismatch(code: "K1P 1J1", state: "QC") != nil)
    }

    @Test(arguments: ["1A1 A1A", "ABCDE", "K1A 0B", "N/A", "none", "SW1A 1AA"])
    func codeOfNeitherCountryIsInvalidWithoutACountry(code: String) {
        fieldsExpectInvalid(PostalCode.normalise(code, country: nil), code, "neither a US ZIP code")
    }

    // MARK: third-party vectors

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelDroppedLeadingZerosArePadded() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let zips = rows.filter { $0[2] == "excel_leading_zero_dropped" }
        #expect(zips.count >= 10)
        for row in zips {
            let written = fieldsTrim(row[3])
            #expect(PostalCode.normalise(written, country: "US") == .corrected(row[4], kind: .paddedPostalCode), "manifest row \(row[0])")
            #expect(PostalCode.normalise(written, country: nil) == .corrected(row[4], kind: .paddedPostalCode), "manifest row \(row[0])")
            // Padding is a US rule: in Canada the same cell is Invalid.
            #expect(fieldsIsInvalid(PostalCode.normalise(written, country: "CA")), "manifest row \(row[0])")
        }
    }

    /// The byte path for codes of ASCII letters, digits, spaces and dashes must decide as
    /// the full rule does, for every country; anything else must go to the full rule.
    @Test func asciiPostalCodeAgreesWithTheFullRule() {
        let parts = ["0", "1", "3", "5", "9", "03060", "0306", "306", "12345", "6789", "K1A", "0B1", "k1a", "0b1", " ", "-", "--", "A", "z"]
        var generator = FieldsTextGenerator(seed: 0x21b, pieces: parts + parts + parts)
        for i in 0..<100_000 {
            let code = generator.text(5, asciiOnly: i % 4 != 0)
            for country in [nil, "US", "CA", "MX"] {
                #expect(PostalCode.normalise(code, country: country) == PostalCode.fullNormalise(code, country: country),
                        "seed \(generator.seed): \(code.debugDescription), \(country ?? "no country")")
            }
            let plain = code.utf8.allSatisfy { $0 == 0x20 || $0 == 0x2D || ($0 | 0x20) &- 0x61 < 26 || $0 &- 0x30 < 10 }
            let compact = PostalCode.asciiCompact(code)
            #expect((compact != nil) == plain, "seed \(generator.seed): \(code.debugDescription)")
            if let compact {
                let reference = code.uppercased().filter { $0 != " " && $0 != "-" }
                #expect(compact.text == reference && compact.isDigits == (!reference.isEmpty && reference.allSatisfy { $0.isASCII && $0.isNumber }),
                        "seed \(generator.seed): \(code.debugDescription)")
            }
        }
    }
}
