import ArgumentParser
import Ledger

extension LRLedger {
    /// `lrledger audit`: recompute every logged rate and check the run's bookkeeping.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every logged rate bit for bit and check the run's continuity.",
            discussion: """
                Checks each canonical rate against the schedule in force at its step, that segments \
                meet, that no step appears twice, that the step counter matches the checkpoint, and \
                that no stored schedule was edited; recomputes the run's hash chain from the tables \
                and checks that every row each commit wrote is there once. A run made by `lrledger \
                import` has every value its source logged compared with the schedule, and each \
                place it left the schedule named (a restart at the initial value, a shift, a step \
                logged twice). Exits 0 when clean, 1 with findings.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run to audit.", valueName: "run"))
        var runName: String?

        @Flag(help: "Audit every run.")
        var all = false

        @OptionGroup var output: FormatOptions

        func validate() throws {
            if all == (runName != nil) { throw ValidationError("give a RUN to audit, or --all (not both)") }
        }

        func run() throws {
            let ledger = try Ledger.openReadOnly(location: database.location)
            let reports = all ? try ledger.auditAll() : [try ledger.audit(run: runName ?? "")]
            switch output.format {
            case .table:
                for report in reports {
                    if report.isClean, let source = report.importedFrom {
                        print(
                            "run \(report.run): clean (\(report.rowsChecked) logged rates imported from \(source.summary) match the schedule; "
                                + "\(Self.count(report.segmentsChecked, "segment")), "
                                + "\(Self.count(report.schedulesChecked, "schedule")) checked)")
                    } else if report.isClean {
                        print(
                            "run \(report.run): clean (\(report.rowsChecked) rates match bit for bit; "
                                + "\(Self.count(report.segmentsChecked, "segment")), "
                                + "\(Self.count(report.schedulesChecked, "schedule")), "
                                + "\(Self.count(report.checkpointsChecked, "checkpoint")), "
                                + "\(Self.count(report.linksChecked, "chain link")) checked; "
                                + "chain head \(report.chainHead ?? "none"))")
                    } else {
                        print(
                            "run \(report.run): \(Self.count(report.findings.count, "finding")) (\(report.rowsChecked) rates checked)"
                        )
                        for finding in report.findings { print("  - \(finding.message)") }
                    }
                }
                if reports.isEmpty { print("no runs to audit") }
            case .csv, .json:
                var printer = RowPrinter(
                    format: output.format, columns: ["run", "clean", "rows_checked", "kind", "step", "message"])
                printer.begin()
                for report in reports {
                    let head: [RowPrinter.Cell] = [
                        .text(report.run), .raw(report.isClean ? "true" : "false"), .raw("\(report.rowsChecked)"),
                    ]
                    if report.isClean { printer.row(head + [.null, .null, .null]) }
                    for finding in report.findings {
                        printer.row(
                            head + [
                                .text(finding.kind.rawValue), finding.step.map { .raw("\($0)") } ?? .null,
                                .text(finding.message),
                            ])
                    }
                }
                printer.end()
            }
            if reports.contains(where: { !$0.isClean }) { throw ExitCode(1) }
        }

        static func count(_ value: Int, _ noun: String) -> String {
            "\(value) \(noun)\(value == 1 ? "" : "s")"
        }
    }
}
