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
/// `interrupted` and returns.
///
/// ```swift
/// let service = TrainingService(ledgerPath: "lrledger.sqlite", request: request, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [.init(service: service,
///     successTerminationBehavior: .gracefullyShutdownGroup)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
public final class TrainingService: Service, @unchecked Sendable {
    private let ledgerPath: String
    private let configuration: LedgerConfiguration
    private let request: TrainingRequest
    private let logger: Logger
    private let progress: TrainingProgress
    private let announce: (@Sendable (String) -> Void)?
    private var result: TrainingOutcome?

    /// - parameter ledgerPath: the ledger file; created when missing, but only once the
    ///   request, the settings and the data have been checked.
    /// - parameter progress: how to show progress; by default a live line when standard
    ///   error is a terminal, log lines otherwise.
    /// - parameter announce: called with one line when the run or the ledger file is created.
    public init(
        ledgerPath: String, configuration: LedgerConfiguration = LedgerConfiguration(), request: TrainingRequest,
        logger: Logger, progress: TrainingProgress? = nil, announce: (@Sendable (String) -> Void)? = nil
    ) {
        self.announce = announce
        self.ledgerPath = ledgerPath
        self.configuration = configuration
        self.request = request
        self.logger = logger
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
        let existing = try Self.existingRun(named: request.run, at: ledgerPath, busyTimeout: configuration.busyTimeout)
        let storedSettings = try existing.map { try WorkloadSettings(jsonText: $0.settings) }
        let settings = try request.settings.resolve(against: storedSettings)
        var workload = try makeWorkload(settings: settings)
        let requested = request.schedule
        let sameSchedule = { (run: RunSummary) in
            requested.map { $0.canonicalJSON == run.schedule && $0.dtype == run.dtype } ?? true
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
            settings: workload.settings.jsonText(), creation: request.creation, logEvery: request.logEvery)
        attachRequest.discardDamagedCheckpoints = request.discardDamagedCheckpoints
        // Opening the file read-write writes to it, so refuse what the attach would refuse
        // (a live writer, a tampered history, an unasked schedule change, a name close to
        // another run's) first.
        try Ledger.checkAttach(path: ledgerPath, busyTimeout: configuration.busyTimeout, attachRequest)
        let ledger = try Ledger(path: ledgerPath, configuration: configuration)
        let writer = try ledger.attach(attachRequest)
        if ledger.createdFile { announce?("created ledger \(Self.absolute(ledgerPath))") }
        if writer.createdRun { announce?("created run \(request.run) in \(Self.absolute(ledgerPath))") }
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
                    "run '\(request.run)' is at step \(writer.resumeStep) but has no checkpoint to continue its model from")
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
            let outcome = try await loop(writer: writer, workload: &workload, logger: logger)
            try writer.close(reason: outcome.kind == .finished ? .finished : .interrupted)
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

    /// `path` made absolute, for the lines that say what was created.
    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The stored run, read without writing anything; nil when the file or the run does not exist.
    private static func existingRun(named name: String, at path: String, busyTimeout: Double) throws
        -> (summary: RunSummary, settings: String)?
    {
        // No file, or an empty one (which SQLite treats as an empty database): a new ledger.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int, size > 0 else { return nil }
        do {
            return try Ledger.openReadOnly(path: path, busyTimeout: busyTimeout).summaryAndSettings(ofRun: name)
        } catch let error as LedgerError
            where error.code == .runNotFound || error.code == .olderSchema || error.code == .notALedger
        {
            // A run that does not exist yet, a ledger this build will migrate when it opens
            // it, or an SQLite database without tables (left by a creation that ran out of
            // disk space) that it will make a ledger. The read-write open refuses, writing
            // nothing, another program's database.
            return nil
        }
    }

    /// The hot loop: one update per step, a commit every `checkpointEvery` steps.
    private func loop(writer: RunWriter, workload: inout any Workload, logger: Logger) async throws -> TrainingOutcome {
        let schedule = writer.schedule
        let dtype = schedule.dtype
        let target = request.targetSteps
        let logEvery = request.logEvery
        let checkpointEvery = request.checkpointEvery
        let start = writer.resumeStep
        var step = start
        var committed = start
        var lastLoss: Double?
        // Rates come in blocks: one call through the existential per block, not per step.
        var rates = [Double](repeating: 0, count: 1024)
        var ratesStart = step
        schedule.rates(from: ratesStart, into: &rates)
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
                if committed != step { try? writer.commit(step: step, state: workload.encodeState()) }
                throw error
            }
            if step % logEvery == 0 {
                writer.log(step: step, rate: rate, loss: loss)
            }
            lastLoss = loss
            step += 1
            if step % checkpointEvery == 0 {
                try writer.commit(step: step, state: workload.encodeState())
                committed = step
                // Let the signal handlers and other tasks run between commits.
                await Task.yield()
            }
            if step & 255 == 0 {
                progress.update(step: step, target: target, rate: RateText.string(rate, dtype: dtype), loss: lastLoss)
            }
        }
        if committed != step {
            try writer.commit(step: step, state: workload.encodeState())
        }
        progress.finish()
        return TrainingOutcome(kind: step >= target ? .finished : .interrupted, step: step, trainedSteps: step - start)
    }
}
