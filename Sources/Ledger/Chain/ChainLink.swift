import Foundation
import GRDB

/// One stored link of a run's hash chain (a `chain_link` row).
struct ChainLink {
    var seq: Int64
    var kind: String
    var segmentID: Int64?
    var fromStep: Int64
    var toStep: Int64
    var rowCount: Int64
    var firstRowStep: Int64?
    var lastRowStep: Int64?
    var checkpointSHA256: String?
    var keepCheckpoints: Int64?
    var rowsSHA256: String?
    var scheduleVersionID: Int64?
    var closedSegments: [Int64]
    var discardedCheckpoints: [(step: Int64, sha256: String)]
    var header: String
    var digest: String
    /// For a `rename` link: the run's name before it.
    var renamedFrom: String? = nil

    /// The columns `init(row:)` reads.
    static let columns = """
        seq, kind, segment_id, from_step, to_step, row_count, first_row_step, last_row_step, rows_sha256,
        checkpoint_sha256, keep_checkpoints, schedule_version_id, closed_segments, discarded_checkpoints, header, digest,
        renamed_from
        """

    init(row: Row) throws {
        seq = try row.value("seq")
        kind = try row.value("kind")
        segmentID = try row.value("segment_id")
        fromStep = try row.value("from_step")
        toStep = try row.value("to_step")
        rowCount = try row.value("row_count")
        firstRowStep = try row.value("first_row_step")
        lastRowStep = try row.value("last_row_step")
        checkpointSHA256 = try row.value("checkpoint_sha256")
        rowsSHA256 = try row.value("rows_sha256")
        keepCheckpoints = try row.value("keep_checkpoints")
        scheduleVersionID = try row.value("schedule_version_id")
        closedSegments = ((try row.value("closed_segments", as: String?.self)) ?? "").split(separator: ",")
            .compactMap { Int64($0) }
        discardedCheckpoints = ((try row.value("discarded_checkpoints", as: String?.self)) ?? "")
            .split(separator: ",").compactMap { entry in
                let parts = entry.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let step = Int64(parts[0]) else { return nil }
                return (step, String(parts[1]))
            }
        header = (try row.value("header", as: String?.self)) ?? ""
        digest = (try row.value("digest", as: String?.self)) ?? ""
        renamedFrom = try row.value("renamed_from")
    }

    init(
        seq: Int64, kind: String, segmentID: Int64?, fromStep: Int64, toStep: Int64, rowCount: Int64 = 0,
        firstRowStep: Int64? = nil, lastRowStep: Int64? = nil, rowsSHA256: String? = nil,
        checkpointSHA256: String? = nil,
        keepCheckpoints: Int64? = nil, scheduleVersionID: Int64?, closedSegments: [Int64] = [],
        discardedCheckpoints: [(step: Int64, sha256: String)] = [], header: String = "", digest: String = ""
    ) {
        self.discardedCheckpoints = discardedCheckpoints
        self.rowsSHA256 = rowsSHA256
        self.seq = seq
        self.kind = kind
        self.segmentID = segmentID
        self.fromStep = fromStep
        self.toStep = toStep
        self.rowCount = rowCount
        self.firstRowStep = firstRowStep
        self.lastRowStep = lastRowStep
        self.checkpointSHA256 = checkpointSHA256
        self.keepCheckpoints = keepCheckpoints
        self.scheduleVersionID = scheduleVersionID
        self.closedSegments = closedSegments
        self.header = header
        self.digest = digest
    }

    /// The header this link hashes, from its own columns and the facts given. `run.name`
    /// is the name the run had when the link was made: its name now, unless a later
    /// `rename` link changed it (see `ChainFacts.name(_:runID:atLink:current:)`).
    func header(
        previous: String, run: (name: String, settingsSHA256: String), versions: [ChainHeader.Version],
        segments: [Int64: (ChainHeader.SegmentStart, ChainHeader.SegmentEnd)]
    ) -> ChainHeader {
        let opens = kind == "create" || kind == "attach"
        var closed = closedSegments.map { id in
            segments[id]?.1 ?? ChainHeader.SegmentEnd(id: id, endStep: nil, reason: "missing", endedAt: nil)
        }
        if kind == "close", let segmentID {
            closed = [
                segments[segmentID]?.1
                    ?? ChainHeader.SegmentEnd(id: segmentID, endStep: nil, reason: "missing", endedAt: nil)
            ]
        }
        return ChainHeader(
            previous: previous, runName: run.name, settingsSHA256: run.settingsSHA256, seq: seq, kind: kind,
            segmentID: segmentID, fromStep: fromStep, toStep: toStep, rowCount: rowCount, firstRowStep: firstRowStep,
            lastRowStep: lastRowStep, checkpointSHA256: checkpointSHA256, keepCheckpoints: keepCheckpoints,
            rowsSHA256: rowsSHA256, versions: versions.filter { $0.id <= (scheduleVersionID ?? Int64.min) },
            segmentStart: opens
                ? (segmentID.flatMap { segments[$0]?.0 }
                    ?? ChainHeader.SegmentStart(
                        id: segmentID ?? -1, startStep: -1, startedAt: "missing", pid: -1, host: "missing")) : nil,
            closed: closed, discarded: discardedCheckpoints.map { ($0.step, $0.sha256) }, renamedFrom: renamedFrom)
    }

    /// Stores the link.
    func insert(_ db: Database, runID: Int64, at now: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO chain_link (run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step,
                    last_row_step, rows_sha256, checkpoint_sha256, keep_checkpoints, schedule_version_id,
                    closed_segments, discarded_checkpoints, header, digest, at, renamed_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            runID, seq, kind, segmentID, fromStep, toStep, rowCount, firstRowStep, lastRowStep, rowsSHA256,
            checkpointSHA256,
            keepCheckpoints, scheduleVersionID, closedSegments.map { "\($0)" }.joined(separator: ","),
            discardedCheckpoints.map { "\($0.step):\($0.sha256)" }.joined(separator: ","),
            kind == "commit" ? "" : header, digest, now, renamedFrom,
        ])
    }

    /// The run's links in order.
    static func all(_ db: Database, runID: Int64) throws -> [ChainLink] {
        try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM chain_link WHERE run_id = ? ORDER BY seq", arguments: [runID]
        ).map(ChainLink.init(row:))
    }

    /// The run's last `count` links in order.
    static func last(_ count: Int, _ db: Database, runID: Int64) throws -> [ChainLink] {
        try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM chain_link WHERE run_id = ? ORDER BY seq DESC LIMIT ?",
            arguments: [runID, count]
        ).map(ChainLink.init(row:)).reversed()
    }
}
