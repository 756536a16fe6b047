import Foundation
import GRDB
import GRDBSQLite
import Schedules

extension Ledger {
    // MARK: - Audit

    /// Audits a run: recomputes every canonical logged rate from the schedule in force
    /// at its step and checks the run's bookkeeping.
    ///
    /// Checks, all on one consistent snapshot:
    /// - each rate equals `schedule.rate(at: step)` bit for bit, with the schedule
    ///   decoded from its stored config and dtype (a stored 0.0 matches -0.0, which
    ///   SQLite cannot keep apart in a REAL column);
    /// - no step twice, no canonical row at or past the committed counter, every row
    ///   inside the segment that logged it;
    /// - segments meet: each starts at the previous one's end step, except where a
    ///   recorded rewind to a checkpoint explains it; the first starts at 0;
    /// - the committed counter equals the latest checkpoint's step (when there are
    ///   checkpoints), and each checkpoint's state matches its SHA-256;
    /// - each schedule config matches its SHA-256.
    ///
    /// Rows are streamed with a raw prepared statement, never all held in memory.
    ///
    /// - parameter run: the run's name.
    /// - returns: the report; `isClean` when nothing is wrong.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or an SQLite error code.
    public func audit(run name: String) throws -> AuditReport {
        try LedgerError.translating(path: path, "audit run \(name)") {
            try pool.read { db in try audit(db, name: name) }
        }
    }

    /// Audits every run, by name. See `audit(run:)`.
    public func auditAll() throws -> [AuditReport] {
        try runs().map { try audit(run: $0.name) }
    }

