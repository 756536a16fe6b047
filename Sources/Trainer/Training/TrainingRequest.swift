import Ledger
import Schedules

/// What to train: the run, its schedule, how far, and how often to log and commit.
public struct TrainingRequest: Sendable {
    /// The schedule a new run gets when none is given: Keras's documentation example,
    /// `InverseTimeDecay(initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5)`.
    public static var defaultSchedule: InverseTimeDecay {
        get throws {
            try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
        }
    }

    /// The run's name.
    public var run: String
    /// The schedule asked for, or nil: the stored one, or `defaultSchedule` for a new run.
    public var schedule: (any LearningRateSchedule)?
    /// Allow a resumed run to switch to `schedule` from its resume step on (recorded).
    public var allowScheduleChange: Bool
    /// The total number of optimizer updates the run should reach.
    public var targetSteps: Int64
    /// Log the rate (and loss) of every step that is a multiple of this.
    public var logEvery: Int64
    /// Commit the step counter, the logged rates and the model state every this many steps.
    public var checkpointEvery: Int64
    /// The workload settings asked for.
    public var settings: WorkloadSettingsRequest
    /// The most logged rows held in memory between checkpoints. When a long
    /// `checkpointEvery` would buffer more, the rows are committed with the step
    /// counter and no model state (see `TrainingService`), so memory stays bounded
    /// (about 32 bytes a row) whatever the interval. Default 100,000.
    public var maximumBufferedRows: Int = 100_000
    /// Whether the run may, must or must not be created (see `AttachRequest.Creation`).
    public var creation: AttachRequest.Creation
    /// Resume past damaged checkpoints (see `AttachRequest.discardDamagedCheckpoints`).
    public var discardDamagedCheckpoints = false

    public init(
        run: String, schedule: (any LearningRateSchedule)? = nil, allowScheduleChange: Bool = false,
        targetSteps: Int64, logEvery: Int64 = 1, checkpointEvery: Int64 = 100,
        settings: WorkloadSettingsRequest = WorkloadSettingsRequest(), creation: AttachRequest.Creation = .allowed
    ) {
        self.creation = creation
        self.run = run
        self.schedule = schedule
        self.allowScheduleChange = allowScheduleChange
        self.targetSteps = targetSteps
        self.logEvery = logEvery
        self.checkpointEvery = checkpointEvery
        self.settings = settings
    }

    /// Checks the name and the numbers, naming the option that is out of range.
    public func validate() throws {
        if let problem = Self.runNameProblem(run) { throw TrainingError(.invalidRequest, problem) }
        if maximumBufferedRows < 1 {
            throw TrainingError(.invalidRequest, "maximumBufferedRows must be >= 1, got \(maximumBufferedRows)")
        }
        if let problem = Self.intervalProblem(
            targetSteps: targetSteps, logEvery: logEvery, checkpointEvery: checkpointEvery)
        {
            throw TrainingError(.invalidRequest, problem)
        }
    }

    /// Why the step target and intervals cannot drive a run, naming the value out of
    /// range by `names` (the properties' own names by default; the command line gives its
    /// options'); nil when they can. The one check `lrledger train` and `validate()` share.
    package static func intervalProblem(
        targetSteps: Int64, logEvery: Int64, checkpointEvery: Int64,
        names: (steps: String, logEvery: String, checkpointEvery: String) = (
            "targetSteps", "logEvery", "checkpointEvery"
        )
    ) -> String? {
        if targetSteps < 0 { return "\(names.steps) must be >= 0, got \(targetSteps)" }
        if logEvery < 1 { return "\(names.logEvery) must be >= 1, got \(logEvery)" }
        if checkpointEvery < 1 { return "\(names.checkpointEvery) must be >= 1, got \(checkpointEvery)" }
        return nil
    }

    /// Why `name` cannot name a run, or nil when it can: `RunName.problem(_:)`.
    public static func runNameProblem(_ name: String) -> String? {
        RunName.problem(name)
    }
}
