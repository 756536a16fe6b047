import ArgumentParser
import Foundation
import Ledger
import Logging
import Schedules
import ServiceLifecycle
import Trainer

extension ModelKind: ExpressibleByArgument {}

extension LRLedger {
    /// `lrledger train`: creates or resumes a run and trains it to its target.
    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or resume a run and train it to --steps total updates.",
            discussion: """
                A new run gets the schedule options given (default: InverseTimeDecay(0.1, 1.0, 0.5), \
                the Keras documentation's example). An existing run resumes from its committed step \
                with its stored schedule and settings; a different schedule is refused unless \
                --change-schedule is given. SIGTERM or SIGINT finishes the current step, commits and \
                exits 0; after a kill or crash, run the same command again to resume.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The run's name.")
        var run: String

        @OptionGroup(title: "Schedule") var schedule: ScheduleOptions

        @Flag(help: "Allow a resumed run to switch to the given schedule from its resume step (recorded).")
        var changeSchedule = false

        @Flag(help: "Create a new run, also beside a run with a similar name; refused if the run exists.")
        var new = false

        @Flag(help: "Resume from the newest intact checkpoint, discarding newer damaged ones (recorded).")
        var discardDamagedCheckpoints = false

        @Option(parsing: .unconditional, help: "Total optimizer updates the run should reach.")
        var steps: Int64

        @Option(parsing: .unconditional, help: "Log the rate (and loss) of every K-th step.")
        var logEvery: Int64 = 1

        @Option(parsing: .unconditional, help: "Commit the step counter, rates and model state every C steps.")
        var checkpointEvery: Int64 = 100

        @Option(help: "The workload: softmax (logistic regression by SGD) or none (schedule only). Default softmax.")
        var model: ModelKind?

        @Option(help: "A CSV file to train on: numeric features, last column an integer class label.")
        var data: String?

        @Option(
            parsing: .unconditional,
            help: "The seed for initial weights, data order and the built-in data set (default 0).")
        var seed: UInt64?

        @Option(parsing: .unconditional, help: "Samples per update (default 32).")
        var batchSize: Int?

        @Option(parsing: .unconditional, help: "SGD momentum in [0, 1) (default 0).")
        var momentum: Double?

        @Option(parsing: .unconditional, help: "How many of the latest checkpoints to keep.")
        var keepCheckpoints = 3

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp(
                "Take over a run whose writer is on another host once its last heartbeat is this many seconds old (default 900). Every host of a fleet should use the same lease, longer than the time between two commits.",
                valueName: "seconds"))
        var lease: Double = 900

        @Flag(help: "Commit with synchronous=FULL: survive power loss, at some speed cost.")
        var fullSync = false

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp(
                "Give up after waiting this many seconds for another program's lock on the database (default: wait, logging each wait).",
                valueName: "seconds"))
        var busyTimeout: Double?

        func validate() throws {
            if let problem = TrainingRequest.intervalProblem(
                targetSteps: steps, logEvery: logEvery, checkpointEvery: checkpointEvery,
                names: ("--steps", "--log-every", "--checkpoint-every"))
            {
                throw ValidationError(problem)
            }
            if keepCheckpoints < 1 { throw ValidationError("--keep-checkpoints must be >= 1, got \(keepCheckpoints)") }
            if let problem = TrainingRequest.runNameProblem(run) { throw ValidationError(problem) }
            if let busyTimeout, !(0...86_400).contains(busyTimeout) {
                throw ValidationError("--busy-timeout must be a number of seconds from 0 to 86400, got \(busyTimeout)")
            }
            if !(lease.isFinite && lease > 0 && lease <= 604_800) {
                throw ValidationError(
                    "--lease must be a number of seconds above 0 and at most 604800 (a week), got \(lease)")
            }
            if changeSchedule && schedule.isEmpty {
                throw ValidationError("--change-schedule needs the new schedule's options")
            }
        }

        func run() async throws {
            let logger = Logger(label: "lrledger.train")
            var request = TrainingRequest(
                run: run, schedule: try schedule.makeSchedule(), allowScheduleChange: changeSchedule,
                targetSteps: steps, logEvery: logEvery, checkpointEvery: checkpointEvery,
                settings: WorkloadSettingsRequest(
                    model: model, seed: seed, batchSize: batchSize, momentum: momentum, dataPath: data),
                creation: new ? .required : .allowed)
            request.discardDamagedCheckpoints = discardDamagedCheckpoints
            // Without --busy-timeout, each attempt waits a second inside SQLite and the
            // trainer retries, logging, for as long as the lock is held.
            var configuration = LedgerConfiguration(
                busyTimeout: busyTimeout ?? 1, keepCheckpoints: keepCheckpoints, leaseTimeout: lease)
            if fullSync { configuration.durability = .full }
            // The first lines on standard output say what was created, at once.
            // Opening writes nothing: the attach makes a new ledger, once the request is checked.
            let ledger = try Ledger(location: database.location, configuration: configuration)
            // A refused run leaves the folder as it was: no -shm or -wal from its reads.
            defer { try? ledger.close() }
            let service = TrainingService(
                ledger: ledger, request: request, logger: logger,
                waitsForLock: busyTimeout == nil,
                announce: { line in try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8)) })
            var groupLogger = Logger(label: "lrledger.lifecycle")
            groupLogger.logLevel = .warning
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger))
            do {
                try await group.run()
            } catch let error as LedgerError where error.code == .similarRunExists || error.code == .runExists {
                throw LedgerError(error.code, error.message + (error.code == .runExists ? " (drop --new)" : " (--new)"))
            } catch let error as LedgerError where error.message.hasSuffix("discarding the damaged ones (recorded)") {
                throw LedgerError(error.code, error.message + " with --discard-damaged-checkpoints")
            }
            if let outcome = service.outcome {
                switch outcome.kind {
                case .finished:
                    print("run \(run): finished at step \(outcome.step) (\(outcome.trainedSteps) steps trained now)")
                case .interrupted:
                    print("run \(run): interrupted at step \(outcome.step); run the same command to resume")
                case .alreadyFinished: print("run \(run): already finished at step \(outcome.step)")
                }
            }
        }
    }
}
