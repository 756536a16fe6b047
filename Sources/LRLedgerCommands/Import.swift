import ArgumentParser
import Foundation
import Import
import Ledger
import Schedules

extension ImportFormat: ExpressibleByArgument {}

extension LRLedger {
    /// `lrledger import`: make a run from another tool's record of one, to audit it.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a run recorded by another tool (CSV, TensorBoard, MLflow) to audit its rates.",
            discussion: """
                Reads the rate a run logged (a CSV export or Keras CSVLogger file, TensorBoard event \
                files, or MLflow's SQLite store) and records it as a new run with the schedule it was \
                meant to follow. Every value is kept in source order; where the step goes back or \
                repeats, a restart is inferred and shown as a segment. Then `lrledger audit RUN` \
                compares every logged rate with the schedule and names each place the run left it. \
                The file is read twice (a check, then the import); nothing is written when it is bad.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(name: .customLong("run"), help: ArgumentHelp("The new run's name.", valueName: "name"))
        var runName: String

        @OptionGroup var schedule: ScheduleOptions

        @Option(help: ArgumentHelp("The file (or TensorBoard log folder) to read.", valueName: "path"))
        var from: String

        @Option(help: "csv, tensorboard or mlflow (default: guessed from the path).")
        var format: ImportFormat?

        @Option(help: "CSV: the step column (default: step, Step, _step, global_step, iteration, epoch).")
        var stepColumn: String?

        @Option(help: "CSV: the rate column (default: lr, learning_rate, value, Value).")
        var rateColumn: String?

        @Option(help: "TensorBoard: the scalar tag (default: the one tag holding learning_rate or lr).")
        var tag: String?

        @Option(help: "MLflow: the run id (default: the only run that logged the key).")
        var mlflowRun: String?

        @Option(help: "MLflow: the metric key (default: lr, else learning_rate).")
        var key: String?

        func validate() throws {
            if from.isEmpty { throw ValidationError("--from needs the path of a file to import") }
            if schedule.schedule == nil, schedule.initialLearningRate == nil, schedule.decaySteps == nil,
                schedule.decayRate == nil
            {
                throw ValidationError(
                    "give the schedule the run was meant to follow: --schedule JSON (or @FILE), or --initial-learning-rate/--decay-steps/--decay-rate"
                )
            }
        }

        func run() throws {
            guard let schedule = try schedule.makeSchedule() else { return }
            let format = try chosenFormat()
            try checkOptions(for: format)
            let source = try makeSource(format)
            // Opening writes nothing; the import's write makes a new ledger.
            let ledger = try Ledger(location: database.location)
            defer { try? ledger.close() }
            try ledger.checkImport(run: runName)

            // First pass: check the whole file before the ledger is touched.
            let progress = ImportProgress()
            var count: Int64 = 0
            var precision: SourcePrecision?
            var firstStep: Int64?
            var lastStep: Int64 = 0
            try source.read { record in
                count += 1
                precision = precision.map { $0.coarser(record.precision) } ?? record.precision
                if firstStep == nil { firstStep = record.step }
                lastStep = record.step
                if count % 100_000 == 0 { progress.show("checking \(from): \(count) values") }
            }
            progress.clear()
            guard count > 0, let precision else {
                throw ImportError(.empty, "\(from) holds no value of \(source.series) to import")
            }

            // A failed import's first write leaves no ledger file behind.
            let written = ImportProgress()
            defer { written.clear() }
            let recorded = ImportSource(
                format: format.rawValue, path: from, series: source.series,
                sourceRun: (source as? MLflowStoreSource)?.runID,
                precision: ImportedPrecision(rawValue: precision.rawValue) ?? .float64)
            let feed: ((ImportedRecord) throws -> Void) throws -> Void = { emit in
                try source.read { try emit(ImportedRecord(step: $0.step, rate: $0.value, wallTime: $0.wallTime)) }
            }
            let summary = try ledger.importRun(
                runName, schedule: schedule, source: recorded,
                progress: { written.show("importing \(from): \($0) of \(count) values") }, records: feed)
            try ledger.close()
            let restarts = summary.segments - 1
            print(
                "imported run \(summary.run): \(summary.rows) values of \(source.description) (\(summary.precision.rawValue)), steps \(firstStep ?? 0)-\(lastStep) as logged; \(restarts) restart\(restarts == 1 ? "" : "s") inferred; \(summary.canonicalRows) steps in its history"
            )
            print("audit it with: lrledger audit \(summary.run)")
        }

        // MARK: - Helpers

        private func chosenFormat() throws -> ImportFormat {
            if let format { return format }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory)
            guard exists else { throw ImportError(.unreadable, "cannot read \(from): no such file or folder") }
            guard let guessed = ImportFormat.guess(path: from, isDirectory: isDirectory.boolValue) else {
                throw ImportError(
                    .unknownFormat,
                    "cannot tell the format of \(from) from its name; give --format csv, tensorboard or mlflow")
            }
            return guessed
        }

        private func checkOptions(for format: ImportFormat) throws {
            let given: [(String, Bool, ImportFormat)] = [
                ("--step-column", stepColumn != nil, .csv), ("--rate-column", rateColumn != nil, .csv),
                ("--tag", tag != nil, .tensorboard), ("--mlflow-run", mlflowRun != nil, .mlflow),
                ("--key", key != nil, .mlflow),
            ]
            for (option, isGiven, owner) in given where isGiven && owner != format {
                throw ValidationError("\(option) applies to --format \(owner.rawValue), not \(format.rawValue)")
            }
        }

        private func makeSource(_ format: ImportFormat) throws -> any RateSource {
            switch format {
            case .csv: try CSVRateSource(path: from, stepColumn: stepColumn, rateColumn: rateColumn)
            case .tensorboard: try EventFileSource(path: from, tag: tag)
            case .mlflow: try MLflowStoreSource(path: from, run: mlflowRun, key: key)
            }
        }
    }
}
