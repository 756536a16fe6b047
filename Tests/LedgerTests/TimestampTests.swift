import Foundation
import TestSupport
import Testing

@testable import Ledger

@Suite("Timestamps")
struct TimestampTests {
    /// Known moments and their stored text, worked out by counting days by hand.
    static let known: [(milliseconds: Int64, text: String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        // 2024 - 1970 = 54 years with 13 leap days (1972 ... 2020): 19_723 days; then
        // January (31) and February 1-28 (28): 19_782 days; plus a day less 1 ms.
        (19_782 * 86_400_000 + 86_399_999, "2024-02-29T23:59:59.999Z"),
        (1_709_251_200_000, "2024-03-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-1_000, "1969-12-31T23:59:59.000Z"),
        (-999, "1969-12-31T23:59:59.001Z"),
        // 1900 - 1970: 70 years with 17 leap days (1904 ... 1968).
        (-(70 * 365 + 17) * 86_400_000, "1900-01-01T00:00:00.000Z"),
        // 2000 is a leap year: 30 years with 7 leap days (1972 ... 1996), then 31 + 28 days.
        ((30 * 365 + 7 + 59) * 86_400_000 + 12 * 3_600_000, "2000-02-29T12:00:00.000Z"),
        (Timestamp.earliest, "0000-01-01T00:00:00.000Z"),
        (Timestamp.latest, "9999-12-31T23:59:59.999Z"),
    ]

    @Test("a timestamp's description is the stored form, and the stored form reads back to the same moment")
    func storedFormRoundTrip() {
        for (milliseconds, text) in Self.known {
            let timestamp = Timestamp(millisecondsSince1970: milliseconds)
            #expect(timestamp.description == text)
            #expect("\(timestamp)" == text)
            #expect(Timestamp(text) == timestamp, "\(text)")
            #expect(Timestamp(text)?.millisecondsSince1970 == milliseconds, "\(text)")
        }
    }

    @Test("timestamps order as time does, and as their stored text sorts")
    func ordering() throws {
        let timestamps = Self.known.map { Timestamp(millisecondsSince1970: $0.milliseconds) }
        let sorted = timestamps.sorted()
        #expect(sorted.map(\.millisecondsSince1970) == Self.known.map(\.milliseconds).sorted())
        #expect(sorted.map(\.description) == Self.known.map(\.text).sorted())
        let earlier = try #require(Timestamp("2026-11-25T09:12:03.122Z"))
        let later = try #require(Timestamp("2026-11-25T09:12:03.123Z"))
        #expect(earlier < later)
        #expect(!(later < earlier))
        #expect(max(earlier, later) == later)
        #expect(Set([earlier, later, Timestamp(millisecondsSince1970: later.millisecondsSince1970)]).count == 2)
    }

    @Test(
        "text other than the stored form is refused",
        arguments: [
            "", "yesterday", "2026-11-25", "2026-11-25 09:12:03", "2026-11-25T09:12:03Z", "2026-11-25T09:12:03.12Z",
            "2026-11-25T09:12:03.1234Z", "2026-11-25T09:12:03.123", "2026-11-25T09:12:03.123+00:00",
            "2026-11-25t09:12:03.123Z", "2026-11-25T09:12:03.123z", " 2026-11-25T09:12:03.123Z",
            "2026-11-25T09:12:03,123Z", "2026/11/25T09:12:03.123Z", "+026-11-25T09:12:03.123Z",
            "2026-1a-25T09:12:03.123Z", "2026-00-25T09:12:03.123Z", "2026-13-01T00:00:00.000Z",
            "2026-11-00T00:00:00.000Z", "2026-11-31T00:00:00.000Z", "2023-02-29T00:00:00.000Z",
            "1900-02-29T00:00:00.000Z", "2026-11-25T24:00:00.000Z", "2026-11-25T09:60:00.000Z",
            "2026-11-25T09:12:60.000Z", "２026-11-25T09:12:03.123Z",
        ])
    func malformedTextIsRefused(text: String) {
        #expect(Timestamp(text) == nil)
    }

    @Test("a date becomes the millisecond holding it, truncated toward the past")
    func dateTruncation() {
        #expect(Timestamp(Date(timeIntervalSince1970: 1.2349)).millisecondsSince1970 == 1_234)
        #expect(Timestamp(Date(timeIntervalSince1970: 1.9999)).millisecondsSince1970 == 1_999)
        #expect(Timestamp(Date(timeIntervalSince1970: -0.0001)).millisecondsSince1970 == -1)
        #expect(Timestamp(Date(timeIntervalSince1970: -1.0005)).millisecondsSince1970 == -1_001)
        #expect(Timestamp(Date(timeIntervalSince1970: 1_795_597_923.1237)).description == "2026-11-25T09:12:03.123Z")
        let date = Date()
        #expect(Timestamp(date).date <= date)
        #expect(date.timeIntervalSince(Timestamp(date).date) < 0.001)
    }

    @Test("a timestamp's date converts back to the same timestamp")
    func dateRoundTrip() {
        // Most millisecond fractions have no exact binary form: each must still come back.
        let samples: [Int64] =
            Array(-2_000...2_000) + Array(1_795_597_923_000...1_795_597_924_000)
            + Self.known.map(\.milliseconds)
        for milliseconds in samples {
            let timestamp = Timestamp(millisecondsSince1970: milliseconds)
            #expect(Timestamp(timestamp.date) == timestamp, "\(milliseconds)")
        }
        #expect(Timestamp(millisecondsSince1970: 1_500).date == Date(timeIntervalSince1970: 1.5))
    }

    @Test("now is the current time to the millisecond")
    func now() {
        let before = Timestamp(Date())
        let now = Timestamp.now()
        let after = Timestamp(Date())
        #expect(before <= now && now <= after)
    }

    @Test("a run's times come back as timestamps, in the order they happened")
    func timesAreTyped() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let before = Timestamp.now()
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .finished)
        let after = Timestamp.now()

        let detail = try ledger.run(named: "demo")
        let run = detail.summary
        #expect(before <= run.createdAt && run.createdAt <= run.updatedAt && run.updatedAt <= after)
        let segment = try #require(detail.segments.first)
        let ended = try #require(segment.endedAt)
        #expect(run.createdAt <= segment.startedAt && segment.startedAt <= ended && ended <= after)
        #expect(segment.heartbeatAt <= ended)
        #expect(detail.schedules.first?.createdAt == run.createdAt)
        let checkpoint = try #require(detail.latestCheckpoint)
        #expect(segment.startedAt <= checkpoint.createdAt && checkpoint.createdAt <= ended)
        #expect(detail.events.map(\.at) == detail.events.map(\.at).sorted())
        #expect(detail.events.first?.at == run.createdAt)
        // What the views show is the description.
        let stored = try sqlite3(directory.path(), "SELECT created_at, updated_at FROM runs").stdout
        #expect(stored == "\(run.createdAt)|\(run.updatedAt)\n")
    }

