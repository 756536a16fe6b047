import ArgumentParser
import Foundation
import Ledger

extension LRLedger {
    /// `lrledger sql`: read-only SQL over the ledger.
    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run read-only SQL on the ledger (the views runs, rate_history, segments, ...).",
            discussion: """
                The SQL may only read the ledger. A statement that would write, ATTACH or DETACH, \
                fts3_tokenizer(), load_extension() and PRAGMAs that set a value are refused before they run, \
                and the file is unchanged. --timeout stops a query that runs too long.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The SQL to run, e.g. \"SELECT step, rate FROM rate_history WHERE run = 'demo'\".")
        var query: String

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("Stop the query after this many seconds (default: no limit).", valueName: "seconds"))
        var timeout: Double?

        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let timeout, !(timeout.isFinite && timeout > 0) {
                throw ValidationError("--timeout must be a number of seconds > 0, got \(timeout)")
            }
        }

        func run() throws {
            let ledger = try Ledger.openReadOnly(location: database.location)
            var printer: RowPrinter?
            try ledger.query(query, timeout: timeout) { names in
                printer?.end()
                printer = RowPrinter(format: output.format, columns: names)
                printer?.begin()
            } row: { values in
                printer?.row(values.map(Self.cell))
            }
            printer?.end()
        }

        static func cell(_ value: QueryValue) -> RowPrinter.Cell {
            switch value {
            case .null: .null
            case .integer, .real: .number(value.description)
            case .text(let text): .text(text)
            case .blob: .text(value.description)
            }
        }
    }
}
