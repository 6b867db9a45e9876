import Foundation
import Testing
@testable import RosterKit

/// Phone (Mobile) and Home Phone (SPEC 3): NANP numbers, stored E.164.
@Suite struct FieldsPhoneTests {
    @Test(arguments: [
        // SPEC 3's examples.
        "(603) 555-0123", "603.555.0123", "+1 603 555 0123", "16035550123",
        // Other common spellings.
        "603-555-0123", "6035550123", "603 555 0123", "1-603-555-0123", "1 (603) 555-0123",
        "+1 (603) 555-0123", "+1-603-555-0123", "+16035550123", "(603)555-0123", "603 - 555 - 0123",
        "603\u{2013}555\u{2013}0123", "603\u{2011}555\u{2011}0123", "603\u{00A0}555\u{00A0}0123", "1.603.555.0123",
        "+ 1 603 555 0123", "+ 1 (603) 555-0123",
    ])
    func commonSpellingIsStoredAsE164(phone: String) {
        #expect(Phone.normalise(phone) == .accepted("+16035550123"))
        #expect(Phone.parse(phone) == .success("+16035550123"))
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(Phone.normalise("") == .accepted(nil))
    }

    @Test(arguments: [
        ("2025550123", "+12025550123"), ("(212) 555-0199", "+12125550199"), ("+1 416 555 0100", "+14165550100"),
        ("9995550123", "+19995550123"), ("(603) 200-0000", "+16032000000"), ("19999999999", "+19999999999"),
    ])
    func areaCodeAndExchangeFrom2To9AreAccepted(phone: String, stored: String) {
        #expect(Phone.normalise(phone) == .accepted(stored))
    }