    @Test("a stored time edited by hand is refused by readers naming the run, the column and the text")
    func handEditedTimeRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .interrupted)
        try sqlite3(path, "UPDATE run SET created_at = 'yesterday'")

        for read in [{ _ = try ledger.run(named: "demo") }, { _ = try ledger.runs() }] as [() throws -> Void] {
            let error = #expect(throws: LedgerError.self) { try read() }
            #expect(error?.code == .corrupt)
            let message = error?.message ?? ""
            #expect(message.contains("run demo"), "\(message)")
            #expect(message.contains("run.created_at"), "\(message)")
            #expect(message.contains("'yesterday'"), "\(message)")
        }
        // The audit reads the history, not the times: it still runs.
        #expect(throws: Never.self) { try ledger.audit(run: "demo") }

        try sqlite3(
            path, "UPDATE run SET created_at = '2026-11-25T09:12:03.123Z'; UPDATE segment SET started_at = '2026-02-30'"
        )
        let segment = #expect(throws: LedgerError.self) { try ledger.run(named: "demo") }
        #expect(segment?.code == .corrupt)
        #expect(segment?.message.contains("segment.started_at '2026-02-30'") == true, "\(segment?.message ?? "")")
        #expect(try ledger.runs().first?.createdAt.description == "2026-11-25T09:12:03.123Z")
    }
}
