import Foundation
import GRDB
import GRDBSQLite

/// One transaction on the SQLite store: the ledger's records as SQL over GRDB's
/// `Database`, with the hot paths (`insertRates`, `rates`) bound and stepped through
/// SQLite's C API.
struct SQLiteTransaction: LedgerTransaction {
    let db: Database
    /// The file, for messages.
    let path: String

    // MARK: - Runs

    private static let runColumns = "id, name, status, step, target_steps, settings, created_at, updated_at"

    private static func storedRun(_ row: Row) throws -> StoredRun {
        StoredRun(
            id: try row.value("id"), name: try row.value("name"), status: try row.value("status"),
            step: try row.value("step"), targetSteps: try row.value("target_steps"),
            settings: try row.value("settings"), createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"))
    }

    func run(named name: String) throws -> StoredRun? {
        try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM run WHERE name = ?", arguments: [name])
            .map(Self.storedRun)
    }

    func run(id: Int64) throws -> StoredRun? {
        try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM run WHERE id = ?", arguments: [id])
            .map(Self.storedRun)
    }

    private static let listingSQL = """
        SELECT runs.name, runs.status, runs.step, runs.target_steps, runs.schedule, runs.dtype,
            runs.created_at, runs.updated_at, run.id, run.settings
        FROM runs JOIN run ON run.name = runs.name
        """

    private static func listing(_ row: Row) throws -> StoredRunListing {
        StoredRunListing(
            id: try row.value("id"), name: try row.value("name"), status: try row.value("status"),
            step: try row.value("step"), targetSteps: try row.value("target_steps"),
            schedule: try row.value("schedule"), dtype: try row.value("dtype"), createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"), settings: try row.value("settings"))
    }

    func runListing() throws -> [StoredRunListing] {
        try Row.fetchAll(db, sql: Self.listingSQL + " ORDER BY runs.name").map(Self.listing)
    }

    func runListing(named name: String) throws -> StoredRunListing? {
        try Row.fetchOne(db, sql: Self.listingSQL + " WHERE runs.name = ?", arguments: [name]).map(Self.listing)
    }

    func runNames() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM run ORDER BY name")
    }

    func insertRun(name: String, targetSteps: Int64, settings: String, now: String) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO run (name, status, step, target_steps, settings, created_at, updated_at)
                VALUES (?, 'running', 0, ?, ?, ?, ?)
                """,
            arguments: [name, targetSteps, settings, now, now])
        return db.lastInsertedRowID
    }

    func updateRun(id: Int64, step: Int64, status: RunStatus, targetSteps: Int64, now: String) throws {
        try db.execute(
            sql: "UPDATE run SET step = ?, status = ?, target_steps = ?, updated_at = ? WHERE id = ?",
            arguments: [step, status.rawValue, targetSteps, now, id])
    }

    func advanceRun(id: Int64, from expected: Int64, to step: Int64, now: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE run SET step = ?, updated_at = ? WHERE id = ? AND step = ?")
            .execute(arguments: [step, now, id, expected])
        return db.changesCount == 1
    }

    func setRunStatus(id: Int64, _ status: RunStatus, now: String) throws {
        try db.execute(
            sql: "UPDATE run SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, now, id])
    }

    func renameRun(id: Int64, to name: String, now: String) throws {
        try db.execute(sql: "UPDATE run SET name = ?, updated_at = ? WHERE id = ?", arguments: [name, now, id])
    }

    func rowCounts(runID: Int64) throws -> StoredRowCounts {
        func count(_ table: String) throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE run_id = ?", arguments: [runID]) ?? 0
        }
        return StoredRowCounts(
            rates: try rateCount(runID: runID), superseded: try count("rate_log_superseded"),
            segments: try count("segment"), checkpoints: try count("checkpoint"))
    }

    func deleteRun(id: Int64, record: DeletedRunRecord) throws {
        let deleted = record.deleted
        try db.execute(
            sql: """
                INSERT INTO deleted_run (name, status, step, target_steps, schedule, dtype, settings, created_at,
                    rate_rows, superseded_rows, segments, checkpoints, chain_head, deleted_at, pid, host)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                deleted.name, deleted.status, deleted.step, record.targetSteps, record.schedule, record.dtype,
                record.settings, record.createdAt, deleted.rateRows, deleted.supersededRows, deleted.segments,
                deleted.checkpoints, deleted.chainHead, deleted.deletedAt.description, Int64(record.pid), record.host,
            ])
        try db.execute(sql: "DELETE FROM rate_block WHERE run_id = ?", arguments: [id])
        try deleteRatesWithoutTriggers(sql: "DELETE FROM rate_log WHERE run_id = ?", arguments: [id])
        for table in [
            "rate_log_superseded", "checkpoint", "chain_link", "run_event",
            "schedule_version", "segment",
        ] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [id])
        }
        try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
    }

    // MARK: - Schedules

    func scheduleVersions(runID: Int64) throws -> [StoredScheduleVersion] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT id, from_step, config, dtype, sha256, created_at FROM schedule_version WHERE run_id = ? ORDER BY id",
            arguments: [runID]
        ).map { row in
            StoredScheduleVersion(
                id: try row.value("id"), fromStep: try row.value("from_step"),
                config: (try row.value("config", as: String?.self)) ?? "", dtype: try row.value("dtype"),
                sha256: try row.value("sha256"), createdAt: (try row.value("created_at", as: String?.self)) ?? "")
        }
    }

    @discardableResult
    func insertScheduleVersion(
        runID: Int64, fromStep: Int64, config: String, dtype: String, sha256: String, now: String
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO schedule_version (run_id, from_step, config, dtype, sha256, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [runID, fromStep, config, dtype, sha256, now])
        return db.lastInsertedRowID
    }

    // MARK: - Segments

    private static let segmentColumns = """
        id, pid, host, process_start, boot_id, pid_namespace, start_step, started_at, heartbeat_at, rewound_from,
        log_every, end_step, ended_at, end_reason
        """

    private static func segment(_ row: Row) throws -> StoredSegment {
        StoredSegment(
            id: try row.value("id"), pid: Int32(truncatingIfNeeded: try row.value("pid", as: Int64.self)),
            host: try row.value("host"), processStart: try row.value("process_start"),
            bootID: try row.value("boot_id"), pidNamespace: try row.value("pid_namespace"),
            startStep: try row.value("start_step"), startedAt: try row.value("started_at"),
            heartbeatAt: try row.value("heartbeat_at"), rewoundFrom: try row.value("rewound_from"),
            logEvery: try row.value("log_every"), endStep: try row.value("end_step"),
            endedAt: try row.value("ended_at"), endReason: try row.value("end_reason"))
    }

    func segments(runID: Int64) throws -> [StoredSegment] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.segmentColumns) FROM segment WHERE run_id = ? ORDER BY id", arguments: [runID]
        ).map(Self.segment)
    }

    func openSegments(runID: Int64) throws -> [StoredSegment] {
        try Row.fetchAll(
            db,
            sql: "SELECT \(Self.segmentColumns) FROM segment WHERE run_id = ? AND end_reason IS NULL ORDER BY id",
            arguments: [runID]
        ).map(Self.segment)
    }

    func insertSegment(_ opening: SegmentOpening) throws -> Int64 {
        let me = opening.identity
        try db.execute(
            sql: """
                INSERT INTO segment (run_id, pid, host, process_start, boot_id, pid_namespace, start_step, started_at,
                    heartbeat_at, rewound_from, log_every)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                opening.runID, me.pid, me.host, me.startTicks, me.bootID, me.pidNamespace, opening.startStep,
                opening.now, opening.now, opening.rewoundFrom, opening.logEvery,
            ])
        return db.lastInsertedRowID
    }

    func touchSegment(id: Int64, now: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE segment SET heartbeat_at = ? WHERE id = ? AND end_reason IS NULL")
            .execute(arguments: [now, id])
        return db.changesCount == 1
    }

    func closeSegment(id: Int64, endStep: Int64, endedAt: String?, reason: EndReason) throws -> Bool {
        if let endedAt {
            try db.execute(
                sql: """
                    UPDATE segment SET end_step = ?, ended_at = ?, heartbeat_at = ?, end_reason = ?
                    WHERE id = ? AND end_reason IS NULL
                    """,
                arguments: [endStep, endedAt, endedAt, reason.rawValue, id])
        } else {
            try db.execute(
                sql: """
                    UPDATE segment SET end_step = ?, ended_at = heartbeat_at, end_reason = ?
                    WHERE id = ? AND end_reason IS NULL
                    """,
                arguments: [endStep, reason.rawValue, id])
        }
        return db.changesCount == 1
    }

    // MARK: - Rates

    func insertRates(runID: Int64, rows: UnsafeBufferPointer<LoggedRate>) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO rate_log (run_id, step, rate, loss) VALUES (?, ?, ?, ?)")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        var failure: Int32?
        for row in rows {
            sqlite3_bind_int64(handle, 2, row.step)
            sqlite3_bind_double(handle, 3, row.rate)
            if row.hasLoss {
                sqlite3_bind_double(handle, 4, row.loss)
            } else {
                sqlite3_bind_null(handle, 4)
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            if code != SQLITE_DONE {
                failure = code
                break
            }
        }
        sqlite3_clear_bindings(handle)
        if failure != nil {
            let error = Self.stepError(db)
            if error.resultCode == .SQLITE_CONSTRAINT {
                throw DuplicateStep(detail: error.message ?? "constraint failed")
            }
            throw error
        }
        try updateRateBlocks(runID: runID, rows: rows)
    }

    func supersedeRates(runID: Int64, from step: Int64, by segmentID: Int64, reason: String, now: String) throws
        -> Int
    {
        try db.execute(
            sql: """
                INSERT INTO rate_log_superseded
                    (run_id, step, rate, loss, segment_id, superseded_by, superseded_at, reason)
                SELECT rate_log.run_id, rate_log.step, rate_log.rate, rate_log.loss,
                    (SELECT max(segment.id) FROM segment
                        WHERE segment.run_id = rate_log.run_id AND segment.start_step <= rate_log.step
                            AND segment.id < ?),
                    ?, ?, ?
                FROM rate_log WHERE rate_log.run_id = ? AND rate_log.step >= ?
                """,
            arguments: [segmentID, segmentID, now, reason, runID, step])
        let moved = db.changesCount
        if moved > 0 {
            try deleteRatesWithoutTriggers(
                sql: "DELETE FROM rate_log WHERE run_id = ? AND step >= ?", arguments: [runID, step])
        }
        try truncateRateBlocks(runID: runID, from: step)
        return moved
    }

    func rates(runID: Int64, from: Int64, to: Int64, _ body: (UnsafeBufferPointer<StoredRate>) throws -> Void)
        throws
    {
        let statement = try db.cachedStatement(
            sql: "SELECT step, rate, loss FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ? ORDER BY step")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        sqlite3_bind_int64(handle, 2, from)
        sqlite3_bind_int64(handle, 3, to)
        defer { sqlite3_reset(handle) }
        let capacity = 4096
        let batch = UnsafeMutablePointer<StoredRate>.allocate(capacity: capacity)
        defer { batch.deallocate() }
        var count = 0
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.stepError(db) }
            let hasLoss = sqlite3_column_type(handle, 2) != SQLITE_NULL
            let type = sqlite3_column_type(handle, 1)
            (batch + count).initialize(
                to: StoredRate(
                    step: sqlite3_column_int64(handle, 0), rate: sqlite3_column_double(handle, 1),
                    loss: hasLoss ? sqlite3_column_double(handle, 2) : 0, hasLoss: hasLoss,
                    rateStorage: type == SQLITE_FLOAT ? .real : Self.storage(type)))
            count += 1
            if count == capacity {
                try body(UnsafeBufferPointer(start: batch, count: count))
                count = 0
            }
        }
        if count > 0 { try body(UnsafeBufferPointer(start: batch, count: count)) }
    }

    func hasRate(runID: Int64, step: Int64) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM rate_log WHERE run_id = ? AND step = ?)", arguments: [runID, step])
            ?? false
    }

    func deleteRates(runID: Int64, from step: Int64) throws {
        try deleteRatesWithoutTriggers(
            sql: "DELETE FROM rate_log WHERE run_id = ? AND step >= ?", arguments: [runID, step])
        try truncateRateBlocks(runID: runID, from: step)
    }

    func supersededRates(runID: Int64) throws -> [SupersededRate] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT step, rate, loss, segment_id, superseded_by FROM rate_log_superseded WHERE run_id = ? ORDER BY step",
            arguments: [runID]
        ).map { row in
            SupersededRate(
                step: try row.value("step"), rate: try row.value("rate"), loss: try row.value("loss"),
                segmentID: try row.value("segment_id"), supersededBy: try row.value("superseded_by"))
        }
    }

    func supersededCount(runID: Int64) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT count(*) FROM rate_log_superseded WHERE run_id = ?", arguments: [runID])
            ?? 0
    }

    // MARK: - Checkpoints

    private static let checkpointColumns =
        "step, state, sha256, segment_id, created_at, file, file_size, trainer_state"

    private static func checkpoint(_ row: Row) throws -> StoredCheckpoint {
        StoredCheckpoint(
            step: try row.value("step"), state: [UInt8]((try row.value("state", as: Data?.self)) ?? Data()),
            sha256: try row.value("sha256"), segmentID: try row.value("segment_id"),
            createdAt: (try row.value("created_at", as: String?.self)) ?? "", file: try row.value("file"),
            fileSize: try row.value("file_size"), trainerState: try row.value("trainer_state"))
    }

    func checkpoints(runID: Int64) throws -> [StoredCheckpoint] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.checkpointColumns) FROM checkpoint WHERE run_id = ? ORDER BY step DESC",
            arguments: [runID]
        ).map(Self.checkpoint)
    }

    func latestCheckpoint(runID: Int64) throws -> StoredCheckpoint? {
        try Row.fetchOne(
            db, sql: "SELECT \(Self.checkpointColumns) FROM checkpoint WHERE run_id = ? ORDER BY step DESC LIMIT 1",
            arguments: [runID]
        ).map(Self.checkpoint)
    }

    func hasCheckpoint(runID: Int64, step: Int64) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM checkpoint WHERE run_id = ? AND step = ?)",
            arguments: [runID, step]) ?? false
    }

    func insertCheckpoint(_ checkpoint: StoredCheckpoint, runID: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO checkpoint
                    (run_id, step, state, sha256, segment_id, created_at, file, file_size, trainer_state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            runID, checkpoint.step, Data(checkpoint.state), checkpoint.sha256, checkpoint.segmentID,
            checkpoint.createdAt, checkpoint.file, checkpoint.fileSize, checkpoint.trainerState,
        ])
    }

    func pruneCheckpoints(runID: Int64, keep: Int) throws -> [String] {
        let beyondKept = """
            FROM checkpoint WHERE run_id = ? AND step < (
                SELECT step FROM checkpoint WHERE run_id = ? ORDER BY step DESC LIMIT 1 OFFSET ?)
            """
        let arguments: StatementArguments = [runID, runID, keep - 1]
        let dropped = try String.fetchAll(
            db.cachedStatement(sql: "SELECT file \(beyondKept) AND file IS NOT NULL"), arguments: arguments)
        try db.cachedStatement(sql: "DELETE \(beyondKept)").execute(arguments: arguments)
        return dropped
    }

    func deleteCheckpoint(runID: Int64, step: Int64) throws {
        try db.execute(sql: "DELETE FROM checkpoint WHERE run_id = ? AND step = ?", arguments: [runID, step])
    }

    // MARK: - Events

    func recordEvent(
        runID: Int64, segmentID: Int64?, at time: String, kind: RunEvent.Kind, step: Int64?, message: String
    ) throws {
        try db.execute(
            sql: "INSERT INTO run_event (run_id, segment_id, at, kind, step, message) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [runID, segmentID, time, kind.rawValue, step, message])
    }

    func events(runID: Int64) throws -> [StoredEvent] {
        try Row.fetchAll(
            db, sql: "SELECT id, segment_id, at, kind, step, message FROM run_event WHERE run_id = ? ORDER BY id",
            arguments: [runID]
        ).map {
            StoredEvent(
                id: try $0.value("id"), segmentID: try $0.value("segment_id"), at: try $0.value("at"),
                kind: RunEvent.Kind(rawValue: try $0.value("kind")), step: try $0.value("step"),
                message: try $0.value("message"))
        }
    }

    // MARK: - Imported runs

    func insertImportSource(_ source: ImportSource, runID: Int64, rows: Int64, now: String) throws {
        try db.execute(
            sql: """
                INSERT INTO imported_run (run_id, format, path, series, source_run, precision, row_count, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, source.format, source.path, source.series, source.sourceRun, source.precision.rawValue, rows,
                now,
            ])
    }

    func importSource(runID: Int64) throws -> ImportSource? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT format, path, series, source_run, precision FROM imported_run WHERE run_id = ?",
                arguments: [runID])
        else { return nil }
        let precision: String = try row.value("precision")
        return ImportSource(
            format: try row.value("format"), path: try row.value("path"), series: try row.value("series"),
            sourceRun: try row.value("source_run"), precision: ImportedPrecision(rawValue: precision) ?? .float64)
    }

    func insertImportedValues(runID: Int64, values: UnsafeBufferPointer<ImportedValue>) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO imported_row (run_id, seq, step, rate, wall_time) VALUES (?, ?, ?, ?, ?)")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        defer { sqlite3_clear_bindings(handle) }
        for value in values {
            sqlite3_bind_int64(handle, 2, value.seq)
            sqlite3_bind_int64(handle, 3, value.step)
            sqlite3_bind_double(handle, 4, value.rate)
            if let wallTime = value.wallTime {
                sqlite3_bind_double(handle, 5, wallTime)
            } else {
                sqlite3_bind_null(handle, 5)
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else { throw Self.stepError(db) }
        }
    }

    func importedValues(runID: Int64, _ body: (ImportedValueCheck) throws -> Void) throws {
        let statement = try db.cachedStatement(
            sql: """
                SELECT r.step, r.rate, (SELECT p.rate FROM imported_row AS p
                    WHERE p.run_id = r.run_id AND p.step = r.step AND p.seq < r.seq ORDER BY p.seq DESC LIMIT 1)
                FROM imported_row AS r WHERE r.run_id = ? ORDER BY r.seq
                """)
        let handle = statement.sqliteStatement
        sqlite3_bind_int64(handle, 1, runID)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.stepError(db) }
            try body(
                ImportedValueCheck(
                    step: sqlite3_column_int64(handle, 0), rate: sqlite3_column_double(handle, 1),
                    earlier: Self.optionalDouble(handle, 2)))
        }
    }

    // MARK: - Chain

    private static let linkColumns = """
        seq, kind, segment_id, from_step, to_step, row_count, first_row_step, last_row_step, rows_sha256,
        checkpoint_sha256, keep_checkpoints, schedule_version_id, closed_segments, discarded_checkpoints, header, digest,
        renamed_from
        """

    private static func link(_ row: Row) throws -> ChainLink {
        var link = ChainLink(
            seq: try row.value("seq"), kind: try row.value("kind"), segmentID: try row.value("segment_id"),
            fromStep: try row.value("from_step"), toStep: try row.value("to_step"),
            rowCount: try row.value("row_count"), firstRowStep: try row.value("first_row_step"),
            lastRowStep: try row.value("last_row_step"), rowsSHA256: try row.value("rows_sha256"),
            checkpointSHA256: try row.value("checkpoint_sha256"), keepCheckpoints: try row.value("keep_checkpoints"),
            scheduleVersionID: try row.value("schedule_version_id"),
            closedSegments: ChainLink.segmentList(try row.value("closed_segments")),
            discardedCheckpoints: ChainLink.checkpointList(try row.value("discarded_checkpoints")),
            header: (try row.value("header", as: String?.self)) ?? "",
            digest: (try row.value("digest", as: String?.self)) ?? "")
        link.renamedFrom = try row.value("renamed_from")
        return link
    }

    func chainLinks(runID: Int64, last: Int?) throws -> [ChainLink] {
        guard let last else {
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.linkColumns) FROM chain_link WHERE run_id = ? ORDER BY seq",
                arguments: [runID]
            ).map(Self.link)
        }
        return try Row.fetchAll(
            db, sql: "SELECT \(Self.linkColumns) FROM chain_link WHERE run_id = ? ORDER BY seq DESC LIMIT ?",
            arguments: [runID, last]
        ).map(Self.link).reversed()
    }

    func insertChainLink(_ link: ChainLink, runID: Int64, at time: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO chain_link (run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step,
                    last_row_step, rows_sha256, checkpoint_sha256, keep_checkpoints, schedule_version_id,
                    closed_segments, discarded_checkpoints, header, digest, at, renamed_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            runID, link.seq, link.kind, link.segmentID, link.fromStep, link.toStep, link.rowCount, link.firstRowStep,
            link.lastRowStep, link.rowsSHA256, link.checkpointSHA256, link.keepCheckpoints, link.scheduleVersionID,
            link.closedSegmentsText, link.discardedCheckpointsText, link.kind == "commit" ? "" : link.header,
            link.digest, time, link.renamedFrom,
        ])
    }

    func legacyChainEnd(runID: Int64) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT to_step FROM chain_link WHERE run_id = ? AND kind = 'legacy'", arguments: [runID])
    }

    func hasCheckpointCommit(runID: Int64, step: Int64, sha256: String?, segmentID: Int64??) throws -> Bool {
        if let segmentID {
            return try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = ? AND kind = 'commit' AND to_step = ?
                        AND checkpoint_sha256 = ? AND segment_id = ?)
                    """, arguments: [runID, step, sha256, segmentID]) ?? false
        }
        return try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = ? AND kind = 'commit' AND to_step = ?
                    AND checkpoint_sha256 = ?)
                """, arguments: [runID, step, sha256]) ?? false
    }

    func latestCheckpointCommit(runID: Int64) throws -> ChainLink? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT \(Self.linkColumns) FROM chain_link WHERE run_id = ? AND kind = 'commit'
                    AND checkpoint_sha256 IS NOT NULL ORDER BY seq DESC LIMIT 1
                """, arguments: [runID]
        ).map(Self.link)
    }

    func discardingAttaches(runID: Int64, after seq: Int64) throws -> [ChainLink] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.linkColumns) FROM chain_link WHERE run_id = ? AND kind = 'attach' AND seq > ?
                    AND discarded_checkpoints != '' ORDER BY seq
                """, arguments: [runID, seq]
        ).map(Self.link)
    }

    func latestOpeningLink(runID: Int64) throws -> ChainLink? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT \(Self.linkColumns) FROM chain_link WHERE run_id = ? AND kind IN ('create', 'attach')
                ORDER BY seq DESC LIMIT 1
                """, arguments: [runID]
        ).map(Self.link)
    }

    func chainDigest(runID: Int64, seq: Int64) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT digest FROM chain_link WHERE run_id = ? AND seq = ?", arguments: [runID, seq])
    }

    func nameRenamed(runID: Int64, after seq: Int64) throws -> String? {
        try String.fetchOne(
            db,
            sql:
                "SELECT renamed_from FROM chain_link WHERE run_id = ? AND kind = 'rename' AND seq > ? ORDER BY seq LIMIT 1",
            arguments: [runID, seq])
    }

    // MARK: - Helpers

    /// The error behind a failed `sqlite3_step` on a raw statement.
    /// A REAL column that may be NULL, read on the raw-binding paths.
    static func optionalDouble(_ handle: OpaquePointer?, _ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    static func stepError(_ db: Database) -> DatabaseError {
        let connection = db.sqliteConnection
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? SQLITE_ERROR
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
    }

    /// A column's SQLite storage class, for audit findings.
    static func storage(_ type: Int32) -> StoredRate.Storage {
        switch type {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }
}
