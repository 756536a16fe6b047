import Foundation
import PostgresNIO

/// One transaction on the PostgreSQL store: the ledger's records as SQL over one
/// connection, each method a statement or a few, sent and awaited synchronously.
///
/// The same statements as the SQLite store's wherever both dialects agree. Where they
/// differ: ids come back with `RETURNING id`; the rows of a commit go in one statement
/// over arrays (`unnest`), one round trip whatever their number; checkpoints replace one
/// at the same step with `ON CONFLICT DO UPDATE`; the rate history is read in pages of
/// the key, since a driver's rows cannot be handed to the caller's thread one by one.
struct PostgresTransaction: LedgerTransaction {
    let session: PostgresSession

    private func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        try session.query(query).rows.map { $0.makeRandomAccess() }
    }

    private func first(_ query: PostgresQuery) throws -> PostgresRandomAccessRow? {
        try session.query(query).rows.first.map { $0.makeRandomAccess() }
    }

    private func exists(_ query: PostgresQuery) throws -> Bool {
        try first(query).map { try $0.get(0, as: Bool.self) } ?? false
    }

    private func count(_ query: PostgresQuery) throws -> Int64 {
        try first(query).map { try $0.get(0, as: Int64.self) } ?? 0
    }

    // MARK: - Runs

    private static let runColumns = "id, name, status, step, target_steps, settings, created_at, updated_at"

    private static func storedRun(_ row: PostgresRandomAccessRow) throws -> StoredRun {
        StoredRun(
            id: try row.get(0), name: try row.get(1), status: try row.get(2), step: try row.get(3),
            targetSteps: try row.get(4), settings: try row.get(5), createdAt: try row.get(6),
            updatedAt: try row.get(7))
    }

    func run(named name: String) throws -> StoredRun? {
        try first("SELECT \(unescaped: Self.runColumns) FROM run WHERE name = \(name)").map(Self.storedRun)
    }

    func run(id: Int64) throws -> StoredRun? {
        try first("SELECT \(unescaped: Self.runColumns) FROM run WHERE id = \(id)").map(Self.storedRun)
    }

    private static let listingSQL = """
        SELECT runs.name, runs.status, runs.step, runs.target_steps, runs.schedule, runs.dtype,
            runs.created_at, runs.updated_at, run.id, run.settings
        FROM runs JOIN run ON run.name = runs.name
        """

    private static func listing(_ row: PostgresRandomAccessRow) throws -> StoredRunListing {
        StoredRunListing(
            id: try row.get(8), name: try row.get(0), status: try row.get(1), step: try row.get(2),
            targetSteps: try row.get(3), schedule: try row.get(4), dtype: try row.get(5), createdAt: try row.get(6),
            updatedAt: try row.get(7), settings: try row.get(9))
    }

    func runListing() throws -> [StoredRunListing] {
        // COLLATE "C": the byte order SQLite sorts text in, whatever the database's locale.
        try rows("\(unescaped: Self.listingSQL) ORDER BY runs.name COLLATE \"C\"").map(Self.listing)
    }

    func runListing(named name: String) throws -> StoredRunListing? {
        try first("\(unescaped: Self.listingSQL) WHERE runs.name = \(name)").map(Self.listing)
    }

    func runNames() throws -> [String] {
        try rows("SELECT name FROM run ORDER BY name COLLATE \"C\"").map { try $0.get(0) }
    }

    func insertRun(name: String, targetSteps: Int64, settings: String, now: String) throws -> Int64 {
        let row = try first(
            """
            INSERT INTO run (name, status, step, target_steps, settings, created_at, updated_at)
            VALUES (\(name), 'running', 0, \(targetSteps), \(settings), \(now), \(now)) RETURNING id
            """)
        return try row.map { try $0.get(0) } ?? 0
    }

    func updateRun(id: Int64, step: Int64, status: RunStatus, targetSteps: Int64, now: String) throws {
        try session.execute(
            """
            UPDATE run SET step = \(step), status = \(status.rawValue), target_steps = \(targetSteps),
                updated_at = \(now) WHERE id = \(id)
            """)
    }

    func setRunStatus(id: Int64, _ status: RunStatus, now: String) throws {
        try session.execute("UPDATE run SET status = \(status.rawValue), updated_at = \(now) WHERE id = \(id)")
    }

    func renameRun(id: Int64, to name: String, now: String) throws {
        try session.execute("UPDATE run SET name = \(name), updated_at = \(now) WHERE id = \(id)")
    }

    func rowCounts(runID: Int64) throws -> StoredRowCounts {
        let row = try first(
            """
            SELECT (SELECT count(*) FROM rate_log WHERE run_id = \(runID)),
                (SELECT count(*) FROM rate_log_superseded WHERE run_id = \(runID)),
                (SELECT count(*) FROM segment WHERE run_id = \(runID)),
                (SELECT count(*) FROM checkpoint WHERE run_id = \(runID))
            """)
        guard let row else { return StoredRowCounts(rates: 0, superseded: 0, segments: 0, checkpoints: 0) }
        return StoredRowCounts(
            rates: try row.get(0), superseded: try row.get(1), segments: try row.get(2), checkpoints: try row.get(3))
    }

    func deleteRun(id: Int64, record: DeletedRunRecord) throws {
        let deleted = record.deleted
        try session.execute(
            """
            INSERT INTO deleted_run (name, status, step, target_steps, schedule, dtype, settings, created_at,
                rate_rows, superseded_rows, segments, checkpoints, chain_head, deleted_at, pid, host)
            VALUES (\(deleted.name), \(deleted.status), \(deleted.step), \(record.targetSteps), \(record.schedule),
                \(record.dtype), \(record.settings), \(record.createdAt), \(deleted.rateRows),
                \(deleted.supersededRows), \(deleted.segments), \(deleted.checkpoints), \(deleted.chainHead),
                \(deleted.deletedAt.description), \(Int64(record.pid)), \(record.host))
            """)
        for table in [
            "imported_row", "imported_run", "rate_log", "rate_log_superseded", "checkpoint", "chain_link", "run_event",
            "schedule_version", "segment",
        ] {
            try session.execute("DELETE FROM \(unescaped: table) WHERE run_id = \(id)")
        }
        try session.execute("DELETE FROM run WHERE id = \(id)")
    }

    // MARK: - Schedules

    func scheduleVersions(runID: Int64) throws -> [StoredScheduleVersion] {
        try rows(
            """
            SELECT id, from_step, config, dtype, sha256, created_at FROM schedule_version
            WHERE run_id = \(runID) ORDER BY id
            """
        ).map { row in
            StoredScheduleVersion(
                id: try row.get(0), fromStep: try row.get(1), config: try row.get(2, as: String?.self) ?? "",
                dtype: try row.get(3), sha256: try row.get(4), createdAt: try row.get(5, as: String?.self) ?? "")
        }
    }

    @discardableResult
    func insertScheduleVersion(
        runID: Int64, fromStep: Int64, config: String, dtype: String, sha256: String, now: String
    ) throws -> Int64 {
        let row = try first(
            """
            INSERT INTO schedule_version (run_id, from_step, config, dtype, sha256, created_at)
            VALUES (\(runID), \(fromStep), \(config), \(dtype), \(sha256), \(now)) RETURNING id
            """)
        return try row.map { try $0.get(0) } ?? 0
    }

    // MARK: - Segments

    private static let segmentColumns = """
        id, pid, host, process_start, boot_id, pid_namespace, start_step, started_at, heartbeat_at, rewound_from,
        log_every, end_step, ended_at, end_reason
        """

    private static func segment(_ row: PostgresRandomAccessRow) throws -> StoredSegment {
        StoredSegment(
            id: try row.get(0), pid: Int32(truncatingIfNeeded: try row.get(1, as: Int64.self)), host: try row.get(2),
            processStart: try row.get(3), bootID: try row.get(4), pidNamespace: try row.get(5),
            startStep: try row.get(6), startedAt: try row.get(7), heartbeatAt: try row.get(8),
            rewoundFrom: try row.get(9), logEvery: try row.get(10), endStep: try row.get(11), endedAt: try row.get(12),
            endReason: try row.get(13))
    }

    func segments(runID: Int64) throws -> [StoredSegment] {
        try rows("SELECT \(unescaped: Self.segmentColumns) FROM segment WHERE run_id = \(runID) ORDER BY id")
            .map(Self.segment)
    }

    func openSegments(runID: Int64) throws -> [StoredSegment] {
        try rows(
            """
            SELECT \(unescaped: Self.segmentColumns) FROM segment WHERE run_id = \(runID) AND end_reason IS NULL
            ORDER BY id
            """
        ).map(Self.segment)
    }

    func insertSegment(_ opening: SegmentOpening) throws -> Int64 {
        let me = opening.identity
        let row = try first(
            """
            INSERT INTO segment (run_id, pid, host, process_start, boot_id, pid_namespace, start_step, started_at,
                heartbeat_at, rewound_from, log_every)
            VALUES (\(opening.runID), \(Int64(me.pid)), \(me.host), \(me.startTicks), \(me.bootID),
                \(me.pidNamespace), \(opening.startStep), \(opening.now), \(opening.now), \(opening.rewoundFrom),
                \(opening.logEvery))
            RETURNING id
            """)
        return try row.map { try $0.get(0) } ?? 0
    }

    func touchSegment(id: Int64, now: String) throws -> Bool {
        try session.execute("UPDATE segment SET heartbeat_at = \(now) WHERE id = \(id) AND end_reason IS NULL") == 1
    }

    func closeSegment(id: Int64, endStep: Int64, endedAt: String?, reason: EndReason) throws -> Bool {
        if let endedAt {
            return try session.execute(
                """
                UPDATE segment SET end_step = \(endStep), ended_at = \(endedAt), heartbeat_at = \(endedAt),
                    end_reason = \(reason.rawValue)
                WHERE id = \(id) AND end_reason IS NULL
                """) == 1
        }
        return try session.execute(
            """
            UPDATE segment SET end_step = \(endStep), ended_at = heartbeat_at, end_reason = \(reason.rawValue)
            WHERE id = \(id) AND end_reason IS NULL
            """) == 1
    }

    // MARK: - Rates

    func insertRates(runID: Int64, rows: UnsafeBufferPointer<LoggedRate>) throws {
        guard !rows.isEmpty else { return }
        let steps = PostgresBinaryArray.bigints(count: rows.count) { rows[$0].step }
        let rates = PostgresBinaryArray.doubles(count: rows.count) { rows[$0].rate }
        let losses = PostgresBinaryArray.doubles(count: rows.count) { rows[$0].loss }
        let hasLosses = PostgresBinaryArray.booleans(count: rows.count) { rows[$0].hasLoss }
        do {
            try session.execute(
                """
                INSERT INTO rate_log (run_id, step, rate, loss)
                SELECT \(runID), s, r, CASE WHEN h THEN l END
                FROM unnest(\(steps)::bigint[], \(rates)::float8[], \(losses)::float8[], \(hasLosses)::bool[])
                    AS t(s, r, l, h)
                """)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw DuplicateStep(detail: error.serverInfo?[.detail] ?? error.serverInfo?[.message] ?? "duplicate key")
        }
    }

    func supersedeRates(runID: Int64, from step: Int64, by segmentID: Int64, reason: String, now: String) throws
        -> Int
    {
        let moved = try session.execute(
            """
            INSERT INTO rate_log_superseded
                (run_id, step, rate, loss, segment_id, superseded_by, superseded_at, reason)
            SELECT rate_log.run_id, rate_log.step, rate_log.rate, rate_log.loss,
                (SELECT max(segment.id) FROM segment
                    WHERE segment.run_id = rate_log.run_id AND segment.start_step <= rate_log.step
                        AND segment.id < \(segmentID)),
                \(segmentID), \(now), \(reason)
            FROM rate_log WHERE rate_log.run_id = \(runID) AND rate_log.step >= \(step)
            """)
        if moved > 0 {
            try session.execute("DELETE FROM rate_log WHERE run_id = \(runID) AND step >= \(step)")
        }
        return moved
    }

    /// Rows read per round trip by `rates`.
    private static let ratePage = 65_536

    func rates(runID: Int64, from: Int64, to: Int64, _ body: (UnsafeBufferPointer<StoredRate>) throws -> Void)
        throws
    {
        var low = from
        var batch: [StoredRate] = []
        batch.reserveCapacity(4096)
        while low <= to {
            let page = try session.query(
                """
                SELECT step, rate, loss FROM rate_log WHERE run_id = \(runID) AND step >= \(low) AND step <= \(to)
                ORDER BY step LIMIT \(Int64(Self.ratePage))
                """
            ).rows
            var lastStep = low
            for row in page {
                let columns = row.makeRandomAccess()
                let step = try columns.get(0, as: Int64.self)
                let rate = try columns.get(1, as: Double.self)
                let loss = try columns.get(2, as: Double?.self)
                lastStep = step
                batch.append(
                    StoredRate(step: step, rate: rate, loss: loss ?? 0, hasLoss: loss != nil, rateStorage: .real))
                if batch.count == 4096 {
                    try batch.withUnsafeBufferPointer(body)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            guard page.count == Self.ratePage, lastStep < Int64.max else { break }
            low = lastStep + 1
        }
        if !batch.isEmpty { try batch.withUnsafeBufferPointer(body) }
    }

    func hasRate(runID: Int64, step: Int64) throws -> Bool {
        try exists("SELECT EXISTS (SELECT 1 FROM rate_log WHERE run_id = \(runID) AND step = \(step))")
    }

    /// This store keeps no block summaries: a series reads its rows, and the audit has
    /// no summary to compare.
    func rateBlocks(runID: Int64, from: Int64, to: Int64) throws -> [StoredRateBlock] { [] }

    func seriesBuckets(runID: Int64, from: Int64, to: Int64, width: Int64) throws -> [SeriesBucket] {
        // In numeric, so that no step or bucket index overflows.
        try rows(
            """
            SELECT div(step::numeric - \(from)::numeric, \(width)::numeric)::bigint AS bucket, min(step), max(step),
                count(*), min(rate), max(rate), min(loss), max(loss)
            FROM rate_log WHERE run_id = \(runID) AND step >= \(from) AND step <= \(to)
            GROUP BY 1 ORDER BY 1
            """
        ).map { row in
            SeriesBucket(
                index: try row.get(0), firstStep: try row.get(1), lastStep: try row.get(2), count: try row.get(3),
                minRate: try row.get(4), maxRate: try row.get(5), minLoss: try row.get(6), maxLoss: try row.get(7))
        }
    }

    func deleteRates(runID: Int64, from step: Int64) throws {
        try session.execute("DELETE FROM rate_log WHERE run_id = \(runID) AND step >= \(step)")
    }

    func supersededRates(runID: Int64) throws -> [SupersededRate] {
        try rows(
            """
            SELECT step, rate, loss, segment_id, superseded_by FROM rate_log_superseded WHERE run_id = \(runID)
            ORDER BY step, id
            """
        ).map { row in
            SupersededRate(
                step: try row.get(0), rate: try row.get(1), loss: try row.get(2), segmentID: try row.get(3),
                supersededBy: try row.get(4))
        }
    }

    func supersededCount(runID: Int64) throws -> Int64 {
        try count("SELECT count(*) FROM rate_log_superseded WHERE run_id = \(runID)")
    }

    // MARK: - Checkpoints

    private static let checkpointColumns =
        "step, state, sha256, segment_id, created_at, file, file_size, trainer_state"

    private static func checkpoint(_ row: PostgresRandomAccessRow) throws -> StoredCheckpoint {
        let state = try row.get(1, as: ByteBuffer?.self)
        return StoredCheckpoint(
            step: try row.get(0), state: state.map { Array($0.readableBytesView) } ?? [], sha256: try row.get(2),
            segmentID: try row.get(3), createdAt: try row.get(4, as: String?.self) ?? "", file: try row.get(5),
            fileSize: try row.get(6), trainerState: try row.get(7))
    }

    func checkpoints(runID: Int64) throws -> [StoredCheckpoint] {
        try rows(
            "SELECT \(unescaped: Self.checkpointColumns) FROM checkpoint WHERE run_id = \(runID) ORDER BY step DESC"
        ).map(Self.checkpoint)
    }

    func latestCheckpoint(runID: Int64) throws -> StoredCheckpoint? {
        try first(
            """
            SELECT \(unescaped: Self.checkpointColumns) FROM checkpoint WHERE run_id = \(runID)
            ORDER BY step DESC LIMIT 1
            """
        ).map(Self.checkpoint)
    }

    func hasCheckpoint(runID: Int64, step: Int64) throws -> Bool {
        try exists("SELECT EXISTS (SELECT 1 FROM checkpoint WHERE run_id = \(runID) AND step = \(step))")
    }

    func deleteCheckpoint(runID: Int64, step: Int64) throws {
        try session.execute("DELETE FROM checkpoint WHERE run_id = \(runID) AND step = \(step)")
    }

    // MARK: - Events

    func recordEvent(
        runID: Int64, segmentID: Int64?, at time: String, kind: RunEvent.Kind, step: Int64?, message: String
    ) throws {
        try session.execute(
            """
            INSERT INTO run_event (run_id, segment_id, at, kind, step, message)
            VALUES (\(runID), \(segmentID), \(time), \(kind.rawValue), \(step), \(message))
            """)
    }

    func events(runID: Int64) throws -> [StoredEvent] {
        try rows("SELECT id, segment_id, at, kind, step, message FROM run_event WHERE run_id = \(runID) ORDER BY id")
            .map { row in
                StoredEvent(
                    id: try row.get(0), segmentID: try row.get(1), at: try row.get(2),
                    kind: RunEvent.Kind(rawValue: try row.get(3)), step: try row.get(4), message: try row.get(5))
            }
    }

    // MARK: - Imported runs

    func insertImportSource(_ source: ImportSource, runID: Int64, rows: Int64, now: String) throws {
        try session.execute(
            """
            INSERT INTO imported_run (run_id, format, path, series, source_run, precision, row_count, imported_at)
            VALUES (\(runID), \(source.format), \(source.path), \(source.series), \(source.sourceRun),
                \(source.precision.rawValue), \(rows), \(now))
            """)
    }

    func importSource(runID: Int64) throws -> ImportSource? {
        guard
            let row = try first(
                "SELECT format, path, series, source_run, precision FROM imported_run WHERE run_id = \(runID)")
        else { return nil }
        return ImportSource(
            format: try row.get(0), path: try row.get(1), series: try row.get(2), sourceRun: try row.get(3),
            precision: ImportedPrecision(rawValue: try row.get(4)) ?? .float64)
    }

    func insertImportedValues(runID: Int64, values: UnsafeBufferPointer<ImportedValue>) throws {
        guard !values.isEmpty else { return }
        let seqs = values.map(\.seq)
        let steps = values.map(\.step)
        let rates = values.map(\.rate)
        let wallTimes = values.map { $0.wallTime ?? 0 }
        let hasWallTimes = values.map { $0.wallTime != nil }
        try session.execute(
            """
            INSERT INTO imported_row (run_id, seq, step, rate, wall_time)
            SELECT \(runID), q, s, r, CASE WHEN h THEN w END
            FROM unnest(\(seqs)::bigint[], \(steps)::bigint[], \(rates)::float8[], \(wallTimes)::float8[],
                \(hasWallTimes)::bool[]) AS t(q, s, r, w, h)
            """)
    }

    func importedValues(runID: Int64, _ body: (ImportedValueCheck) throws -> Void) throws {
        let all = try session.query(
            """
            SELECT r.step, r.rate, (SELECT p.rate FROM imported_row AS p
                WHERE p.run_id = r.run_id AND p.step = r.step AND p.seq < r.seq ORDER BY p.seq DESC LIMIT 1)
            FROM imported_row AS r WHERE r.run_id = \(runID) ORDER BY r.seq
            """
        ).rows
        for row in all {
            let columns = row.makeRandomAccess()
            try body(
                ImportedValueCheck(
                    step: try columns.get(0), rate: try columns.get(1), earlier: try columns.get(2, as: Double?.self)))
        }
    }

    // MARK: - Chain

    private static let linkColumns = """
        seq, kind, segment_id, from_step, to_step, row_count, first_row_step, last_row_step, rows_sha256,
        checkpoint_sha256, keep_checkpoints, schedule_version_id, closed_segments, discarded_checkpoints, header, digest,
        renamed_from
        """

    private static func link(_ row: PostgresRandomAccessRow) throws -> ChainLink {
        var link = ChainLink(
            seq: try row.get(0), kind: try row.get(1), segmentID: try row.get(2), fromStep: try row.get(3),
            toStep: try row.get(4), rowCount: try row.get(5), firstRowStep: try row.get(6),
            lastRowStep: try row.get(7), rowsSHA256: try row.get(8), checkpointSHA256: try row.get(9),
            keepCheckpoints: try row.get(10), scheduleVersionID: try row.get(11),
            closedSegments: ChainLink.segmentList(try row.get(12)),
            discardedCheckpoints: ChainLink.checkpointList(try row.get(13)),
            header: try row.get(14, as: String?.self) ?? "", digest: try row.get(15, as: String?.self) ?? "")
        link.renamedFrom = try row.get(16)
        return link
    }

    func chainLinks(runID: Int64, last: Int?) throws -> [ChainLink] {
        guard let last else {
            return try rows(
                "SELECT \(unescaped: Self.linkColumns) FROM chain_link WHERE run_id = \(runID) ORDER BY seq"
            ).map(Self.link)
        }
        return try rows(
            """
            SELECT \(unescaped: Self.linkColumns) FROM chain_link WHERE run_id = \(runID)
            ORDER BY seq DESC LIMIT \(Int64(last))
            """
        ).map(Self.link).reversed()
    }

    func insertChainLink(_ link: ChainLink, runID: Int64, at time: String) throws {
        let header = link.kind == "commit" ? "" : link.header
        try session.execute(
            """
            INSERT INTO chain_link (run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step,
                last_row_step, rows_sha256, checkpoint_sha256, keep_checkpoints, schedule_version_id,
                closed_segments, discarded_checkpoints, header, digest, at, renamed_from)
            VALUES (\(runID), \(link.seq), \(link.kind), \(link.segmentID), \(link.fromStep), \(link.toStep),
                \(link.rowCount), \(link.firstRowStep), \(link.lastRowStep), \(link.rowsSHA256),
                \(link.checkpointSHA256), \(link.keepCheckpoints), \(link.scheduleVersionID),
                \(link.closedSegmentsText), \(link.discardedCheckpointsText), \(header), \(link.digest), \(time),
                \(link.renamedFrom))
            """)
    }

    func legacyChainEnd(runID: Int64) throws -> Int64? {
        try first("SELECT to_step FROM chain_link WHERE run_id = \(runID) AND kind = 'legacy'").map { try $0.get(0) }
    }

    func hasCheckpointCommit(runID: Int64, step: Int64, sha256: String?, segmentID: Int64??) throws -> Bool {
        if let segmentID {
            return try exists(
                """
                SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = \(runID) AND kind = 'commit'
                    AND to_step = \(step) AND checkpoint_sha256 = \(sha256) AND segment_id = \(segmentID))
                """)
        }
        return try exists(
            """
            SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = \(runID) AND kind = 'commit' AND to_step = \(step)
                AND checkpoint_sha256 = \(sha256))
            """)
    }

    func latestCheckpointCommit(runID: Int64) throws -> ChainLink? {
        try first(
            """
            SELECT \(unescaped: Self.linkColumns) FROM chain_link WHERE run_id = \(runID) AND kind = 'commit'
                AND checkpoint_sha256 IS NOT NULL ORDER BY seq DESC LIMIT 1
            """
        ).map(Self.link)
    }

    func discardingAttaches(runID: Int64, after seq: Int64) throws -> [ChainLink] {
        try rows(
            """
            SELECT \(unescaped: Self.linkColumns) FROM chain_link WHERE run_id = \(runID) AND kind = 'attach'
                AND seq > \(seq) AND discarded_checkpoints != '' ORDER BY seq
            """
        ).map(Self.link)
    }

    func latestOpeningLink(runID: Int64) throws -> ChainLink? {
        try first(
            """
            SELECT \(unescaped: Self.linkColumns) FROM chain_link WHERE run_id = \(runID)
                AND kind IN ('create', 'attach') ORDER BY seq DESC LIMIT 1
            """
        ).map(Self.link)
    }

    func chainDigest(runID: Int64, seq: Int64) throws -> String? {
        try first("SELECT digest FROM chain_link WHERE run_id = \(runID) AND seq = \(seq)").map { try $0.get(0) }
    }

    func nameRenamed(runID: Int64, after seq: Int64) throws -> String? {
        try first(
            """
            SELECT renamed_from FROM chain_link WHERE run_id = \(runID) AND kind = 'rename' AND seq > \(seq)
            ORDER BY seq LIMIT 1
            """
        ).map { try $0.get(0) }
    }
}

extension PostgresRandomAccessRow {
    /// The value of column `index`, decoded as `T` (an optional type reads NULL as nil).
    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}
