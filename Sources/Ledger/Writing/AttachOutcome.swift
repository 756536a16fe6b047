import Schedules

/// What an attach transaction decided, handed to the `RunWriter` it creates.
struct AttachOutcome {
    var runID: Int64
    var segmentID: Int64
    var resumeStep: Int64
    var schedule: any LearningRateSchedule
    var checkpoint: Checkpoint?
    var settings: RunSettings
    var targetSteps: Int64
    var createdRun: Bool
    var scheduleChanged: Bool
    var rewoundFrom: Int64?
    var supersededRows: Int
    var recoveredSegments: [Int64]
    var discardedCheckpoints: [DiscardedCheckpoint]
    var chain: ChainCursor
    var logEvery: Int64?
}
