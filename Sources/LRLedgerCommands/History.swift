import ArgumentParser
import Ledger
import Schedules

extension LRLedger {
    /// `lrledger history RUN`: the run's logged rates, streamed.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a run's logged rates (and losses), one row per logged step.",
            discussion: "Rates print as the shortest decimal that reads back to the exact value in the run's dtype."
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run's name.", valueName: "run"))
        var runName: String

        @Option(parsing: .unconditional, help: "The first step to print.")
        var from: Int64?

        @Option(parsing: .unconditional, help: "The last step to print (inclusive).")
        var to: Int64?

        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
        }

        func run() throws {
            let ledger = try Ledger.openReadOnly(location: database.location)
            // The outline, not the whole run: no count over its rate rows.
            let outline = try ledger.outline(ofRun: runName)
            var printer = RowPrinter(format: output.format, columns: ["step", "rate", "loss", "segment"])
            // The table aligns on its first rows; leave room for the widest step and segment.
            printer.minimumWidths = [
                String(max(outline.summary.step, to ?? 0)).count, 0, 0,
                String(outline.segments.last?.id ?? 1).count,
            ]
            printer.begin()
            // A rate is printed in the dtype of the schedule in force at its step, which
            // the ledger resolves for each row.
            try ledger.history(run: runName, from: from, to: to) { row in
                printer.row([
                    .raw("\(row.step)"), .number(RateText.string(row.rate, dtype: row.dtype)),
                    row.loss.map { .number(RateText.string($0, dtype: .float64)) } ?? .null, .raw("\(row.segment)"),
                ])
            }
            printer.end()
        }
    }
}
