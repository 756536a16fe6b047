import Foundation
import GRDB
import Schedules

/// Writes one imported run inside the import's transaction, a record at a time: the rows,
/// the canonical history and the inferred segments.
struct ImportWriter {
    private let db: Database
    private let runID: Int64
    private let name: String
    private let now: String
    private let insertRow: Statement
    private let insertRate: Statement
    private(set) var rows: Int64 = 0
    private var segments = 0
    /// The open segment: its first and last step, and first and last wall time.
    private var first: Int64 = 0
    private var last: Int64 = -1
    private var firstWall: Double?
    private var lastWall: Double?

    init(_ db: Database, name: String, schedule: any LearningRateSchedule, now: String) throws {
        self.db = db
        self.name = name
        self.now = now
        try db.execute(
            sql: """
                INSERT INTO run (name, status, step, target_steps, settings, created_at, updated_at)
                VALUES (?, 'finished', 0, 0, '{}', ?, ?)
                """,
            arguments: [name, now, now])
        runID = db.lastInsertedRowID
        let config = schedule.canonicalJSON
        try db.execute(
            sql: """
                INSERT INTO schedule_version (run_id, from_step, config, dtype, sha256, created_at)
                VALUES (?, 0, ?, ?, ?, ?)
                """,
            arguments: [runID, config, schedule.dtype.rawValue, SHA256Hex.digest(config), now])
        insertRow = try db.makeStatement(
            sql: "INSERT INTO imported_row (run_id, seq, step, rate, wall_time) VALUES (?, ?, ?, ?, ?)")
        insertRate = try db.makeStatement(sql: "INSERT INTO rate_log (run_id, step, rate) VALUES (?, ?, ?)")
    }

    mutating func add(_ record: ImportedRecord) throws {
        guard record.step >= 0, record.rate.isFinite else {
            throw LedgerError(
                .invalidArgument, "record \(rows + 1) has step \(record.step) and rate \(record.rate): not importable")
        }
        if rows > 0, record.step <= last {
            try closeSegment(reason: "interrupted")
            try db.execute(
                sql: "DELETE FROM rate_log WHERE run_id = ? AND step >= ?", arguments: [runID, record.step])
        }
        if rows == 0 || record.step <= last {
            first = record.step
            firstWall = record.wallTime
        }
        try insertRow.execute(arguments: [runID, rows, record.step, record.rate, record.wallTime])
        try insertRate.execute(arguments: [runID, record.step, record.rate])
        last = record.step
        lastWall = record.wallTime
        rows += 1
    }

    mutating func finish(source: ImportSource) throws -> ImportSummary {
        guard rows > 0 else {
            throw LedgerError(.invalidArgument, "\(source.path) holds no \(source.series) value to import")
        }
        try closeSegment(reason: "finished")
        let step = last + 1
        try db.execute(
            sql: "UPDATE run SET step = ?, target_steps = ?, updated_at = ? WHERE id = ?",
            arguments: [step, step, now, runID])
        try db.execute(
            sql: """
                INSERT INTO imported_run (run_id, format, path, series, source_run, precision, row_count, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, source.format, source.path, source.series, source.sourceRun, source.precision.rawValue, rows,
                now,
            ])
        let canonical =
            try Int64.fetchOne(db, sql: "SELECT count(*) FROM rate_log WHERE run_id = ?", arguments: [runID]) ?? 0
        let restarts = segments - 1
        try db.execute(
            sql: "INSERT INTO run_event (run_id, segment_id, at, kind, step, message) VALUES (?, NULL, ?, ?, ?, ?)",
            arguments: [
                runID, now, "imported", step,
                "imported \(rows) values from \(source.summary) (\(source.precision.rawValue)); \(restarts) restart\(restarts == 1 ? "" : "s") inferred where the step went back or repeated",
            ])
        return ImportSummary(
            run: name, rows: rows, canonicalRows: canonical, segments: segments, step: step,
            precision: source.precision)
    }

    private mutating func closeSegment(reason: String) throws {
        let started = firstWall.map(Self.time) ?? now
        let ended = lastWall.map(Self.time) ?? now
        try db.execute(
            sql: """
                INSERT INTO segment (run_id, pid, host, start_step, end_step, started_at, ended_at, heartbeat_at,
                    end_reason)
                VALUES (?, 0, 'imported', ?, ?, ?, ?, ?, ?)
                """,
            arguments: [runID, first, last + 1, started, ended, ended, reason])
        segments += 1
    }

    private static func time(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return Timestamp.now() }
        return Timestamp.string(milliseconds: Int64((seconds * 1000).rounded()))
    }
}
