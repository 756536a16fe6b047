import ArgumentParser
import Ledger
import Schedules

extension LRLedger {
    /// `lrledger show RUN`: everything about one run.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run: schedule, status, step, segments, schedule changes, latest checkpoint.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run's name.", valueName: "run"))
        var runName: String

        @OptionGroup var output: FormatOptions

        func run() throws {
            let detail = try Ledger.openReadOnly(location: database.location).run(named: runName)
            switch output.format {
            case .json: print(Self.json(detail))
            case .table: printTable(detail)
            case .csv:
                var printer = RowPrinter(format: .csv, columns: ["field", "value"])
                printer.begin()
                for (field, value) in Self.fields(detail) { printer.row([.text(field), .text(value)]) }
                printer.end()
            }
        }

        static func fields(_ detail: RunDetail) -> [(String, String)] {
            let run = detail.summary
            return [
                ("name", run.name), ("status", run.status.rawValue), ("step", "\(run.step)"),
                ("target_steps", "\(run.targetSteps)"), ("dtype", run.dtype.rawValue),
                ("schedule", run.schedule), ("settings", detail.settings.json),
                ("checkpoint_step", detail.latestCheckpoint.map { "\($0.step)" } ?? ""),
                ("checkpoint_sha256", detail.latestCheckpoint?.sha256 ?? ""),
                ("logged_rows", "\(detail.loggedRows)"), ("superseded_rows", "\(detail.supersededRows)"),
                ("chain_links", "\(detail.chainLength)"), ("chain_head", detail.chainHead ?? ""),
                ("last_heartbeat", run.lastHeartbeat?.description ?? ""),
                ("created_at", run.createdAt.description), ("updated_at", run.updatedAt.description),
                // As JSON, the same arrays `--format json` prints, so CSV leaves nothing out.
                ("segments", "[" + segmentsJSON(detail).joined(separator: ", ") + "]"),
                ("schedules", "[" + schedulesJSON(detail).joined(separator: ", ") + "]"),
            ]
        }

        static func segmentsJSON(_ detail: RunDetail) -> [String] {
            func string(_ text: String?) -> String { text.map(RowPrinter.jsonString) ?? "null" }
            func number(_ value: Int64?) -> String { value.map { "\($0)" } ?? "null" }
            return detail.segments.map { segment in
                "{\"id\": \(segment.id), \"pid\": \(segment.pid), \"host\": \(string(segment.host)), "
                    + "\"start_step\": \(segment.startStep), \"end_step\": \(number(segment.endStep)), "
                    + "\"started_at\": \(string(segment.startedAt.description)), "
                    + "\"ended_at\": \(string(segment.endedAt?.description)), "
                    + "\"end_reason\": \(string(segment.endReason?.rawValue))}"
            }
        }

        static func schedulesJSON(_ detail: RunDetail) -> [String] {
            func string(_ text: String?) -> String { text.map(RowPrinter.jsonString) ?? "null" }
            return detail.schedules.map { version in
                "{\"from_step\": \(version.fromStep), \"dtype\": \(string(version.dtype.rawValue)), "
                    + "\"schedule\": \(validJSON(version.config)), \"sha256\": \(string(version.sha256)), "
                    + "\"sha256_matches\": \(version.checksumMatches)}"
            }
        }