    @Test(arguments: ["6.04E+09", "6.04e+09", "6.035550123E+09", "6.04E9", "6E+09", "8.46E+09", "1.60E+10", "6,04E+09", "6.04E-09"])
    func scientificNotationIsInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "scientific notation")
        fieldsExpectInvalid(Phone.normalise(phone), phone, "format the column as text")
    }

    @Test(arguments: [
        "603-555-0123 x12", "603-555-0123 X 12", "(603) 555-0123 ext. 4", "603.555.0123 ext 4",
        "603-555-0123 EXT 99", "603-555-0123 #12", "6035550123x1",
    ])
    func extensionIsInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "extension")
    }

    @Test(arguments: ["603-555-CALL", "call 603-555-0123", "603/555/0123", "603_555_0123", "603-555-0123 cell",
                      "tel:6035550123", "603*555*0123", "６０３５５５０１２３",
                      "603.555.0123 cell", "603.555.0123 Home", "E603.555.0123", "603E555E0123", "1.2.3E+4"])
    func lettersAndOtherCharactersAreInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "not part of a phone number")
    }

    @Test(arguments: ["+44 20 7946 0958", "+33 1 23 45 67 89", "+52 55 1234 5678", "+61 2 9876 5432"])
    func otherCountriesAreInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "US or Canada")
    }

    /// Numbers of the other countries that dial +1: the right shape, another country (the
    /// real US and Canadian area codes stay valid: `realAreaCodesWithFictionNumbersAreAccepted`).
    @Test(arguments: [("876-555-0123", "Jamaica"), ("(809) 555-0101", "the Dominican Republic"), ("+1 242 555 0100", "the Bahamas"),
                      ("14415550100", "Bermuda"), ("868.555.0100", "Trinidad and Tobago"), ("1-829-555-0100", "the Dominican Republic")])
    func otherCountriesSharingPlusOneAreInvalid(phone: String, country: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "is a number in \(country)")
        fieldsExpectInvalid(Phone.normalise(phone), phone, "only US and Canada numbers")
    }

    @Test(arguments: ["(787) 555-0100", "939-555-0100", "340 555 0100", "671-555-0100", "670-555-0100", "684-555-0100"])
    func usTerritoriesAreTheUS(phone: String) {
        guard case .accepted(let stored?) = Phone.normalise(phone) else {
            Issue.record("\(phone) was refused")
            return
        }
        #expect(stored.hasPrefix("+1") && stored.count == 12)
    }

    @Test(arguments: [
        ("555-0199", 7), ("603555012", 9), ("60355501234", 11), ("26035550123", 11), ("603555012345", 12),
        ("011 44 20 7946 0958", 15), ("1", 1), ("( ) -", 0),
    ])
    func wrongDigitCountIsInvalid(phone: String, digits: Int) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "has \(digits) digits", echoCheck: phone.count > 2)
        fieldsExpectInvalid(Phone.normalise(phone), phone, "10", echoCheck: false)
    }

    /// After `+1` the count is of the digits that follow it: `+1 603 555 012` lacks a
    /// digit; its area code is not the problem.
    @Test(arguments: [("+1 603 555 012", 9), ("+1", 0), ("+1 1 603 555 0123", 11), ("+ 1 603 555 01234", 11)])
    func wrongDigitCountAfterPlusOneIsInvalid(phone: String, digits: Int) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "has \(digits) digits after +1", echoCheck: phone.count > 2)
    }

    @Test(arguments: ["(103) 555-0123", "(003) 555-0123", "1-103-555-0123", "+1 003 555 0123"])
    func areaCodeStartingWith0Or1IsInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "area code")
    }

    @Test(arguments: ["(603) 155-0123", "(603) 055-0123", "1 603 155 0123"])
    func exchangeStartingWith0Or1IsInvalid(phone: String) {
        fieldsExpectInvalid(Phone.normalise(phone), phone, "exchange")
    }

    // MARK: national format for export

    @Test(arguments: [("+16035550123", "(603) 555-0123"), ("+14165550100", "(416) 555-0100")])
    func nationalFormat(e164: String, national: String) {
        #expect(Phone.national(e164) == national)
        // What export writes reads back as the same number.
        #expect(Phone.normalise(national) == .accepted(e164))
    }

    @Test func nationalFormatLeavesOtherTextAlone() {
        #expect(Phone.national("12345") == "12345")
    }

    /// The byte formatter gives what the Substring one first written gave, on generated text.
    @Test func nationalFormatEqualsTheFirstFormatter() {
        func reference(_ e164: String) -> String {
            let digits = Array(e164.utf8.filter { $0 >= 48 && $0 <= 57 }.dropFirst(e164.hasPrefix("+1") ? 1 : 0))
            guard digits.count == 10 else { return e164 }
            let s = String(decoding: digits, as: UTF8.self)
            let a = s.prefix(3), b = s.dropFirst(3).prefix(3), c = s.suffix(4)
            return "(\(a)) \(b)-\(c)"
        }
        let pieces = ["+1", "+", "1", "603", "555", "0123", "-", " ", "x", "١", "\u{301}", "44"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(Array(Phone.national(text).utf8) == Array(reference(text).utf8), "\(text.debugDescription)")
        }
    }

    // MARK: third-party vectors

    @Test(.enabled(if: fieldsHasTestdata("phone/nanp_area_codes.csv"), "needs testdata phone/nanp_area_codes.csv"))
    func realAreaCodesWithFictionNumbersAreAccepted() throws {
        let (header, rows) = try fieldsCSV("phone/nanp_area_codes.csv")
        #expect(header == ["npa", "region", "country"])
        #expect(rows.count > 400)
        for (i, row) in rows.enumerated() {
            let npa = row[0]
            let line = String(format: "01%02d", i % 100)
            let formats = ["(\(npa)) 555-\(line)", "\(npa).555.\(line)", "+1 \(npa) 555 \(line)", "1\(npa)555\(line)"]
            for phone in formats {
                #expect(Phone.normalise(phone) == .accepted("+1\(npa)555\(line)"), "area code \(npa), \(row[1])")
            }
        }
    }

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelPhones() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let scientific = rows.filter { $0[2] == "excel_scientific_notation" }
        #expect(scientific.count >= 10)
        for row in scientific {
            // The digits are lost: the tool must not guess them back.
            fieldsExpectInvalid(Phone.normalise(fieldsTrim(row[3])), row[3], "scientific notation")
        }
        let plain = rows.filter { $0[2] == "excel_number_lost_formatting" }
        #expect(plain.count >= 5)
        for row in plain {
            #expect(Phone.normalise(fieldsTrim(row[3])) == .accepted("+1" + row[4]), "manifest row \(row[0])")
        }
    }

    /// The byte fast path accepts only numbers the full rule accepts, as the same E.164, and
    /// the rule as a whole answers what the full rule answers: generated phones of digit
    /// groups, separators, `+`, every ASCII byte and non-ASCII digits and dashes.
    @Test func fastPathAgreesWithTheFullParse() {
        let parts = ["(603)", "603", "555", "0123", "1", "0", "2", "+1", "+", "+44", "-", ".", " ", "(", ")", "x", "#", "E+09", "6.04",
                     "2345", "1603", "\u{2013}", "\u{00A0}", "١"]
        var generator = FieldsTextGenerator(seed: 0x9e0e, pieces: parts + parts + parts + parts)
        var accepted = 0
        for i in 0..<100_000 {
            var text = generator.text(7, asciiOnly: i % 4 != 0)
            if i % 2 == 0 {   // shaped like a phone, with a stray piece now and then
                let digit = (0...9).map(String.init), separator = ["", " ", "-", ".", ")", ") ", "/"]
                func digits(_ n: Int) -> String { (0..<n).map { _ in generator.pick(digit) }.joined() }
                text = generator.pick(["", "", "+1", "1", "+1 ", "+", "1-", "+2"]) + generator.pick(["", "", "("]) + digits(3)
                    + generator.pick(separator) + digits(3) + generator.pick(separator) + digits(generator.chance(90) ? 4 : 5)
                if generator.chance(20) { text += generator.text(1) }
            }
            let full = Phone.fullParse(text)
            if let fast = Phone.fastPath(text) {
                accepted += 1
                #expect(full == .success(fast), "seed \(generator.seed): \(text.debugDescription)")
            }
            #expect(Phone.parse(text) == full, "seed \(generator.seed): \(text.debugDescription)")
        }
        #expect(accepted > 1_000)   // the generator does make valid numbers
        for text in ["(603) 555-0123", "603.555.0123", "+1 603 555 0123", "16035550123", "6035550123", "+16035550123"] {
            #expect(Phone.fastPath(text) == "+16035550123", "\(text)")
        }
    }
}

