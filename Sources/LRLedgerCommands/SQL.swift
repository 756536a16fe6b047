import ArgumentParser
import Foundation
import Ledger

extension LRLedger {
    /// `lrledger sql`: read-only SQL over the ledger.
    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run read-only SQL on the ledger (the views runs, rate_history, segments, ...).",
            discussion: "The database is opened read-only: a statement that would write is refused and the file is unchanged."
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The SQL to run, e.g. \"SELECT step, rate FROM rate_history WHERE run = 'demo'\".")
        var query: String

        @OptionGroup var output: FormatOptions

        func run() throws {
            let ledger = try Ledger.openReadOnly(path: database.path)
            var printer: RowPrinter?
            try ledger.queryValues(query) { names in
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
