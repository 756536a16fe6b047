/// A segment as a store holds it: who opened it, where, from which step, and how it ended.
struct StoredSegment {
    var id: Int64
    var pid: Int32
    var host: String
    var processStart: Int64?
    var bootID: String?
    var pidNamespace: String?
    var startStep: Int64
    var startedAt: String
    var heartbeatAt: String
    var rewoundFrom: Int64?
    var logEvery: Int64?
    var endStep: Int64?
    var endedAt: String?
    /// The stored end reason text, nil while open.
    var endReason: String?

    /// The segment as the public API shows it.
    ///
    /// - parameter run: the run's name, for the message of a time that does not parse.
    /// - throws: `LedgerError` `.corrupt` naming a time edited outside lrledger.
    func publicSegment(run: String) throws -> RunSegment {
        RunSegment(
            id: id, pid: pid, host: host, processStart: processStart, startStep: startStep, endStep: endStep,
            startedAt: try Timestamp.stored(startedAt, run: run, column: "segment.started_at"),
            endedAt: try endedAt.map { try Timestamp.stored($0, run: run, column: "segment.ended_at") },
            heartbeatAt: try Timestamp.stored(heartbeatAt, run: run, column: "segment.heartbeat_at"),
            endReason: endReason.flatMap(EndReason.init(rawValue:)), rewoundFrom: rewoundFrom)
    }

    /// The process holding the segment, for liveness decisions.
    var holder: SegmentHolder {
        SegmentHolder(
            segmentID: id, pid: pid, host: host, processStart: processStart, bootID: bootID,
            pidNamespace: pidNamespace, startedAt: startedAt, heartbeatAt: heartbeatAt)
    }
}

/// A segment to open: this process's identity and where it starts.
struct SegmentOpening {
    var runID: Int64
    var identity: ProcessIdentity
    var startStep: Int64
    var now: String
    var rewoundFrom: Int64?
    var logEvery: Int64?
}
