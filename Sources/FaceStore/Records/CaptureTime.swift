import Foundation

/// When a photo or video was taken, as its file says (EXIF `DateTimeOriginal`, a movie's `mvhd`).
///
/// How a time without a zone is kept: EXIF's `DateTimeOriginal` is the camera's wall clock with no
/// zone; only newer cameras add `OffsetTimeOriginal`. Reading such a time in the zone of whatever
/// machine runs `frs add` would shift every photo of a trip by the difference, and the same file would
/// get different times on two machines. So a time without an offset is kept as the wall-clock time the
/// camera showed, stored in the UTC timestamp column as if it were UTC, with `utcOffsetMinutes` nil as
/// the flag that says so; it is shown and exported without a zone ("2019-07-14T15:30:00"). With an
/// offset, `date` is the true instant and the offset is kept, so the camera's wall clock is shown.
public struct CaptureTime: Sendable, Equatable, Hashable {
    /// The instant when `utcOffsetMinutes` is known; otherwise the camera's wall-clock time read as UTC.
    public var date: Date
    /// Minutes east of UTC of the place (the camera's clock) it was taken; nil when the file does not say.
    public var utcOffsetMinutes: Int?

    /// nil when the offset is not one used on Earth or the wall-clock year is outside 1...9999
    /// (no calendar day to compare or show).
    public init?(date: Date, utcOffsetMinutes: Int?) {
        guard utcOffsetMinutes.map(Self.offsetRange.contains) ?? true else { return nil }
        let seconds = date.timeIntervalSince1970 + Double((utcOffsetMinutes ?? 0) * 60)
        guard seconds.isFinite, seconds >= Self.firstSecond, seconds < Self.endSecond else { return nil }
        // Whole seconds: EXIF and mvhd have no more, and every database then stores it exactly.
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// The camera's wall clock (year 1...9999) to a capture time; nil for fields that name no real
    /// moment (month 13, February 30th, 25 o'clock).
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, utcOffsetMinutes: Int?) {
        guard CalendarDay(year: year, month: month, day: day) != nil, (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second),
              let wall = CalendarDay.utc.date(from: DateComponents(year: year, month: month, day: day, hour: hour,
                                                                   minute: minute, second: min(second, 59)))
        else { return nil }
        self.init(date: wall.addingTimeInterval(-Double((utcOffsetMinutes ?? 0) * 60)), utcOffsetMinutes: utcOffsetMinutes)
    }

    /// 0001-01-01T00:00:00 and 10000-01-01T00:00:00 as seconds since 1970.
    private static let firstSecond: Double = -62_135_596_800
    private static let endSecond: Double = 253_402_300_800

    /// The camera's wall-clock time as calendar fields (in UTC arithmetic, so no machine zone enters).
    public var wallClock: DateComponents {
        let shifted = date.addingTimeInterval(Double((utcOffsetMinutes ?? 0) * 60))
        return CalendarDay.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: shifted)
    }

    /// The day it was taken where it was taken: what a birth date is compared with.
    public var localDay: CalendarDay {
        let c = wallClock
        return CalendarDay(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// ISO 8601: "2019-07-14T15:30:00+02:00" with a known offset, "2019-07-14T15:30:00" (a local time,
    /// zone unknown) without.
    public var iso8601: String {
        let c = wallClock
        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        guard let offset = utcOffsetMinutes else { return text }
        if offset == 0 { return text + "Z" }
        let sign = offset < 0 ? "-" : "+"
        return text + String(format: "%@%02d:%02d", sign, abs(offset) / 60, abs(offset) % 60)
    }

    /// Offsets on Earth run from UTC-12:00 to UTC+14:00.
    public static let offsetRange = -12 * 60 ... 14 * 60
}

/// A calendar day without a time or zone: a person's birth date.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil for a day that does not exist (February 30th, month 13, year 0).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var components = DateComponents(year: year, month: month, day: day)
        components.hour = 12
        guard let date = Self.utc.date(from: components) else { return nil }
        let back = Self.utc.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Exactly "YYYY-MM-DD" (ISO 8601's calendar date); nil for anything else or a day that does not exist.
    public init?(iso8601 text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The UTC day of an instant (a `DATE` column read back by a driver as midnight UTC).
    public init(utcDayOf date: Date) {
        let c = Self.utc.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Today where this machine is: a birth date after it has not happened yet.
    public static func today(in zone: TimeZone = .current) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDay(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Midnight UTC of the day, for drivers that bind dates as instants.
    public var utcMidnight: Date {
        Self.utc.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// The birth-date rule: a face from a photo taken before a person was born is not that person.
public enum BirthDateRule {
    /// Whether a face from a photo taken at `captured` may belong to a person born on `birthDate`.
    /// The photo's day where it was taken is compared with the birth day, so a photo from the day of
    /// the birth is allowed. When either is unknown nothing is ruled out.
    public static func allows(captured: CaptureTime?, birthDate: CalendarDay?) -> Bool {
        guard let captured, let birthDate else { return true }
        return captured.localDay >= birthDate
    }
}
