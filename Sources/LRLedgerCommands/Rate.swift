import ArgumentParser
import Schedules

extension LRLedger {
    /// `lrledger rate`: evaluates a schedule at the given steps, with no database.
    struct Rate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a schedule at the given steps, bit for bit as Keras does.",
            discussion: """
                A STEP with a '.' or an exponent is fractional (Keras rounds it to float32); \
                any other STEP is an integer from 0 to 2^63-1. Rates print as the shortest \
                decimal that reads back to the exact value in the dtype.
                """
        )

        @Option(
            help:
                "The schedule in Keras JSON (serialize() output, {\"class_name\", \"config\"}, or an optimizer's get_config() with the schedule under learning_rate), or @FILE to read it."
        )
        var schedule: String

        @Option(help: "The dtype to compute in: float32 (Keras's default) or float64.")
        var dtype: String = "float32"

        @OptionGroup var output: FormatOptions

        // Unrecognized words are steps too, so a negative step (-1) reaches the step parser
        // and gets its message instead of "unknown option".
        @Argument(parsing: .allUnrecognized, help: "Optimizer steps to evaluate the schedule at.")
        var steps: [String]

        func validate() throws {
            if steps.isEmpty {
                throw ValidationError("give at least one STEP, such as: lrledger rate --schedule JSON 0 1 2")
            }
        }

        func run() throws {
            let dtype = try DType(parsing: dtype)
            let schedule = try ScheduleCodec.decode(
                scheduleOrOptimizer: try ScheduleOptions.readJSON(self.schedule), dtype: dtype)
            let parsed = try steps.map(ScheduleStep.init(parsing:))
            var printer = RowPrinter(format: output.format, columns: ["step", "rate"])
            printer.begin()
            for step in parsed {
                let rate = RateText.string(schedule.rate(at: step), dtype: dtype)
                printer.row([.raw(step.description), .number(rate)])
            }
            printer.end()
        }
    }
}
