import Foundation
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
    /// - each stored block summary of the rate log (what charts read) agrees with its rows;
    /// - the committed counter equals the latest checkpoint's step (when there are
    ///   checkpoints), and each checkpoint's state matches its SHA-256;
    /// - each schedule config matches its SHA-256.
    ///
    /// Rows are streamed with a raw prepared statement, never all held in memory.
    ///
    /// - parameter run: the run's name.
    /// - returns: the report; `isClean` when nothing is wrong.
    /// - throws: `LedgerError` `.runNotFound` naming the run.
    public func audit(run name: String) throws -> AuditReport {
        try store.read("audit run \(name)") { tx in try audit(tx, name: name) }
    }

    /// Audits every run, by name. See `audit(run:)`.
    public func auditAll() throws -> [AuditReport] {
        try runs().map { try audit(run: $0.name) }
    }

    private func audit(_ tx: any LedgerTransaction, name: String) throws -> AuditReport {
        guard let run = try tx.run(named: name) else { throw runNotFound(name) }
        let runID = run.id
        if let source = try tx.importSource(runID: runID) {
            return try auditImported(tx, runID: runID, name: name, source: source)
        }
        let committed = run.step
        var findings = FindingCollector()

        // Schedules: checksums, decoding.
        let versions = try tx.scheduleVersions(runID: runID).sorted { ($0.fromStep, $0.id) < ($1.fromStep, $1.id) }
        var schedules: [(start: Int64, id: Int64, value: (any LearningRateSchedule)?)] = []
        for version in versions {
            let from = version.fromStep
            let config = version.config
            let id = version.id
            if SHA256Hex.digest(config) != version.sha256 {
                findings.add(
                    .scheduleTampered, step: from,
                    "the schedule in force from step \(from) (schedule_version \(id)) no longer matches its SHA-256: it was edited outside lrledger"
                )
            }
            do {
                schedules.append(
                    (from, id, try StoredSchedule.decode(config: config, dtype: version.dtype, runName: name)))
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
        var chain = try ChainVerifier(tx, runID: runID, runName: name, committed: committed, window: nil)

        // Segments: continuity. (Read as stored: a time edited by hand does not stop an audit.)
        let segments = try tx.segments(runID: runID)
        checkSegments(segments, committed: committed, into: &findings)

        // Checkpoints: checksums, counter.
        // A file checkpoint's bytes are in the trainer's folder: a resume checks them there.
        let checkpoints = try tx.checkpoints(runID: runID).reversed()
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
        // The state of the scan lives in the batch's locals, not in the closure's captured
        // variables, so the loop over millions of rows keeps it in registers.
        var rows: Int64 = 0
        var previous: Int64?
        var versionIndex = -1
        var inForce: (any LearningRateSchedule)?
        var segment: (id: Int64?, end: Int64?) = (nil, nil)
        var blocks = RateBlockCheck(stored: try tx.rateBlocks(runID: runID, from: .min, to: .max))
        try tx.rates(runID: runID, from: Int64.min, to: Int64.max) { batch in
            // The schedule in force and the segment's end are looked up when they change,
            // not at every row.
            var scan = (
                rows: rows, previous: previous, versionIndex: versionIndex, schedule: inForce, segment: segment.id,
                segmentEnd: segment.end
            )
            var batchResolver = resolver
            var batchBlocks = blocks
            defer {
                blocks = batchBlocks
                (rows, previous, versionIndex, inForce) = (scan.rows, scan.previous, scan.versionIndex, scan.schedule)
                segment = (scan.segment, scan.segmentEnd)
                resolver = batchResolver
            }
            for row in batch {
                scan.rows += 1
                let step = row.step
                if let previous = scan.previous, step <= previous {
                    findings.add(
                        .duplicateStep, step: step, "step \(step) appears after step \(previous) in the history")
                }
                scan.previous = step
                if step >= committed {
                    findings.add(
                        .rowPastCommittedStep, step: step,
                        "step \(step) is in the history but the committed step is \(committed)")
                }
                if let segment = batchResolver.segment(at: step) {
                    if segment != scan.segment {
                        scan.segment = segment
                        scan.segmentEnd = endSteps[segment] ?? nil
                    }
                    if let end = scan.segmentEnd, step >= end {
                        findings.add(
                            .rowOutsideSegment, step: step,
                            "step \(step) is past the end step \(end) of segment \(segment), which logged it")
                    }
                } else {
                    findings.add(.rowOutsideSegment, step: step, "step \(step) comes before the first segment's start")
                }
                let loss = row.hasLoss ? row.loss : nil
                batchBlocks.row(step: step, rate: row.rate, loss: loss)
                if step >= chain.firstStep {
                    chain.row(step: step, rate: row.rate, loss: loss)
                }
                if row.rateStorage != .real {
                    findings.add(
                        .rateNotReal, step: step,
                        "the rate at step \(step) is not a REAL value (\(row.rateStorage.rawValue))")
                    continue
                }
                let rate = row.rate
                if scan.versionIndex + 1 < timeline.count, timeline[scan.versionIndex + 1].start <= step {
                    while scan.versionIndex + 1 < timeline.count, timeline[scan.versionIndex + 1].start <= step {
                        scan.versionIndex += 1
                    }
                    scan.schedule = timeline[scan.versionIndex].value
                }
                guard scan.versionIndex >= 0 else {
                    findings.add(.scheduleUnusable, step: step, "no schedule is in force at step \(step)")
                    continue
                }
                guard let schedule = scan.schedule else { continue }
                let expected = schedule.rate(at: step)
                if rate.bitPattern != expected.bitPattern, !(rate == 0 && expected == 0) {
                    findings.add(
                        .rateMismatch, step: step,
                        "step \(step): logged rate \(RateText.string(rate, dtype: schedule.dtype)) but the schedule gives \(RateText.string(expected, dtype: schedule.dtype))"
                    )
                }
            }
        }
        chain.finish()
        blocks.finish()
        let superseded = try tx.supersededCount(runID: runID)
        return AuditReport(
            run: name, rowsChecked: rows, segmentsChecked: segments.count, schedulesChecked: versions.count,
            checkpointsChecked: checkpoints.count, supersededRows: superseded,
            findings: findings.finished() + blocks.findings.finished() + chain.findings.finished(),
            linksChecked: chain.linksChecked,
            chainHead: try tx.chainLinks(runID: runID, last: 1).last?.digest)
    }

    private func checkSegments(_ segments: [StoredSegment], committed: Int64, into findings: inout FindingCollector) {
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
}
