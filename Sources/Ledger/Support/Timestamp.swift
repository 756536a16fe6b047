import Foundation

/// A moment the ledger recorded: milliseconds since 1970 in UTC.
///
/// The ledger stores times as ISO-8601 text in UTC with milliseconds,
/// `2026-11-25T09:12:03.123Z`, which sorts in time order and reads well in sqlite3 and
/// psql; `description` is exactly that text, and `init?(_:)` reads it back. Compare
/// timestamps directly, or convert them to a `Date` for formatting and arithmetic.
///
/// ```swift
/// let run = try ledger.run(named: "demo")
/// let age = Date().timeIntervalSince(run.summary.createdAt.date)
/// print("created \(run.summary.createdAt), \(Int(age)) s ago")
/// let sinceMonday = run.events.filter { $0.at >= Timestamp("2026-11-23T00:00:00.000Z")! }
/// ```
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00.000Z; negative before it.
    public let millisecondsSince1970: Int64

    /// A timestamp from milliseconds since 1970-01-01T00:00:00.000Z.
    ///
    /// - parameter millisecondsSince1970: the moment; negative before 1970. Its
    ///   `description` is the stored form for years 0000 through 9999.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// The millisecond holding `date`: its time truncated toward the past, so
    /// `Timestamp(t.date) == t` and `Timestamp(d).date <= d`.
    ///
    /// - parameter date: the moment; one outside the years 0000 through 9999 is clamped
    ///   to that range (a non-finite one to 1970).
    public init(_ date: Date) {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard scaled.isFinite else {
            self.init(millisecondsSince1970: 0)
            return
        }
        var milliseconds = Int64(min(max(scaled, Double(Self.earliest)), Double(Self.latest)))
        // The product can be off by one in the last place: settle on the largest
        // millisecond whose `date` is not after `date`, so the conversions round-trip.
        while milliseconds < Self.latest, Timestamp(millisecondsSince1970: milliseconds + 1).date <= date {
            milliseconds += 1
        }
        while milliseconds > Self.earliest, Timestamp(millisecondsSince1970: milliseconds).date > date {
            milliseconds -= 1
        }
        self.init(millisecondsSince1970: milliseconds)
    }

    /// Parses the stored form, `YYYY-MM-DDTHH:MM:SS.mmmZ`, and nothing else: no other
    /// time zone, precision or separator, and no impossible date such as February 30.
    ///
    /// ```swift
    /// Timestamp("2026-11-25T09:12:03.123Z")?.millisecondsSince1970  // 1795597923123
    /// Timestamp("2026-11-25 09:12:03")  // nil
    /// ```
    ///
    /// - parameter text: the stored text.
    public init?(_ text: String) {
        guard let milliseconds = Self.milliseconds(parsing: text) else { return nil }
        self.init(millisecondsSince1970: milliseconds)
    }

    /// The current time, from the system's real-time clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSince1970: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// The moment as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
    }

    /// The stored form: `2026-11-25T09:12:03.123Z`.
    public var description: String {
        Self.string(milliseconds: millisecondsSince1970)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the range of the stored form.
    static let earliest: Int64 = -62_167_219_200_000
    static let latest: Int64 = 253_402_300_799_999

    // MARK: - Stored text

    /// A time a store read back, or `.corrupt` naming the run, the column and the text
    /// when it is not in the stored form (the database was edited by hand).
    ///
    /// - parameter text: the stored text.
    /// - parameter run: the run's name, for the message.
    /// - parameter column: the table and column, such as `run.created_at`.
    static func stored(_ text: String, run: String, column: String) throws -> Timestamp {
        guard let milliseconds = milliseconds(parsing: text) else {
            throw LedgerError(
                .corrupt,
                "run \(run) has \(column) '\(text)', not a time such as 2026-11-25T09:12:03.123Z; it was edited outside lrledger: correct it or restore the database from a backup"
            )
        }
        return Timestamp(millisecondsSince1970: milliseconds)
    }

    /// Formats milliseconds since 1970 as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func string(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let wholeSeconds = millis < 0 ? seconds - 1 : seconds
        let fraction = millis < 0 ? millis + 1000 : millis
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
            + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(Int(fraction), 3) + "Z"
    }

    /// Parses the stored form back to milliseconds since 1970; nil for any other text,
    /// including fields out of range (month 13, February 30, hour 24, second 60).
    static func milliseconds(parsing text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millis = number(20..<23),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Int64(seconds) * 1000 + Int64(millis)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 4, 6, 9, 11: return 30
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        default: return 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
