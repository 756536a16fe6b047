import Foundation
import Ledger
import Logging
import Schedules
import ServiceLifecycle

/// Trains one run to its target, resuming from the run's committed step.
///
/// Each update uses the rate the schedule gives for its step. Every `checkpointEvery`
/// steps, and when stopping, one ledger transaction commits the step counter, the
/// rates logged since the last commit and the workload's complete state, so a run
/// killed at any instant resumes exactly where its last commit left it.
///
/// Run it in a `ServiceGroup` with `gracefulShutdownSignals: [.sigterm, .sigint]`: on a
/// signal the loop finishes the current step, commits, closes its segment as
/// `interrupted` and returns. The loop checks for shutdown at every step and lets the
/// signal's task run every few milliseconds, so a stop takes effect in well under a
/// second whatever `checkpointEvery` is, also on a single CPU.
///
/// Memory stays bounded whatever `checkpointEvery` is: when `maximumBufferedRows`
/// logged rows wait for a checkpoint, they are committed with the step counter and no
/// model state. A run killed after such a commit resumes from its last checkpoint: the
/// attach rewinds the counter to it and moves the rows past it to
/// `rate_log_superseded`, and training, being deterministic, logs the same rows again;
/// the finished run is identical to an uninterrupted one. A new run that may need this
/// commits its initial state at step 0 first, so there is always a checkpoint to rewind to.
///
/// When another connection holds the write lock (a trainer of another run stopped in
/// a commit, a `sqlite3` shell in a transaction), the trainer waits, retrying with
/// backoff and logging that it waits, unless told not to (`waitsForLock`).
///
/// ```swift
/// let ledger = try Ledger(path: "lrledger.sqlite")
/// let service = TrainingService(ledger: ledger, request: request, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [.init(service: service,
///     successTerminationBehavior: .gracefullyShutdownGroup)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
public final class TrainingService: Service, @unchecked Sendable {
    private let ledger: Ledger
    private let request: TrainingRequest
    private let logger: Logger
    private let progress: TrainingProgress
    private let waitsForLock: Bool
    private let announce: (@Sendable (String) -> Void)?
    private var result: TrainingOutcome?

    /// - parameter ledger: the ledger, opened read-write; a ledger not made yet is made
    ///   by the attach, once the request, the settings and the data have been checked.
    /// - parameter progress: how to show progress; by default a live line when standard
    ///   error is a terminal, log lines otherwise.
    /// - parameter waitsForLock: when another connection holds the write lock past
    ///   the ledger's busy timeout, log that and try again with backoff for as long as
    ///   it takes (true, the default), or fail with `LedgerError.Code.busy` (false: the
    ///   busy timeout is then the bound a user asked for).
    /// - parameter announce: called with one line when the run or the ledger file is created.
    public init(
        ledger: Ledger, request: TrainingRequest, logger: Logger, progress: TrainingProgress? = nil,
        waitsForLock: Bool = true,
        announce: (@Sendable (String) -> Void)? = nil
    ) {
        self.announce = announce
        self.ledger = ledger
        self.request = request
        self.logger = logger
        self.waitsForLock = waitsForLock
        self.progress =
            progress ?? TrainingProgress(logger: logger, liveLine: TrainingProgress.standardErrorIsTerminal)
    }

    /// How the last `run()` ended, once it has returned.
    public var outcome: TrainingOutcome? { result }

    public func run() async throws {
        result = try await train()
    }

