import Foundation
import Logging
import Schedules

/// The writing end of one segment of a run: buffers logged rates in memory and
/// commits them with the step counter and a checkpoint in one transaction.
///
/// Get one from `Ledger.attach(_:)`. Resume at `resumeStep` (the next update uses
/// `schedule.rate(at: resumeStep)`), from `checkpoint`'s state when there is one.
/// `log` appends to memory only; `commit(step:state:)` writes the rows logged for
/// steps before `step`, sets the run's step counter to `step`, stores the state and
/// refreshes the heartbeat, all in one transaction; `close(reason:)` ends the
/// segment. Rows still buffered at `close` are dropped: their steps' state was
/// never committed.
///
/// ```swift
/// let writer = try ledger.attach(request)
/// var step = writer.resumeStep
/// while step < target {
///     let rate = writer.schedule.rate(at: step)
///     train(rate)
///     writer.log(step: step, rate: rate, loss: loss)
///     step += 1
///     if step % 1000 == 0 { try writer.commit(step: step, state: encode(model)) }
/// }
/// try writer.commit(step: step, state: encode(model))
/// try writer.close(reason: .finished)
/// ```
///
/// Use a writer from one task at a time; its methods take a lock, so misuse from
/// several threads is serialized rather than corrupting the buffer. A writer
/// released without `close` leaves its segment open; the next attach in this or
/// another process closes it as `crashed`.
public final class RunWriter: @unchecked Sendable {
    /// The run's name.
    public let runName: String
    /// The run's row id in the `run` table.
    public let runID: Int64
    /// This writer's segment (the `id` in `segments`).
    public let segmentID: Int64
    /// The step to resume at: the committed counter, or the latest checkpoint's step.
    /// The next update uses `schedule.rate(at: resumeStep)`.
    public let resumeStep: Int64
    /// The schedule in force from `resumeStep` on.
    public let schedule: any LearningRateSchedule
    /// The checkpoint resumed from (the latest one), or nil when the run has none.
    public let checkpoint: Checkpoint?
    /// The settings stored when the run was created, for the trainer to compare.
    public let settings: RunSettings
    /// The run's target step count, as updated by this attach.
    public let targetSteps: Int64
    /// True when this attach created the run.
    public let createdRun: Bool
    /// True when this attach recorded a new schedule version (at `resumeStep`).
    public let scheduleChanged: Bool
    /// The committed step counter before this attach rewound it to the checkpoint,
    /// or nil when it did not rewind.
    public let rewoundFrom: Int64?
    /// Canonical rate rows this attach moved to the audit trail (`rate_log_superseded`)
    /// because they were logged at or past the step it resumes from.
    public let supersededRows: Int
    /// Segments this attach found left open by dead processes and closed as crashed.
    public let recoveredSegments: [Int64]
    /// Newer file checkpoints this attach passed over (missing or damaged files); their
    /// rows are gone, and the caller may remove what is left of their files.
    public let discardedCheckpoints: [DiscardedCheckpoint]

    let store: any LedgerStore
    let keepCheckpoints: Int
    let logger: Logger
    let liveKey: String?

    let lock = NSLock()
    var buffer: [LoggedRate] = []
    /// The step counter as last committed by this writer.
    var committedStep: Int64
    /// The last step passed to `log`, to check that steps increase.
    var lastLoggedStep: Int64
    /// The first out-of-order `log` call, reported by the next commit.
    var orderViolation: (previous: Int64, step: Int64)?
    var isClosed = false
    /// Where the run's hash chain stands; advanced by each commit and the close.
    var chain: ChainCursor
    /// The log interval the segment promised, checked at each commit.
    let logEvery: Int64?
    /// Reused memory for the raw bytes of the rows a commit hashes.
    var digestScratch: [UInt8] = []

    init(
        outcome: AttachOutcome, runName: String, store: any LedgerStore, keepCheckpoints: Int, logger: Logger,
        liveKey: String?
    ) {
        self.runName = runName
        self.runID = outcome.runID
        self.segmentID = outcome.segmentID
        self.resumeStep = outcome.resumeStep
        self.schedule = outcome.schedule
        self.checkpoint = outcome.checkpoint
        self.settings = outcome.settings
        self.targetSteps = outcome.targetSteps
        self.createdRun = outcome.createdRun
        self.scheduleChanged = outcome.scheduleChanged
        self.rewoundFrom = outcome.rewoundFrom
        self.supersededRows = outcome.supersededRows
        self.recoveredSegments = outcome.recoveredSegments
        self.discardedCheckpoints = outcome.discardedCheckpoints
        self.store = store
        self.keepCheckpoints = keepCheckpoints
        self.logger = logger
        self.liveKey = liveKey
        self.committedStep = outcome.resumeStep
        self.lastLoggedStep = outcome.resumeStep - 1
        self.chain = outcome.chain
        self.logEvery = outcome.logEvery
        buffer.reserveCapacity(1024)
    }

    deinit {
        if let liveKey { LiveWriters.shared.remove(liveKey) }
    }

    /// The step counter as last committed by this writer.
    public var committed: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return committedStep
    }

    /// True once the segment is closed (by `close(reason:)` or `withRun`'s end).
    public var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return isClosed
    }

    /// How many logged rows wait for a commit.
    public var bufferedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return buffer.count
    }

    /// Buffers the rate (and optional loss) used at `step`, in memory only.
    ///
    /// Steps must increase and be at least the committed step; a violation is
    /// reported by the next `commit`, which then writes nothing. Cost: one append to
    /// an array that keeps its capacity across commits.
    ///
    /// - parameter step: the optimizer step the rate was used at.
    /// - parameter rate: the rate, a value of the schedule's dtype widened to `Double`; not NaN.
    /// - parameter loss: the loss at that step, if any (a NaN loss is stored as NULL).
    public func log(step: Int64, rate: Double, loss: Double? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if step <= lastLoggedStep, orderViolation == nil {
            orderViolation = (lastLoggedStep, step)
        }
        lastLoggedStep = step
        buffer.append(LoggedRate(step: step, rate: rate, loss: loss ?? 0, hasLoss: loss != nil))
    }

    /// Refuses any call once the writer is closed.
    func checkOpen(_ action: String) throws {
        guard !isClosed else {
            throw LedgerError(
                .invalidArgument,
                "cannot \(action): the writer of run \(runName) (segment \(segmentID)) is closed; attach again to continue"
            )
        }
    }
}
