import Foundation
import Testing
@testable import RosterKit

/// Date Of Birth (SPEC 3): m/d/yyyy, mm/dd/yyyy or yyyy-mm-dd; a real date from 1900 to
/// today; stored yyyy-mm-dd. Today is fixed at 2026-11-25 (TestSupport's `fixedToday`).
@Suite struct FieldsDateOfBirthTests {
    let today = DateOfBirth.Day(year: 2026, month: 11, day: 25)

    @Test(arguments: [
        // SPEC 3's examples.
        ("8/15/1991", "1991-08-15"), ("08/15/1991", "1991-08-15"), ("1991-08-15", "1991-08-15"),
        // Other accepted spellings.
        ("8/5/1991", "1991-08-05"), ("08/05/1991", "1991-08-05"), ("12/31/1999", "1999-12-31"), ("1/1/1900", "1900-01-01"),
        ("1991-8-5", "1991-08-05"), ("2/29/2000", "2000-02-29"), ("2/29/2024", "2024-02-29"), ("11/25/2026", "2026-11-25"),
        ("2026-11-24", "2026-11-24"), ("1900-01-01", "1900-01-01"),
        // Ambiguous day/month: read month first.
        ("05/08/1991", "1991-05-08"), ("12/11/1980", "1980-12-11"),
    ])
    func dateIsStoredAsISO(given: String, stored: String) {
        #expect(DateOfBirth.normalise(given, today: today) == .accepted(stored))
        #expect(DateOfBirth.normalise(given, today: fixedToday) == .accepted(stored))
    }

    @Test func emptyIsAcceptedAsNothing() {
        #expect(DateOfBirth.normalise("", today: today) == .accepted(nil))
    }

