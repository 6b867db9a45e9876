/// Date Of Birth (SPEC 3): `m/d/yyyy`, `mm/dd/yyyy` or `yyyy-mm-dd`; a real date from 1900
/// to today; stored `yyyy-mm-dd`. `today` is passed in: field rules never read the clock.
public enum DateOfBirth {
    public struct Day: Equatable, Comparable, Sendable {
        public let year: Int, month: Int, day: Int
        public init(year: Int, month: Int, day: Int) { (self.year, self.month, self.day) = (year, month, day) }
        public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
        public var iso: String { Self.format(year, UInt8(ascii: "-"), month, UInt8(ascii: "-"), day, widths: (4, 2, 2)) }
        public var us: String { Self.format(month, UInt8(ascii: "/"), day, UInt8(ascii: "/"), year, widths: (2, 2, 4)) }

        /// Three zero-padded numbers and two separators, from bytes when each number fits
        /// its width (always, for a real date); export writes one per contact.
        static func format(_ a: Int, _ s1: UInt8, _ b: Int, _ s2: UInt8, _ c: Int, widths: (Int, Int, Int)) -> String {
            func fits(_ value: Int, _ width: Int) -> Bool { value >= 0 && value < (width == 2 ? 100 : 10_000) }
            guard fits(a, widths.0), fits(b, widths.1), fits(c, widths.2) else {
                return pad(a, widths.0) + String(UnicodeScalar(s1)) + pad(b, widths.1) + String(UnicodeScalar(s2)) + pad(c, widths.2)
            }
            return String(unsafeUninitializedCapacity: widths.0 + widths.1 + widths.2 + 2) { out in
                var i = 0
                func put(_ value: Int, _ width: Int) {
                    var v = value
                    for k in stride(from: width - 1, through: 0, by: -1) { out[i + k] = UInt8(48 + v % 10); v /= 10 }
                    i += width
                }
                put(a, widths.0); out[i] = s1; i += 1
                put(b, widths.1); out[i] = s2; i += 1
                put(c, widths.2)
                return i
            }
        }
        static func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
    }

