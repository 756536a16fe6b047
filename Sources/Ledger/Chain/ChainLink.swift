import Foundation

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

    /// Segment ids as stored: comma-separated.
    static func segmentList(_ text: String?) -> [Int64] {
        (text ?? "").split(separator: ",").compactMap { Int64($0) }
    }

    /// Checkpoints as stored: comma-separated `step:sha256` pairs.
    static func checkpointList(_ text: String?) -> [(step: Int64, sha256: String)] {
        (text ?? "").split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let step = Int64(parts[0]) else { return nil }
            return (step, String(parts[1]))
        }
    }

    /// `closedSegments` in its stored form.
    var closedSegmentsText: String { closedSegments.map { "\($0)" }.joined(separator: ",") }

    /// `discardedCheckpoints` in its stored form.
    var discardedCheckpointsText: String {
        discardedCheckpoints.map { "\($0.step):\($0.sha256)" }.joined(separator: ",")
    }
}
