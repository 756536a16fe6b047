import ArgumentParser
import Foundation
import Ledger

extension LRLedger {
    /// `lrledger plot RUN --output FILE.svg`.
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a run's rate (and loss) against step as SVG, with each restart marked.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run's name.", valueName: "run"))
        var runName: String

        @Option(help: "The SVG file to write.")
        var output: String

        func run() throws {
            let ledger = try Ledger.openReadOnly(path: database.path)
            let detail = try ledger.run(named: runName)
            let summary = detail.summary
            var plot = RatePlot(
                title: "Run \(summary.name): learning rate by step",
                subtitle: "\(ScheduleText.summary(summary.schedule, summary.dtype)), \(summary.dtype); "
                    + "\(summary.status.rawValue) at step \(summary.step) of \(summary.targetSteps); "
                    + Self.restarts(max(0, detail.segments.count - 1)),
                firstStep: 0, lastStep: max(summary.step, summary.targetSteps) - 1)
            for (previous, segment) in zip(detail.segments, detail.segments.dropFirst()) {
                plot.restarts.append(
                    RatePlot.Restart(
                        step: segment.startStep, label: "restart after \(previous.endReason?.rawValue ?? "open")"))
            }
            try ledger.history(run: runName) { row in plot.add(step: row.step, rate: row.rate, loss: row.loss) }
            let url = URL(fileURLWithPath: output)
            do {
                try Data(plot.svg().utf8).write(to: url, options: .atomic)
            } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
            print("wrote \(output): \(detail.loggedRows) logged steps, \(Self.restarts(plot.restarts.count)) marked")
        }

        static func restarts(_ count: Int) -> String {
            count == 1 ? "1 restart" : "\(count) restarts"
        }
    }
}