    public static func normalise(_ trimmed: String, today: Day) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        let read: FieldOutcome? = trimmed.utf8.withContiguousStorageIfAvailable { normalise(bytes: $0, today: today) }
        return read ?? fullNormalise(trimmed, today: today)
    }

    static let notADate = "is not a date; write it as mm/dd/yyyy (08/15/1991) or yyyy-mm-dd"
    static let notAUSDate = "is not a date; write it as mm/dd/yyyy (08/15/1991)"
    static let dayFirst = "reads as day first; dates are month first: write mm/dd/yyyy (08/15/1991)"
    static func shortYear(_ digits: Int) -> String {
        "has a \(digits)-digit year; write the full year, as mm/dd/yyyy (08/15/1991)"
    }

    /// `fullNormalise` from the bytes, in one pass and without making parts: the parts at
    /// the separator, the first three read as runs of ASCII digits (nil when anything else,
    /// empty or too large, as `number` reads them) with their byte counts. A count only
    /// matters once all three parts are numbers, and then bytes are Characters. Splitting
    /// into Substrings was half of the rule's time. Held to `fullNormalise` by
    /// `byteDateRuleAgreesWithTheFullRule`.
    static func normalise(bytes: UnsafeBufferPointer<UInt8>, today: Day) -> FieldOutcome {
        let dash = bytes.contains(UInt8(ascii: "-"))
        guard dash || bytes.contains(UInt8(ascii: "/")) else { return .invalid(notADate) }
        let separator = dash ? UInt8(ascii: "-") : UInt8(ascii: "/")
        var parts = 0
        var numbers: (Int?, Int?, Int?) = (nil, nil, nil), counts = (0, 0, 0)
        var value = 0, count = 0, isNumber = true
        func endPart() {
            let number = isNumber && count > 0 ? value : nil
            switch parts {
            case 0: (numbers.0, counts.0) = (number, count)
            case 1: (numbers.1, counts.1) = (number, count)
            case 2: (numbers.2, counts.2) = (number, count)
            default: break
            }
            parts += 1
            value = 0; count = 0; isNumber = true
        }
        for byte in bytes {
            if byte == separator { endPart(); continue }
            count += 1
            guard isNumber else { continue }
            if byte &- UInt8(ascii: "0") < 10 {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
                if o1 || o2 { isNumber = false } else { value = sum }
            } else {
                isNumber = false
            }
        }
        endPart()
        let parsed: Day
        if dash {
            // `08-05-91`, as spreadsheets write a short date: the two-digit year is the problem.
            if parts == 3, numbers.0 != nil, numbers.1 != nil, numbers.2 != nil, (1...2).contains(counts.0),
               (1...2).contains(counts.1), (1...2).contains(counts.2) {
                return .invalid(shortYear(counts.2))
            }
            guard parts == 3, counts.0 == 4, (1...2).contains(counts.1), (1...2).contains(counts.2),
                  let y = numbers.0, let m = numbers.1, let d = numbers.2 else { return .invalid(notADate) }
            parsed = Day(year: y, month: m, day: d)
        } else {
            guard parts == 3, let m = numbers.0, let d = numbers.1, let y = numbers.2,
                  (1...2).contains(counts.0), (1...2).contains(counts.1) else { return .invalid(notAUSDate) }
            if counts.2 != 4 { return .invalid(shortYear(counts.2)) }
            if m > 12 && d <= 12 { return .invalid(dayFirst) }
            parsed = Day(year: y, month: m, day: d)
        }
        return check(parsed, today: today)
    }

    /// The rule over Characters and Substrings: the reference the byte rule is held to.
    static func fullNormalise(_ trimmed: String, today: Day) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        let parsed: Day
        if trimmed.utf8.contains(UInt8(ascii: "-")) {
            let parts = fields(trimmed, "-")
            if parts.count == 3, parts.allSatisfy({ (1...2).contains($0.count) && number($0) != nil }) {
                return .invalid(shortYear(parts[2].count))
            }
            guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
                  let y = number(parts[0]), let m = number(parts[1]), let d = number(parts[2]) else {
                return .invalid(notADate)
            }
            parsed = Day(year: y, month: m, day: d)
        } else if trimmed.utf8.contains(UInt8(ascii: "/")) {
            let parts = fields(trimmed, "/")
            guard parts.count == 3, let m = number(parts[0]), let d = number(parts[1]), let y = number(parts[2]),
                  (1...2).contains(parts[0].count), (1...2).contains(parts[1].count) else {
                return .invalid(notAUSDate)
            }
            if parts[2].count != 4 {
                return .invalid(shortYear(parts[2].count))
            }
            if m > 12 && d <= 12 {
                return .invalid(dayFirst)
            }
            parsed = Day(year: y, month: m, day: d)
        } else {
            return .invalid(notADate)
        }
        return check(parsed, today: today)
    }

    /// A parsed date's last checks: a real day, from 1900, not after today.
    private static func check(_ parsed: Day, today: Day) -> FieldOutcome {
        guard (1...12).contains(parsed.month), parsed.day >= 1, parsed.day <= daysIn(parsed.month, parsed.year) else {
            return .invalid("is not a real calendar date; check the month and day (mm/dd/yyyy)")
        }
        if parsed.year < 1900 { return .invalid("is before 1900; check the year") }
        if parsed > today { return .invalid("is in the future; check the year") }
        return .accepted(parsed.iso)
    }

    /// Whether `cell` is `m/d/yy` for the stored `yyyy-mm-dd` (how spreadsheets show dates).
    public static func isShortForm(_ cell: String, of stored: String) -> Bool {
        // With slashes or with dashes, as spreadsheets show a short date (`11/26/09`, `11-26-09`).
        let parts = fields(cell, cell.utf8.contains(UInt8(ascii: "-")) ? "-" : "/")
        guard parts.count == 3, parts[2].count == 2, let day = day(iso: stored),
              let m = Int(parts[0]), let d = Int(parts[1]), let yy = Int(parts[2]) else { return false }
        return m == day.month && d == day.day && yy == day.year % 100
    }

    /// The day a stored `yyyy-mm-dd` names.
    public static func day(iso: String) -> Day? { day(isoBytes: iso.utf8) }

    static func day<Bytes: Sequence>(isoBytes: Bytes) -> Day? where Bytes.Element == UInt8 {
        // Read from the bytes in one pass, with no parts made (export reads one per contact):
        // three runs of ASCII digits between hyphens, empty runs skipped as splitting the
        // Characters at "-" skipped them; any other byte, a fourth run or an overflow is nil.
        var numbers = (0, 0, 0), count = 0, value = 0, inRun = false
        func endRun() {
            switch count { case 0: numbers.0 = value; case 1: numbers.1 = value; default: numbers.2 = value }
            count += 1
            inRun = false
        }
        for byte in isoBytes {
            if byte == UInt8(ascii: "-") {
                if inRun { endRun() }
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), inRun || count < 3 else { return nil }
            if !inRun { inRun = true; value = 0 }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
        }
        if inRun { endRun() }
        guard count == 3 else { return nil }
        return Day(year: numbers.0, month: numbers.1, day: numbers.2)
    }

    /// `s` split at `separator`, empty fields kept: split as bytes (an ASCII separator is
    /// never inside a multi-byte character), which is what splitting the Characters gave,
    /// without walking them (the split was 5 % of a merge). Counts of the parts are then
    /// bytes, which only differ from characters for parts that are not ASCII digits, and
    /// those are not numbers either way.
    static func fields(_ s: String, _ separator: Unicode.Scalar) -> [Substring] {
        s.utf8.split(separator: UInt8(separator.value), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// The value of a run of ASCII digits; nil for anything else. From the bytes: the
    /// Character walk (`isNumber`) was a third of the date rule's time.
    private static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty else { return nil }
        var value = 0
        for byte in s.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }   // as Int(_:) does
            value = sum
        }
        return value
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

import Foundation
