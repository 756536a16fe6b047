import Foundation
import GRDB
import GRDBSQLite
import Schedules

extension Ledger {
    // MARK: - Runs

    /// Lists every run, by name.
    ///
    /// - returns: one summary per run, from the `runs` view.
    /// - throws: `LedgerError` on an SQLite failure.
    public func runs() throws -> [RunSummary] {
        try LedgerError.translating(path: path, "list runs") {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT runs.name, runs.status, runs.step, runs.target_steps, runs.schedule, runs.dtype,
                            runs.created_at, runs.updated_at, run.id AS run_id
                        FROM runs JOIN run ON run.name = runs.name ORDER BY runs.name
                        """
                ).map { try judged(db, $0) }
            }
        }
    }

    /// A run's summary and its stored settings, without counting its rows, so it costs
    /// the same for a run of ten million steps as for one of ten: what a trainer reads
    /// before it resumes.
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or an SQLite error code.
    public func summaryAndSettings(ofRun name: String) throws -> (summary: RunSummary, settings: String) {
        try LedgerError.translating(path: path, "read run \(name)") {
            try pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT runs.name, runs.status, runs.step, runs.target_steps, runs.schedule, runs.dtype,
                                runs.created_at, runs.updated_at, run.settings, run.id AS run_id
                            FROM runs JOIN run ON run.name = runs.name WHERE runs.name = ?
                            """, arguments: [name])
                else { throw runNotFound(name) }
                return (try judged(db, row), try row.value("settings"))
            }
        }
    }

    /// Everything about one run: summary, settings, segments, schedule versions,
    /// latest checkpoint (with its state bytes), counts and events.
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or an SQLite error code.
    public func run(named name: String) throws -> RunDetail {
        try LedgerError.translating(path: path, "read run \(name)") {
            try pool.read { db in
                let runID = try runID(db, named: name)
                let summary = try judgedSummary(db, runID: runID, named: name)
                let settings = try String.fetchOne(db, sql: "SELECT settings FROM run WHERE id = ?", arguments: [runID])
                let segments = try Self.segments(db, runID: runID)
                let schedules = try Self.scheduleVersions(db, runID: runID, run: name)
                let checkpoint = try Checkpoint.fetchLatest(db, runID: runID)
                let checkpointCount =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoint WHERE run_id = ?", arguments: [runID])
                    ?? 0
                let loggedRows =
                    try Int64.fetchOne(db, sql: "SELECT count(*) FROM rate_log WHERE run_id = ?", arguments: [runID])
                    ?? 0
                let supersededRows =
                    try Int64.fetchOne(
                        db, sql: "SELECT count(*) FROM rate_log_superseded WHERE run_id = ?", arguments: [runID]) ?? 0
                let events = try Row.fetchAll(
                    db,
                    sql: "SELECT id, segment_id, at, kind, step, message FROM run_event WHERE run_id = ? ORDER BY id",
                    arguments: [runID]
                ).map {
                    RunEvent(
                        id: try $0.value("id"), segmentID: try $0.value("segment_id"), at: try $0.value("at"),
                        kind: try $0.value("kind"), step: try $0.value("step"),
                        message: try $0.value("message"))
                }
                let head = try ChainLink.last(1, db, runID: runID).last
                return RunDetail(
                    summary: summary, settings: settings ?? "", segments: segments, schedules: schedules,
                    latestCheckpoint: checkpoint, checkpointCount: checkpointCount, loggedRows: loggedRows,
                    supersededRows: supersededRows, events: events, chainHead: head?.digest,
                    chainLength: head?.seq ?? 0)
            }
        }
    }

    /// A run's summary, segments and schedule versions, without counting its rows or
    /// reading its checkpoints: what `history` and `plot` need to print its rates in
    /// their dtypes and mark its restarts and schedule changes.
    ///
    /// ```swift
    /// let outline = try ledger.outline(ofRun: "demo")
    /// print(outline.summary.dtype, outline.segments.count, outline.schedules.count)
    /// ```
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or an SQLite error code.
    public func outline(ofRun name: String) throws -> RunOutline {
        try LedgerError.translating(path: path, "read run \(name)") {
            try pool.read { db in
                let runID = try runID(db, named: name)
                return RunOutline(
                    summary: try judgedSummary(db, runID: runID, named: name),
                    segments: try Self.segments(db, runID: runID),
                    schedules: try Self.scheduleVersions(db, runID: runID, run: name))
            }
        }
    }

    // MARK: - History

    /// Streams the run's canonical logged rates in step order, one callback per row,
    /// without loading them all in memory.
    ///
    /// ```swift
    /// try ledger.history(run: "demo", from: 100, to: 199) { row in
    ///     print(row.step, row.rate)
    /// }
    /// ```
    ///
    /// - parameter run: the run's name.
    /// - parameter from: the first step to include, or nil for the start.
    /// - parameter to: the last step to include (inclusive), or nil for the end.
    /// - parameter body: called for each row; an error it throws stops the stream and
    ///   is rethrown unchanged.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or what `body` throws.
    public func history(run: String, from: Int64? = nil, to: Int64? = nil, _ body: (RateRow) throws -> Void) throws {
        try LedgerError.translating(path: path, "read the history of run \(run)") {
            try pool.read { db in
                let runID = try runID(db, named: run)
                var resolver = SegmentResolver(segments: try Self.segmentStarts(db, runID: runID))
                let dtypes = LatestRecorded(
                    try Row.fetchAll(
                        db, sql: "SELECT from_step, id, dtype FROM schedule_version WHERE run_id = ?",
                        arguments: [runID]
                    ).map {
                        (
                            start: try $0.value(at: 0, as: Int64.self), id: try $0.value(at: 1, as: Int64.self),
                            value: try Self.dtype(try $0.value(at: 2), run: run)
                        )
                    }
                ).intervals.map { (from: $0.start, dtype: $0.value) }
                var dtypeIndex = 0
                let statement = try db.makeStatement(
                    sql:
                        "SELECT step, rate, loss FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ? ORDER BY step"
                )
                let handle = statement.sqliteStatement
                sqlite3_bind_int64(handle, 1, runID)
                sqlite3_bind_int64(handle, 2, from ?? Int64.min)
                sqlite3_bind_int64(handle, 3, to ?? Int64.max)
                defer { sqlite3_reset(handle) }
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else { throw Self.stepError(db) }
                    let step = sqlite3_column_int64(handle, 0)
                    let loss: Double? =
                        sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 2)
                    while dtypeIndex + 1 < dtypes.count, dtypes[dtypeIndex + 1].from <= step {
                        dtypeIndex += 1
                    }
                    try body(
                        RateRow(
                            step: step, rate: sqlite3_column_double(handle, 1), loss: loss,
                            segment: resolver.segment(at: step) ?? 0,
                            dtype: dtypes.isEmpty ? .float32 : dtypes[dtypeIndex].dtype))
                }
            }
        }
    }

    // MARK: - Helpers

    /// The run's row id, or `.runNotFound` naming it.
    func runID(_ db: Database, named name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE name = ?", arguments: [name]) else {
            throw runNotFound(name)
        }
        return id
    }

    func runNotFound(_ name: String) -> LedgerError {
        LedgerError(.runNotFound, "no run named \(name) in \(path); list the runs with lrledger runs")
    }

    /// The run's `runs` row, its status judged by liveness.
    func judgedSummary(_ db: Database, runID: Int64, named name: String) throws -> RunSummary {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT name, status, step, target_steps, schedule, dtype, created_at, updated_at,
                        ? AS run_id
                    FROM runs WHERE name = ?
                    """, arguments: [runID, name])
        else { throw runNotFound(name) }
        return try judged(db, row)
    }

    /// Every schedule version of the run, in the order they take effect.
    static func scheduleVersions(_ db: Database, runID: Int64, run name: String) throws -> [ScheduleVersion] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, from_step, config, dtype, sha256, created_at FROM schedule_version
                WHERE run_id = ? ORDER BY from_step, id
                """, arguments: [runID]
        ).map { row in
            let config: String = try row.value("config")
            let sha256: String = try row.value("sha256")
            return ScheduleVersion(
                id: try row.value("id"), fromStep: try row.value("from_step"), config: config,
                dtype: try Self.dtype(try row.value("dtype"), run: name), sha256: sha256,
                createdAt: try row.value("created_at"),
                checksumMatches: SHA256Hex.digest(config) == sha256)
        }
    }

    static func segmentStarts(_ db: Database, runID: Int64) throws -> [(start: Int64, id: Int64)] {
        try Row.fetchAll(db, sql: "SELECT start_step, id FROM segment WHERE run_id = ?", arguments: [runID]).map {
            (start: try $0.value(at: 0), id: try $0.value(at: 1))
        }
    }

    static func segments(_ db: Database, runID: Int64) throws -> [RunSegment] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, pid, host, process_start, start_step, end_step, started_at, ended_at, heartbeat_at,
                    end_reason, rewound_from
                FROM segment WHERE run_id = ? ORDER BY id
                """, arguments: [runID]
        ).map { row in
            RunSegment(
                id: try row.value("id"), pid: Int32(truncatingIfNeeded: try row.value("pid", as: Int64.self)),
                host: try row.value("host"),
                processStart: try row.value("process_start"), startStep: try row.value("start_step"),
                endStep: try row.value("end_step"),
                startedAt: try row.value("started_at"), endedAt: try row.value("ended_at"),
                heartbeatAt: try row.value("heartbeat_at"),
                endReason: (try row.value("end_reason", as: String?.self)).flatMap(EndReason.init(rawValue:)),
                rewoundFrom: try row.value("rewound_from"))
        }
    }

    static func summary(_ row: Row) throws -> RunSummary {
        let name: String = try row.value("name")
        return RunSummary(
            name: name, status: RunStatus(rawValue: try row.value("status")), step: try row.value("step"),
            targetSteps: try row.value("target_steps"),
            schedule: try row.value("schedule") ?? "", dtype: try dtype(try row.value("dtype"), run: name),
            createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"))
    }

    /// A `runs` row (with the run's id as `run_id`), its status judged by liveness.
    func judged(_ db: Database, _ row: Row) throws -> RunSummary {
        let stored = try Self.summary(row)
        let (status, heartbeat) = try judgedStatus(db, runID: try row.value("run_id"), stored: stored.status)
        return RunSummary(
            name: stored.name, status: status, step: stored.step, targetSteps: stored.targetSteps,
            schedule: stored.schedule, dtype: stored.dtype, createdAt: stored.createdAt, updatedAt: stored.updatedAt,
            lastHeartbeat: heartbeat)
    }

    static func dtype(_ text: String?, run: String) throws -> DType {
        guard let text, let dtype = DType(rawValue: text) else {
            throw LedgerError(
                .corrupt,
                "run \(run) has a schedule dtype '\(text ?? "NULL")', not float32 or float64; it was edited outside lrledger"
            )
        }
        return dtype
    }

    /// The error behind a failed `sqlite3_step` on a raw statement.
    static func stepError(_ db: Database) -> DatabaseError {
        let connection = db.sqliteConnection
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? SQLITE_ERROR
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
    }
}