    private func audit(_ db: Database, name: String) throws -> AuditReport {
        let runID = try runID(db, named: name)
        if let source = try Self.importSource(db, runID: runID) {
            return try auditImported(db, runID: runID, name: name, source: source)
        }
        let committed = try Int64.fetchOne(db, sql: "SELECT step FROM run WHERE id = ?", arguments: [runID]) ?? 0
        var findings = FindingCollector()

        // Schedules: checksums, decoding.
        let versions = try Row.fetchAll(
            db,
            sql:
                "SELECT id, from_step, config, dtype, sha256 FROM schedule_version WHERE run_id = ? ORDER BY from_step, id",
            arguments: [runID])
        var schedules: [(start: Int64, id: Int64, value: (any LearningRateSchedule)?)] = []
        for row in versions {
            let from: Int64 = try row.value("from_step")
            let config: String = try row.value("config")
            let recorded: String = try row.value("sha256")
            let id: Int64 = try row.value("id")
            if SHA256Hex.digest(config) != recorded {
                findings.add(
                    .scheduleTampered, step: from,
                    "the schedule in force from step \(from) (schedule_version \(id)) no longer matches its SHA-256: it was edited outside lrledger"
                )
            }
            do {
                schedules.append(
                    (from, id, try StoredSchedule.decode(config: config, dtype: try row.value("dtype"), runName: name)))
            } catch let error as LedgerError {
                findings.add(
                    .scheduleUnusable, step: from, "the schedule from step \(from) cannot be used: \(error.message)")
                schedules.append((from, id, nil))
            }
        }
        if let first = schedules.first, first.start != 0 {
            findings.add(.scheduleUnusable, step: 0, "the first schedule takes effect at step \(first.start), not 0")
        }
        let timeline = LatestRecorded(schedules).intervals
        var chain = try ChainVerifier(db, runID: runID, runName: name, committed: committed, window: nil)

        // Segments: continuity.
        let segments = try Self.segments(db, runID: runID)
        checkSegments(segments, committed: committed, into: &findings)

        // Checkpoints: checksums, counter.
        // A file checkpoint's bytes are in the trainer's folder: a resume checks them there.
        let checkpoints = try Checkpoint.fetchAll(db, runID: runID).reversed()
        for checkpoint in checkpoints where checkpoint.file == nil {
            if SHA256Hex.digest(checkpoint.state) != checkpoint.sha256 {
                findings.add(
                    .checkpointChecksumMismatch, step: checkpoint.step,
                    "the checkpoint at step \(checkpoint.step) no longer matches its SHA-256")
            }
        }
        if let latest = checkpoints.last?.step, latest != committed {
            findings.add(
                .counterCheckpointMismatch, step: committed,
                "the committed step is \(committed) but the latest checkpoint is at step \(latest); a resume rewinds to \(latest)"
            )
        }

        // Rates: streamed.
        let endSteps = Dictionary(segments.map { ($0.id, $0.endStep) }, uniquingKeysWith: { first, _ in first })
        var resolver = SegmentResolver(segments: segments.map { (start: $0.startStep, id: $0.id) })
        let statement = try db.makeStatement(
            sql: "SELECT step, rate, loss FROM rate_log WHERE run_id = ? ORDER BY step")
        let handle = statement.sqliteStatement
        sqlite3_bind_int64(handle, 1, runID)
        defer { sqlite3_reset(handle) }
        var rows: Int64 = 0
        var previous: Int64?
        var versionIndex = -1
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.stepError(db) }
            rows += 1
            let step = sqlite3_column_int64(handle, 0)
            if let previous, step <= previous {
                findings.add(.duplicateStep, step: step, "step \(step) appears after step \(previous) in the history")
            }
            previous = step
            if step >= committed {
                findings.add(
                    .rowPastCommittedStep, step: step,
                    "step \(step) is in the history but the committed step is \(committed)")
            }
            if let segment = resolver.segment(at: step) {
                if let end = endSteps[segment] ?? nil, step >= end {
                    findings.add(
                        .rowOutsideSegment, step: step,
                        "step \(step) is past the end step \(end) of segment \(segment), which logged it")
                }
            } else {
                findings.add(.rowOutsideSegment, step: step, "step \(step) comes before the first segment's start")
            }
            if step >= chain.firstStep {
                let loss: Double? =
                    sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 2)
                chain.row(step: step, rate: sqlite3_column_double(handle, 1), loss: loss)
            }
            guard sqlite3_column_type(handle, 1) == SQLITE_FLOAT else {
                findings.add(
                    .rateNotReal, step: step,
                    "the rate at step \(step) is not a REAL value (\(Self.typeName(sqlite3_column_type(handle, 1))))")
                continue
            }
            let rate = sqlite3_column_double(handle, 1)
            while versionIndex + 1 < timeline.count, timeline[versionIndex + 1].start <= step {
                versionIndex += 1
            }
            guard versionIndex >= 0 else {
                findings.add(.scheduleUnusable, step: step, "no schedule is in force at step \(step)")
                continue
            }
            guard let schedule = timeline[versionIndex].value else { continue }
            let expected = schedule.rate(at: step)
            if rate.bitPattern != expected.bitPattern, !(rate == 0 && expected == 0) {
                findings.add(
                    .rateMismatch, step: step,
                    "step \(step): logged rate \(RateText.string(rate, dtype: schedule.dtype)) but the schedule gives \(RateText.string(expected, dtype: schedule.dtype))"
                )
            }
        }
        chain.finish()
        let superseded =
            try Int64.fetchOne(db, sql: "SELECT count(*) FROM rate_log_superseded WHERE run_id = ?", arguments: [runID])
            ?? 0
        return AuditReport(
            run: name, rowsChecked: rows, segmentsChecked: segments.count, schedulesChecked: versions.count,
            checkpointsChecked: checkpoints.count, supersededRows: superseded,
            findings: findings.finished() + chain.findings.finished(), linksChecked: chain.linksChecked,
            chainHead: try ChainLink.last(1, db, runID: runID).last?.digest)
    }

    private func checkSegments(_ segments: [RunSegment], committed: Int64, into findings: inout FindingCollector) {
        guard let first = segments.first else { return }
        if first.startStep != 0 {
            findings.add(
                .segmentGap, step: first.startStep,
                "the first segment (\(first.id)) starts at step \(first.startStep), not 0")
        }
        for (previous, segment) in zip(segments, segments.dropFirst()) {
            guard let end = previous.endStep else {
                findings.add(
                    .segmentInconsistent, step: previous.startStep,
                    "segment \(previous.id) is still open, but a later segment (\(segment.id)) exists")
                continue
            }
            if segment.startStep == end { continue }
            if let rewound = segment.rewoundFrom, rewound == end, segment.startStep < end { continue }
            findings.add(
                .segmentGap, step: segment.startStep,
                "segment \(segment.id) starts at step \(segment.startStep) but segment \(previous.id) ended at step \(end)"
            )
        }
        if let last = segments.last, let end = last.endStep, end != committed {
            findings.add(
                .segmentInconsistent, step: end,
                "the last segment (\(last.id)) ended at step \(end) but the committed step is \(committed)")
        }
    }

    private static func typeName(_ type: Int32) -> String {
        switch type {
        case SQLITE_INTEGER: "INTEGER"
        case SQLITE_TEXT: "TEXT"
        case SQLITE_BLOB: "BLOB"
        case SQLITE_NULL: "NULL"
        default: "REAL"
        }
    }
}