    /// Trains and returns how it ended. See the type's documentation.
    ///
    /// - throws: `TrainingError`, `LedgerError`, `WorkloadError`, `DatasetError` or
    ///   `CheckpointError`, each with a message for the user. Nothing is written to the
    ///   ledger when the request is refused before training starts.
    public func train() async throws -> TrainingOutcome {
        try request.validate()
        var logger = self.logger
        logger[metadataKey: "run"] = "\(request.run)"

        // Refusals come before anything is written: settings, data, a finished run.
        let (existing, missing) = try existingRun(named: request.run)
        // A new run trained to step 0 would be an empty run left behind: refuse it.
        if missing, request.targetSteps == 0 {
            throw TrainingError(
                .invalidRequest,
                "run \(request.run) does not exist, and a target of 0 steps would create it with nothing trained; give the number of steps to train it to"
            )
        }
        let storedSettings = try existing.map { try WorkloadSettings(jsonText: $0.settings.json) }
        let settings = try request.settings.resolve(against: storedSettings)
        var workload = try makeWorkload(settings: settings, maximumStateBytes: Ledger.maximumCheckpointBytes)
        let requested = request.schedule
        // The same schedule is one computing the same rates (see `computesSameRates(as:)`).
        let sameSchedule = { (run: RunSummary) in
            requested.map { requested in
                (try? ScheduleCodec.decode(run.schedule, dtype: run.dtype)).map { requested.computesSameRates(as: $0) }
                    ?? false
            } ?? true
        }
        if let existing, existing.summary.status == .finished, existing.summary.step >= request.targetSteps,
            sameSchedule(existing.summary)
        {
            logger.info("run already finished", metadata: ["step": "\(existing.summary.step)"])
            return TrainingOutcome(kind: .alreadyFinished, step: existing.summary.step, trainedSteps: 0)
        }

        var attachRequest = AttachRequest(
            run: request.run, schedule: request.schedule, defaultSchedule: try TrainingRequest.defaultSchedule,
            allowScheduleChange: request.allowScheduleChange, targetSteps: request.targetSteps,
            settings: try RunSettings(json: workload.settings.jsonText()), creation: request.creation,
            logEvery: request.logEvery)
        attachRequest.discardDamagedCheckpoints = request.discardDamagedCheckpoints
        // The attach refuses in its own transaction, writing nothing (and a ledger not
        // made yet is made only when the attach is not refused).
        let ledger = self.ledger
        // A server that cannot be reached at the start is refused at once: a wrong host
        // or port is bad input, not a restart to wait out.
        let writer = try await waitingForLock("attach", logger: logger, retryingUnavailable: false) {
            try ledger.attach(attachRequest)
        }
        if ledger.isNew { announce?("created ledger \(Self.absolute(ledger.location))") }
        if writer.createdRun { announce?("created run \(request.run) in \(Self.absolute(ledger.location))") }
        logger[metadataKey: "segment"] = "\(writer.segmentID)"
        do {
            if let checkpoint = writer.checkpoint {
                do {
                    try workload.restore(from: checkpoint.state)
                } catch {
                    throw TrainingError(
                        .checkpointUnusable,
                        "the checkpoint at step \(checkpoint.step) of run '\(request.run)' does not restore: \(error)")
                }
            } else if writer.resumeStep > 0 {
                throw TrainingError(
                    .missingCheckpoint,
                    "run '\(request.run)' is at step \(writer.resumeStep) but has no checkpoint to continue its model from"
                )
            }
            guard workload.updateCount == UInt64(writer.resumeStep) else {
                throw TrainingError(
                    .checkpointUnusable,
                    "the checkpoint of run '\(request.run)' holds \(workload.updateCount) updates but the run resumes at step \(writer.resumeStep)"
                )
            }
            logger.info(
                writer.resumeStep == 0 ? "training a new run" : "resuming",
                metadata: [
                    "step": "\(writer.resumeStep)", "target": "\(request.targetSteps)",
                    "schedule": "\(writer.schedule.summary)", "dtype": "\(writer.schedule.dtype)",
                ])
            if writer.checkpoint == nil, writer.resumeStep == 0, mayCommitWithoutState {
                // Commits without a state need a checkpoint to rewind to.
                let state = workload.encodeState()
                try await waitingForLock("commit step 0", logger: logger) { try writer.commit(step: 0, state: state) }
            }
            let outcome = try await loop(writer: writer, workload: &workload, logger: logger)
            let reason: EndReason = outcome.kind == .finished ? .finished : .interrupted
            try await waitingForLock("close the segment", logger: logger) { try writer.close(reason: reason) }
            logger.info(
                outcome.kind == .finished ? "run finished" : "interrupted; run the same command to resume",
                metadata: ["step": "\(outcome.step)", "trained": "\(outcome.trainedSteps)"])
            return outcome
        } catch {
            progress.finish()
            try? writer.close(reason: .failed)
            throw error
        }
    }

    /// `location` made absolute when it is a file path, for the lines that say what was
    /// created; a server's URL (already without its password) as it is.
    private static func absolute(_ location: String) -> String {
        if location.hasPrefix("/") || location.hasPrefix("postgres://") { return location }
        return FileManager.default.currentDirectoryPath + "/" + location
    }

    /// The stored run, read once without writing anything: nil when the run does not
    /// exist or cannot be read yet, and whether it certainly does not exist (false for a
    /// ledger this build migrates with its first write, the attach, which checks then).
    private func existingRun(named name: String) throws -> (
        run: (summary: RunSummary, settings: RunSettings)?, missing: Bool
    ) {
        do {
            return (try ledger.summaryAndSettings(ofRun: name), false)
        } catch let error as LedgerError where error.code == .runNotFound {
            return (nil, true)
        } catch let error as LedgerError where error.code == .olderSchema {
            return (nil, false)
        }
    }

    /// Whether rows may be committed without a state: when more than
    /// `maximumBufferedRows` rows could be logged between two checkpoints.
    private var mayCommitWithoutState: Bool {
        let rowsPerCheckpoint = (request.checkpointEvery - 1) / request.logEvery + 1
        return rowsPerCheckpoint > Int64(request.maximumBufferedRows)
    }

