import Schedules

/// What a trainer asks for when it attaches to a run: the run's name, the schedule it
/// means to use, its target and its settings.
///
/// ```swift
/// let request = AttachRequest(
///     run: "demo", schedule: nil, defaultSchedule: try InverseTimeDecay(...), targetSteps: 10_000,
///     settings: try RunSettings(json: #"{"model":"softmax","seed":7}"#))
/// ```
public struct AttachRequest: Sendable {
    /// Whether the attach may, must or must not create the run.
    public enum Creation: String, Sendable, Hashable {
        /// Create the run when no run has its name, unless another run's name differs
        /// from it only by case or a small edit (a typo would otherwise start a run over
        /// from step 0): that is refused with `.similarRunExists`.
        case allowed
        /// Create the run, also beside runs with similar names; refuse with `.runExists`
        /// when a run has exactly this name.
        case required
        /// Never create: refuse with `.runNotFound` when no run has the name.
        case forbidden
    }

    /// The run's name: created when no run has it (see `creation`), resumed otherwise.
    /// Not empty.
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
    /// The settings the trainer stores when the run is created (a JSON object of model,
    /// seed, batch size, ...). Ignored when the run exists: `RunWriter.settings` then
    /// returns the stored ones, for the trainer to compare. Default `.empty`.
    public var settings: RunSettings
    /// Where the run's file checkpoints live. When given, the attach checks each file
    /// checkpoint's size and SHA-256 before resuming from it, and falls back past any
    /// that is missing or damaged (a recorded rewind). When nil, file references are
    /// trusted as committed.
    public var checkpointFolder: CheckpointFolder?
    /// Whether the attach may create the run. Default `.allowed`.
    public var creation: Creation
    /// The segment logs exactly the steps that are multiples of this (the trainer's
    /// `--log-every`); commits check it and `audit` names any such step missing from the
    /// history. Nil: the writer promises no interval and the audit checks the rows each
    /// commit recorded. >= 1.
    public var logEvery: Int64?
    /// When the latest checkpoints' bytes no longer match their SHA-256 (damaged on disk):
    /// false refuses to resume, naming them; true resumes from the newest intact
    /// checkpoint, deleting the damaged ones above it, and records both in the run's chain
    /// and events: a deliberate, audited rewind. Default false.
    public var discardDamagedCheckpoints: Bool = false
    /// How many of the latest checkpoints this segment's commits keep, or nil for the
    /// ledger's `LedgerConfiguration.keepCheckpoints`. >= 1.
    public var keepCheckpoints: Int?
    /// The writer recorded on the segment: this process. (Tests stand in for a process
    /// on another host with another identity.)
    var identity: ProcessIdentity = .current

    /// Creates a request.
    ///
    /// - parameter run: the run's name.
    /// - parameter schedule: the schedule wanted, or nil for the stored one.
    /// - parameter defaultSchedule: the schedule for a new run when `schedule` is nil.
    /// - parameter allowScheduleChange: record a differing `schedule` instead of refusing it.
    /// - parameter targetSteps: the run's target step count.
    /// - parameter settings: the trainer's settings, stored when the run is created.
    /// - parameter creation: whether the run may, must or must not be created.
    /// - parameter logEvery: the interval of the steps the segment logs, or nil.
    /// - parameter checkpointFolder: the folder of the run's file checkpoints, to verify them.
    public init(
        run: String, schedule: (any LearningRateSchedule)? = nil,
        defaultSchedule: (any LearningRateSchedule)? = nil, allowScheduleChange: Bool = false,
        targetSteps: Int64, settings: RunSettings = .empty, creation: Creation = .allowed, logEvery: Int64? = nil,
        checkpointFolder: CheckpointFolder? = nil
    ) {
        self.creation = creation
        self.logEvery = logEvery
        self.checkpointFolder = checkpointFolder
        self.run = run
        self.schedule = schedule
        self.defaultSchedule = defaultSchedule
        self.allowScheduleChange = allowScheduleChange
        self.targetSteps = targetSteps
        self.settings = settings
    }
}