        /// Prints the table form through one buffered stream, so the lines and the
        /// segment tables come out in order whether standard output is a terminal or a
        /// pipe (`print` and the tables' direct writes used to interleave out of order).
        func printTable(_ detail: RunDetail) {
            let run = detail.summary
            let output = StandardOutput()
            defer { output.flush() }
            func print(_ line: String) { output.write(LRLedger.escapingControlCharacters(line) + "\n") }
            print("run         \(run.name)")
            print("status      \(run.status.rawValue)\(run.lastHeartbeat.map { ", last heartbeat \($0)" } ?? "")")
            print("step        \(run.step) of \(run.targetSteps)")
            print("schedule    \(ScheduleText.summary(run.schedule, run.dtype)), \(run.dtype)")
            print("            \(run.schedule)")
            print("settings    \(detail.settings)")
            if let checkpoint = detail.latestCheckpoint {
                print("checkpoint  step \(checkpoint.step), sha256 \(checkpoint.sha256)")
            } else {
                print("checkpoint  none")
            }
            print("rates       \(detail.loggedRows) logged, \(detail.supersededRows) superseded")
            if let imported = detail.events.first(where: { $0.kind == "imported" }) {
                print("imported    \(imported.message)")
            }
            print("chain       \(detail.chainLength) links, head \(detail.chainHead ?? "none")")
            print("created     \(run.createdAt), updated \(run.updatedAt)")
            print("")
            print("segments")
            var segments = RowPrinter(
                format: .table,
                columns: ["id", "pid", "host", "start_step", "end_step", "started_at", "ended_at", "end_reason"],
                write: output.write)
            for segment in detail.segments {
                segments.row([
                    .raw("\(segment.id)"), .raw("\(segment.pid)"), .text(segment.host), .raw("\(segment.startStep)"),
                    .text(segment.endStep.map { "\($0)" } ?? "-"), .text(segment.startedAt.description),
                    .text(segment.endedAt?.description ?? "-"), .text(segment.endReason?.rawValue ?? "open"),
                ])
            }
            segments.end()
            if detail.schedules.count > 1 {
                print("")
                print("schedule changes")
                var changes = RowPrinter(
                    format: .table, columns: ["from_step", "dtype", "schedule", "sha256_ok"], write: output.write)
                for version in detail.schedules {
                    changes.row([
                        .raw("\(version.fromStep)"), .text(version.dtype.rawValue),
                        .text(ScheduleText.summary(version.config, version.dtype)),
                        .text(version.checksumMatches ? "yes" : "NO"),
                    ])
                }
                changes.end()
            }
            let notes = detail.events.filter { $0.kind == .note || $0.kind == .renamed }
            if !notes.isEmpty {
                print("")
                print("notes and renames")
                var table = RowPrinter(format: .table, columns: ["at", "step", "kind", "text"], write: output.write)
                for event in notes {
                    table.row([
                        .text(event.at.description), .text(event.step.map { "\($0)" } ?? "-"),
                        .text(event.kind.rawValue),
                        .text(event.message),
                    ])
                }
                table.end()
            }
        }

        static func json(_ detail: RunDetail) -> String {
            let run = detail.summary
            func string(_ text: String?) -> String { text.map(RowPrinter.jsonString) ?? "null" }
            func number(_ value: Int64?) -> String { value.map { "\($0)" } ?? "null" }
            let segments = segmentsJSON(detail)
            let schedules = schedulesJSON(detail)
            return """
                {
                  "name": \(string(run.name)),
                  "status": \(string(run.status.rawValue)),
                  "step": \(run.step),
                  "target_steps": \(run.targetSteps),
                  "schedule": \(validJSON(run.schedule)),
                  "dtype": \(string(run.dtype.rawValue)),
                  "settings": \(validJSON(detail.settings.json)),
                  "checkpoint_step": \(number(detail.latestCheckpoint?.step)),
                  "checkpoint_sha256": \(string(detail.latestCheckpoint?.sha256)),
                  "logged_rows": \(detail.loggedRows),
                  "superseded_rows": \(detail.supersededRows),
                  "chain_links": \(detail.chainLength),
                  "chain_head": \(string(detail.chainHead)),
                  "last_heartbeat": \(string(run.lastHeartbeat?.description)),
                  "created_at": \(string(run.createdAt.description)),
                  "updated_at": \(string(run.updatedAt.description)),
                  "segments": [\(segments.joined(separator: ", "))],
                  "schedules": [\(schedules.joined(separator: ", "))]
                }
                """
        }

        /// Stored JSON as itself when it parses, else as a string (a tampered value must
        /// not break the output).
        static func validJSON(_ text: String) -> String {
            (try? JSONValue(parsing: text)) != nil ? text : RowPrinter.jsonString(text)
        }
    }
}
