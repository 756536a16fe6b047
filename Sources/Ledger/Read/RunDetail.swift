/// Everything `lrledger show` prints about one run, from `Ledger.run(named:)`.
public struct RunDetail: Sendable {
    /// The run as `runs()` lists it.
    public let summary: RunSummary
    /// The settings the trainer stored when it created the run.
    public let settings: RunSettings
    /// Every segment, oldest first: the restart history.
    public let segments: [RunSegment]
    /// Every schedule version, in the order they take effect.
    public let schedules: [ScheduleVersion]
    /// The latest checkpoint, with its state bytes; nil when the run has none.
    public let latestCheckpoint: Checkpoint?
    /// How many checkpoints are kept.
    public let checkpointCount: Int
    /// How many canonical rate rows the run has.
    public let loggedRows: Int64
    /// How many rate rows were moved to the audit trail by resumes.
    public let supersededRows: Int64
    /// What happened to the run, oldest first.
    public let events: [RunEvent]
    /// The digest of the run's last chain link: keep it elsewhere (a log line, a ticket)
    /// to detect later even a history rewritten with every digest recomputed.
    public let chainHead: String?
    /// The number of the run's last chain link.
    public let chainLength: Int64

    public init(
        summary: RunSummary, settings: RunSettings, segments: [RunSegment], schedules: [ScheduleVersion],
        latestCheckpoint: Checkpoint?, checkpointCount: Int, loggedRows: Int64, supersededRows: Int64,
        events: [RunEvent], chainHead: String? = nil, chainLength: Int64 = 0
    ) {
        self.chainHead = chainHead
        self.chainLength = chainLength
        self.summary = summary
        self.settings = settings
        self.segments = segments
        self.schedules = schedules
        self.latestCheckpoint = latestCheckpoint
        self.checkpointCount = checkpointCount
        self.loggedRows = loggedRows
        self.supersededRows = supersededRows
        self.events = events
    }
}
