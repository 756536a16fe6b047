import ArgumentParser
import Foundation
import Ledger

extension LRLedger {
    /// `lrledger plot RUN --output FILE.svg`.
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a run's rate (and loss) against step as SVG, with restarts and schedule changes marked.",
            discussion: """
                --output must name an .svg file, or be - for standard output. lrledger refuses to write over \
                an SQLite database (a ledger), a symbolic link, a folder, a device or a FIFO, and replaces an \
                existing SVG file only once the new one is complete.
                """)

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run's name.", valueName: "run"))
        var runName: String

        @Option(help: "The SVG file to write (a name ending in .svg), or - for standard output.")
        var output: String

        func run() throws {
            // Refuse a dangerous target before reading anything.
            let target = try OutputFile(path: output)
            let ledger = try Ledger.openReadOnly(location: database.location)
            // The outline, not the whole run: no count over its rate rows.
            let outline = try ledger.outline(ofRun: runName)
            let summary = outline.summary
            var plot = RatePlot(
                title: "Run \(summary.name): learning rate by step",
                subtitle: "\(ScheduleText.summary(summary.schedule, summary.dtype)), \(summary.dtype); "
                    + "\(summary.status.rawValue) at step \(summary.step) of \(summary.targetSteps); "
                    + Self.restarts(max(0, outline.segments.count - 1)),
                firstStep: 0, lastStep: max(summary.step, summary.targetSteps) - 1)
            for (previous, segment) in zip(outline.segments, outline.segments.dropFirst()) {
                let label =
                    previous.endReason == .finished
                    ? "continued after finished" : "restart after \(previous.endReason?.rawValue ?? "open")"
                plot.restarts.append(RatePlot.Mark(step: segment.startStep, label: label))
            }
            for version in outline.schedules.dropFirst() {
                plot.scheduleChanges.append(
                    RatePlot.Mark(
                        step: version.fromStep,
                        label: "schedule change: \(ScheduleText.summary(version.config, version.dtype))"))
            }
            var loggedRows = 0
            try ledger.history(run: runName) { row in
                plot.add(step: row.step, rate: row.rate, loss: row.loss)
                loggedRows += 1
            }
            try target.write(Data(plot.svg().utf8))
            if !target.isStandardOutput {
                print(
                    "wrote \(LRLedger.escapingControlCharacters(output)): \(loggedRows) logged steps, "
                        + "\(Self.restarts(plot.restarts.count)) marked")
            }
        }

        static func restarts(_ count: Int) -> String {
            count == 1 ? "1 restart" : "\(count) restarts"
        }
    }
}
