import Foundation

/// Time, passed in rather than read inside the domain (no global state; tests fix it).
public struct Clock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    public static let system = Clock()

    /// ISO 8601 UTC with seconds: what the database and history store.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Today's date in the local time zone, for "not in the future" (SPEC 3).
    public static func today(_ date: Date) -> DateOfBirth.Day {
        var t = time_t(Int64(date.timeIntervalSince1970.rounded(.down)))
        var parts = tm()
        localtime_r(&t, &parts)
        return DateOfBirth.Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }

    /// A stored timestamp (ISO 8601 UTC) as a person reads it: local time to the minute,
    /// "2026-11-25 14:48", in the zone `TZ` names (the system's by default). Anything
    /// else is shown as stored.
    public static func local(_ stored: String) -> String {
        guard let seconds = seconds(stored) else { return stored }
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }

    /// The local zone's abbreviation now ("EST", "UTC"), for a column's heading.
    public static var localZoneName: String {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return parts.tm_zone.map { String(cString: $0) } ?? "local"
    }

    /// Seconds since 1970 of "YYYY-MM-DDTHH:MM:SSZ".
    static func seconds(_ stored: String) -> Int? {
        let digits = stored.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard stored.hasSuffix("Z"), digits.count == 6 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(digits[0] - 1900)
        parts.tm_mon = Int32(digits[1] - 1)
        parts.tm_mday = Int32(digits[2])
        parts.tm_hour = Int32(digits[3])
        parts.tm_min = Int32(digits[4])
        parts.tm_sec = Int32(digits[5])
        return Int(timegm(&parts))
    }
}
