/// One segment of a run: a process that attached to it. A row of the `segments` view
/// plus the liveness details.
public struct RunSegment: Sendable, Hashable {
    /// The segment's id, also the `segment` column of `rate_history`.
    public let id: Int64
    /// The attached process's id.
    public let pid: Int32
    /// The host it ran on.
    public let host: String
    /// The process start time (field 22 of `/proc/<pid>/stat`), nil where unknown.
    public let processStart: Int64?
    /// The step it resumed at.
    public let startStep: Int64
    /// The committed step when it ended; nil while open.
    public let endStep: Int64?
    /// When it attached.
    public let startedAt: Timestamp
    /// When it ended (for a crash: its last heartbeat); nil while open.
    public let endedAt: Timestamp?
    /// Its last heartbeat (updated at each commit).
    public let heartbeatAt: Timestamp
    /// Why it ended; nil while open.
    public let endReason: EndReason?
    /// The committed step before it rewound to its checkpoint, if it did.
    public let rewoundFrom: Int64?

    public init(
        id: Int64, pid: Int32, host: String, processStart: Int64?, startStep: Int64, endStep: Int64?,
        startedAt: Timestamp, endedAt: Timestamp?, heartbeatAt: Timestamp, endReason: EndReason?, rewoundFrom: Int64?
    ) {
        self.id = id
        self.pid = pid
        self.host = host
        self.processStart = processStart
        self.startStep = startStep
        self.endStep = endStep
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.heartbeatAt = heartbeatAt
        self.endReason = endReason
        self.rewoundFrom = rewoundFrom
    }
}