    @Test(arguments: ["8/15/91", "08/15/91", "1/1/00", "12/18/62", "8/15/991", "8/15/19910", "08-05-91", "8-5-91", "91-08-15"])
    func yearWithoutFourDigitsIsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "full year")
    }

    @Test(arguments: ["15/08/1991", "31/12/1990", "13/1/2000", "25/12/1975"])
    func dayFirstDateIsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "month first")
    }

    @Test(arguments: ["2/30/2000", "2/29/1900", "2/29/2023", "4/31/1990", "13/13/1990", "0/15/1991", "8/0/1991",
                      "8/32/1991", "1991-02-30", "1991-13-01", "1991-00-10", "1991-15-08"])
    func impossibleCalendarDateIsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "real calendar date")
    }

    @Test(arguments: ["11/26/2026", "12/1/2026", "2027-01-01", "1/1/2100", "2026-11-26"])
    func futureDateIsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "future")
    }

    @Test(arguments: ["12/31/1899", "1899-12-31", "1/1/1066", "0991-08-15"])
    func dateBefore1900IsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "before 1900")
    }

    @Test(arguments: [
        "Aug 15, 1991", "15 August 1991", "19910815", "1991/08/15", "15-08-1991", "08-15-1991", "08.15.1991",
        "8/16", "8/15/1991/2", "8//1991", "/8/15/1991", "1991-08", "1991-08-15T00:00:00", "8/15/1991 0:00",
        "1991-008-15", "٨/١٥/١٩٩١", "unknown", "8/1a/1991", "+8/15/1991", "1991-08-1 5",
    ])
    func anythingElseIsInvalid(date: String) {
        fieldsExpectInvalid(DateOfBirth.normalise(date, today: today), date, "not a date")
    }

    // MARK: Day

    @Test func dayFormatsAndParses() {
        let day = DateOfBirth.Day(year: 1991, month: 8, day: 5)
        #expect(day.iso == "1991-08-05")
        #expect(day.us == "08/05/1991")
        #expect(DateOfBirth.day(iso: "1991-08-05") == day)
        #expect(DateOfBirth.day(iso: "not a date") == nil)
        // Export writes `us`; it reads back as the same date.
        #expect(DateOfBirth.normalise(day.us, today: today) == .accepted(day.iso))
    }

    @Test func dayOrdering() {
        let a = DateOfBirth.Day(year: 1991, month: 8, day: 15)
        #expect(a < DateOfBirth.Day(year: 1991, month: 8, day: 16))
        #expect(a < DateOfBirth.Day(year: 1991, month: 9, day: 1))
        #expect(a < DateOfBirth.Day(year: 1992, month: 1, day: 1))
        #expect(!(a < a))
    }

    // MARK: third-party vectors

    @Test(.enabled(if: fieldsHasTestdata("messy_excel_cp1252_manifest.csv"), "needs testdata messy_excel_cp1252_manifest.csv"))
    func messyExcelDates() throws {
        let (_, rows) = try fieldsCSV("messy_excel_cp1252_manifest.csv")
        let usDates = rows.filter { $0[2] == "excel_us_date" }
        #expect(usDates.count >= 20)
        for row in usDates {
            #expect(DateOfBirth.normalise(fieldsTrim(row[3]), today: fixedToday) == .accepted(row[4]), "manifest row \(row[0])")
        }
        let twoDigit = rows.filter { $0[2] == "excel_us_date_2digit_year" }
        #expect(twoDigit.count >= 5)
        for row in twoDigit {
            // The century is a guess (62 → 1962 or 2062?): Invalid, never guessed.
            fieldsExpectInvalid(DateOfBirth.normalise(fieldsTrim(row[3]), today: fixedToday), row[3], "full year")
        }
    }

    /// Splitting and reading numbers from bytes changed no outcome: every date-like cell
    /// built from digits, signs, separators, combining marks and other digits gets what
    /// the rule as first written (Characters, `Int(_:)`) gives.
    @Test func byteSplitAndNumbersAgreeWithTheRuleAsFirstWritten() {
        func reference(_ trimmed: String) -> FieldOutcome {
            func number(_ s: Substring) -> Int? {
                guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(s)
            }
            if trimmed.isEmpty { return .accepted(nil) }
            let parsed: DateOfBirth.Day
            if trimmed.utf8.contains(UInt8(ascii: "-")) {
                let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
                if parts.count == 3, parts.allSatisfy({ (1...2).contains($0.count) && number($0) != nil }) {
                    return .invalid("has a \(parts[2].count)-digit year; write the full year, as mm/dd/yyyy (08/15/1991)")
                }
                guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
                      let y = number(parts[0]), let m = number(parts[1]), let d = number(parts[2]) else {
                    return .invalid("is not a date; write it as mm/dd/yyyy (08/15/1991) or yyyy-mm-dd")
                }
                parsed = DateOfBirth.Day(year: y, month: m, day: d)
            } else if trimmed.utf8.contains(UInt8(ascii: "/")) {
                let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 3, let m = number(parts[0]), let d = number(parts[1]), let y = number(parts[2]),
                      (1...2).contains(parts[0].count), (1...2).contains(parts[1].count) else {
                    return .invalid("is not a date; write it as mm/dd/yyyy (08/15/1991)")
                }
                if parts[2].count != 4 {
                    return .invalid("has a \(parts[2].count)-digit year; write the full year, as mm/dd/yyyy (08/15/1991)")
                }
                if m > 12 && d <= 12 {
                    return .invalid("reads as day first; dates are month first: write mm/dd/yyyy (08/15/1991)")
                }
                parsed = DateOfBirth.Day(year: y, month: m, day: d)
            } else {
                return .invalid("is not a date; write it as mm/dd/yyyy (08/15/1991) or yyyy-mm-dd")
            }
            guard (1...12).contains(parsed.month), parsed.day >= 1, parsed.day <= (parsed.month == 2 ? ((parsed.year % 4 == 0 && parsed.year % 100 != 0) || parsed.year % 400 == 0 ? 29 : 28) : [4, 6, 9, 11].contains(parsed.month) ? 30 : 31) else {
                return .invalid("is not a real calendar date; check the month and day (mm/dd/yyyy)")
            }
            if parsed.year < 1900 { return .invalid("is before 1900; check the year") }
            if parsed > today { return .invalid("is in the future; check the year") }
            return .accepted(parsed.iso)
        }
        func shortReference(_ cell: String, of stored: String) -> Bool {
            let parts = cell.split(separator: cell.contains("-") ? "-" : "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[2].count == 2, let day = DateOfBirth.day(iso: stored),
                  let m = Int(parts[0]), let d = Int(parts[1]), let yy = Int(parts[2]) else { return false }
            return m == day.month && d == day.day && yy == day.year % 100
        }
        let pieces = ["1", "12", "08", "2026", "1991", "0", "31", "29", "62", "3", "+1", "-", "/", "/", "/", " ", "١", "１",
                      "\u{301}", "99999999999999999999", "0000000001990", "x", "é"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let cell = (0..<Int.random(in: 1...7, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(DateOfBirth.normalise(cell, today: today) == reference(cell), "\(cell.debugDescription)")
            #expect(DateOfBirth.isShortForm(cell, of: "1962-03-01") == shortReference(cell, of: "1962-03-01"), "\(cell.debugDescription)")
        }
        #expect(DateOfBirth.isShortForm("3/1/62", of: "1962-03-01") && DateOfBirth.isShortForm("03-01-62", of: "1962-03-01"))
        #expect(!DateOfBirth.isShortForm("03-01-63", of: "1962-03-01"))
        // A stored date read back for export: split as bytes, as splitting Characters gave.
        func dayReference(_ iso: String) -> DateOfBirth.Day? {
            let p = iso.split(separator: "-")
            guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
                  p.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
            return DateOfBirth.Day(year: y, month: m, day: d)
        }
        for _ in 0..<20_000 {
            let iso = (0..<Int.random(in: 1...6, using: &rng)).map { _ in (pieces + ["-", "-", "-"]).randomElement(using: &rng)! }.joined()
            #expect(DateOfBirth.day(iso: iso) == dayReference(iso), "\(iso.debugDescription)")
        }
    }

    /// Days are written from bytes exactly as the padding writer wrote them, for every
    /// value from -1 to 10,000 in each place.
    @Test func daysAreWrittenAsThePaddingWriterWroteThem() {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        for value in [-1, 0, 1, 9, 10, 12, 31, 99, 100, 999, 1900, 1991, 2026, 9999, 10_000] {
            for other in [1, 12, 2026] {
                let day = DateOfBirth.Day(year: value, month: other % 100, day: other % 100)
                #expect(day.iso == pad(value, 4) + "-" + pad(other % 100, 2) + "-" + pad(other % 100, 2))
                let day2 = DateOfBirth.Day(year: other, month: value, day: value)
                #expect(day2.us == pad(value, 2) + "/" + pad(value, 2) + "/" + pad(other, 4))
                #expect(day2.iso == pad(other, 4) + "-" + pad(value, 2) + "-" + pad(value, 2))
            }
        }
    }

    /// The one-pass byte rule must answer what the rule over Substrings answers, on
    /// generated cells of digits, separators, every ASCII byte and non-ASCII digits and marks.
    @Test func byteDateRuleAgreesWithTheFullRule() {
        let today = DateOfBirth.Day(year: 2026, month: 3, day: 15)
        let parts = ["1", "12", "08", "2026", "1991", "1899", "0", "00", "31", "29", "02", "13", "62", "/", "/", "-", "-",
                     "99999999999999999999", "0000000001990", "١", "１", "\u{301}", "3/15/2026", "2026-03-16", "2/29/2000", "2/29/1900"]
        var generator = FieldsTextGenerator(seed: 0xd0b, pieces: parts + parts + parts)
        for i in 0..<100_000 {
            let cell = generator.text(6, asciiOnly: i % 4 != 0)
            #expect(DateOfBirth.normalise(cell, today: today) == DateOfBirth.fullNormalise(cell, today: today),
                    "seed \(generator.seed): \(cell.debugDescription)")
        }
    }
}