    /// The hot loop: one update per step, a commit every `checkpointEvery` steps, and a
    /// commit without state whenever `maximumBufferedRows` rows wait.
    private func loop(writer: RunWriter, workload: inout any Workload, logger: Logger) async throws -> TrainingOutcome {
        let schedule = writer.schedule
        let dtype = schedule.dtype
        let target = request.targetSteps
        let logEvery = request.logEvery
        let checkpointEvery = request.checkpointEvery
        let maximumBuffered = request.maximumBufferedRows
        let start = writer.resumeStep
        var step = start
        // The step of the last commit with the model's state; commits without it (for
        // bounded memory) leave it behind, and the last commit must catch up.
        var checkpointed = start
        var buffered = 0
        var lastLoss: Double?
        // Rates come in blocks: one call through the existential per block, not per step.
        var rates = [Double](repeating: 0, count: 1024)
        var ratesStart = step
        schedule.rates(from: ratesStart, into: &rates)
        // The signal's task needs this one to yield now and then (on one CPU it has no
        // other thread): every `yieldInterval`, the clock read every 8 steps.
        let clock = ContinuousClock()
        let yieldInterval = Duration.milliseconds(10)
        var lastYield = clock.now
        progress.start(at: step)
        while step < target {
            if Task.isShuttingDownGracefully { break }
            if step - ratesStart >= Int64(rates.count) {
                ratesStart = step
                schedule.rates(from: ratesStart, into: &rates)
            }
            let rate = rates[Int(step - ratesStart)]
            let loss: Double?
            do {
                loss = try workload.step(rate: rate)
            } catch {
                // The workload is unchanged when a step fails: keep the steps before it.
                progress.finish()
                if checkpointed != step { _ = try? writer.commit(step: step, state: workload.encodeState()) }
                throw error
            }
            if step % logEvery == 0 {
                writer.log(step: step, rate: rate, loss: loss)
                buffered += 1
            }
            lastLoss = loss
            step += 1
            if step % checkpointEvery == 0 {
                let state = workload.encodeState()
                let at = step
                try await waitingForLock("commit step \(at)", logger: logger) {
                    try writer.commit(step: at, state: state)
                }
                checkpointed = step
                buffered = 0
            } else if buffered >= maximumBuffered {
                // Bounded memory: the rows and the counter, without the model's state.
                let at = step
                try await waitingForLock("commit step \(at)", logger: logger) {
                    try writer.commit(step: at, state: nil)
                }
                buffered = 0
            }
            if step & 7 == 0 {
                let now = clock.now
                if now - lastYield >= yieldInterval {
                    await Task.yield()
                    lastYield = now
                }
            }
            if step & 255 == 0 {
                progress.update(step: step, target: target, rate: RateText.string(rate, dtype: dtype), loss: lastLoss)
            }
        }
        if checkpointed != step {
            let state = workload.encodeState()
            let at = step
            try await waitingForLock("commit step \(at)", logger: logger) { try writer.commit(step: at, state: state) }
        }
        progress.finish()
        return TrainingOutcome(kind: step >= target ? .finished : .interrupted, step: step, trainedSteps: step - start)
    }

    // MARK: - Waiting for the write lock

    /// Runs `body`, and while it fails because another connection holds the write lock,
    /// logs that it waits and tries again with backoff (when `waitsForLock`). Each
    /// attempt itself waits up to the busy timeout inside the store. While the store's
    /// server is unavailable and nothing of the attempt was saved (`.unavailable`), it
    /// tries again too, for `unavailableLimit` at most, when `retryingUnavailable`.
    @discardableResult
    private func waitingForLock<T>(
        _ action: String, logger: Logger, retryingUnavailable: Bool = true, _ body: () throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let started = clock.now
        var pause = Duration.milliseconds(50)
        var attempt = 0
        var unavailableSince: ContinuousClock.Instant?
        while true {
            let waited: Duration
            let message: Logger.Message
            var metadata: Logger.Metadata = [:]
            do {
                return try body()
            } catch let error as LedgerError where error.code == .busy {
                guard waitsForLock else { throw error }
                waited = clock.now - started
                message =
                    "waiting for the write lock: another connection holds it (a trainer of another run, a sqlite3 shell)"
            } catch let error as LedgerError where error.code == .unavailable && retryingUnavailable {
                // The server is restarting or out of reach, and nothing of the attempt was
                // saved: try again for a while. If another host took the run over
                // meanwhile, the retry is refused by the ledger's fence, never committed.
                let since = unavailableSince ?? clock.now
                unavailableSince = since
                guard clock.now - since < Self.unavailableLimit else { throw error }
                waited = clock.now - since
                message = "the ledger's server is unavailable; retrying"
                metadata["error"] = "\(error.message)"
            }
            attempt += 1
            progress.finish()
            metadata["action"] = "\(action)"
            metadata["path"] = "\(ledger.location)"
            metadata["waited_seconds"] = "\(waited.components.seconds)"
            metadata["attempt"] = "\(attempt)"
            logger.warning(message, metadata: metadata)
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    /// How long the trainer retries while the ledger's server is unavailable before it
    /// gives up with the error: a server restart takes seconds, a partition may last
    /// longer than the lease (then the retry meets the fence).
    static let unavailableLimit = Duration.seconds(300)
}
