import Schedules

/// What a trainer asks for when it attaches to a run: the run's name, the schedule it
/// means to use, its target and its settings.
///
/// ```swift
/// let request = AttachRequest(
///     run: "demo", schedule: nil, defaultSchedule: try InverseTimeDecay(...), targetSteps: 10_000,
///     settings: #"{"model":"softmax","seed":7}"#)
/// ```
public struct AttachRequest: Sendable {
    /// The run's name: created when no run has it, resumed otherwise. Not empty.
    public var run: String
    /// The schedule the caller wants. `nil` means: the stored one when the run
    /// exists, `defaultSchedule` when it is created. When it differs from the
    /// schedule in force at the resume step (canonical JSON or dtype), the attach is
    /// refused unless `allowScheduleChange`.
    public var schedule: (any LearningRateSchedule)?
    /// The schedule for a new run when `schedule` is nil. When both are nil and the
    /// run does not exist, the attach fails with `.runNotFound`.
    public var defaultSchedule: (any LearningRateSchedule)?
    /// Allows `schedule` to differ from the stored one: the change is recorded as a
    /// new schedule version taking effect at the resume step.
    public var allowScheduleChange: Bool
    /// The run's target step count, stored (and updated on resume) for reports. >= 0.
    public var targetSteps: Int64
    /// Opaque text the trainer stores when the run is created (JSON of model, seed,
    /// batch size, ...). Ignored when the run exists: `RunWriter.settings` then
    /// returns the stored text, for the trainer to compare.
    public var settings: String
    /// Where the run's file checkpoints live. When given, the attach checks each file
    /// checkpoint's size and SHA-256 before resuming from it, and falls back past any
    /// that is missing or damaged (a recorded rewind). When nil, file references are
    /// trusted as committed.
    public var checkpointFolder: CheckpointFolder?

    /// Creates a request.
    ///
    /// - parameter run: the run's name.
    /// - parameter schedule: the schedule wanted, or nil for the stored one.
    /// - parameter defaultSchedule: the schedule for a new run when `schedule` is nil.
    /// - parameter allowScheduleChange: record a differing `schedule` instead of refusing it.
    /// - parameter targetSteps: the run's target step count.
    /// - parameter settings: the trainer's settings, stored when the run is created.
    /// - parameter checkpointFolder: the folder of the run's file checkpoints, to verify them.
    public init(
        run: String, schedule: (any LearningRateSchedule)? = nil,
        defaultSchedule: (any LearningRateSchedule)? = nil, allowScheduleChange: Bool = false,
        targetSteps: Int64, settings: String = "{}", checkpointFolder: CheckpointFolder? = nil
    ) {
        self.checkpointFolder = checkpointFolder
        self.run = run
        self.schedule = schedule
        self.defaultSchedule = defaultSchedule
        self.allowScheduleChange = allowScheduleChange
        self.targetSteps = targetSteps
        self.settings = settings
    }
}
