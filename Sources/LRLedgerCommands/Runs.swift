import ArgumentParser
import Ledger

extension LRLedger {
    /// `lrledger runs`: one line per run.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the runs in the ledger.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let ledger = try Ledger.openReadOnly(location: database.location)
            var printer = RowPrinter(
                format: output.format,
                columns: ["name", "status", "step", "target_steps", "dtype", "schedule", "updated_at"])
            printer.begin()
            for run in try ledger.runs() {
                printer.row([
                    .text(run.name), .text(run.status.rawValue), .raw("\(run.step)"), .raw("\(run.targetSteps)"),
                    .text(run.dtype.rawValue),
                    // Programs (CSV, JSON) get the stored Keras JSON; people get a summary.
                    output.format == .json
                        ? .raw(run.schedule)
                        : output.format == .csv
                            ? .text(run.schedule) : .text(ScheduleText.summary(run.schedule, run.dtype)),
                    .text(run.updatedAt.description),
                ])
            }
            printer.end()
        }
    }
}
