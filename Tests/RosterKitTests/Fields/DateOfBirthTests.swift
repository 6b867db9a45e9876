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

    @Test(arguments: ["8/15/91", "08/15/91", "1/1/00", "12/18/62", "8/15/991", "8/15/19910"])
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
        "91-08-15", "1991-008-15", "٨/١٥/١٩٩١", "unknown", "8/1a/1991", "+8/15/1991", "1991-08-1 5",
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

    /// Reading the numbers from bytes changed no outcome: every date-like cell built from
    /// digits, signs, spaces and separators gets what a reference reading with `Int(_:)`
    /// and `Character.isNumber` gives.
    @Test func byteNumbersAgreeWithAReferenceReading() {
        func reference(_ s: String) -> FieldOutcome {
            func number(_ s: Substring) -> Int? {
                guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(s)
            }
            // The rule under test, with the old number reading swapped in.
            return DateOfBirth.normalise(s, today: today, number: number)
        }
        let pieces = ["1", "12", "08", "2026", "1991", "0", "31", "29", "+1", "-", "/", " ", "١", "１", "99999999999999999999", "0000000001990", "x"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let cell = (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(DateOfBirth.normalise(cell, today: today) == reference(cell), "\(cell)")
        }
    }
}
