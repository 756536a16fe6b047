/// A run's summary, segments and schedule versions, from `Ledger.outline(ofRun:)`:
/// what a reader of its rates (`history`, `plot`) needs, without the counts, events and
/// checkpoint state of `RunDetail`, so it costs the same whatever the run's length.
public struct RunOutline: Sendable {
    /// The run as `runs()` lists it.
    public let summary: RunSummary
    /// Every segment, oldest first: the restart history.
    public let segments: [RunSegment]
    /// Every schedule version, in the order they take effect.
    public let schedules: [ScheduleVersion]

    public init(summary: RunSummary, segments: [RunSegment], schedules: [ScheduleVersion]) {
        self.summary = summary
        self.segments = segments
        self.schedules = schedules
    }
}
