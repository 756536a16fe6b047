import ArgumentParser
import Foundation

/// The `lrledger` command: keeps a training run's learning rate correct across restarts.
public struct LRLedger: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lrledger",
        abstract: "Keep a training run's learning rate correct across restarts.",
        discussion: """
            Evaluates Keras-compatible learning-rate schedules bit for bit, records each run's \
            schedule, step counter and rates in SQLite, and resumes interrupted training exactly.
            """,
        version: "0.1.0",
        subcommands: [
            Train.self, Runs.self, Show.self, History.self, Audit.self, SQL.self, Plot.self, Rate.self, Attach.self,
        ]
    )

    public init() {}
}

extension LRLedger {
    /// Parses the process's arguments and runs the chosen command, exiting with its status.
    ///
    /// The executable calls this from top-level code, where a plain `main()` would resolve
    /// to argument-parser's synchronous entry point.
    public static func runFromCommandLine() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help, --version
            if let line = errorLine(for: error) {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// The one line `runFromCommandLine` prints for `error`, starting with `Error: `; nil
    /// when the command already reported (a bare `ExitCode`, as `audit` throws after
    /// listing its findings).
    ///
    /// argument-parser's usage block is left out: it buries the problem in scripts'
    /// logs, and `lrledger help COMMAND` shows it. Line breaks and other control
    /// characters that reach a message from user input (a run name, a CSV field, a
    /// JSON key) are escaped rather than cut, so the line still names the problem.
    public static func errorLine(for error: any Error) -> String? {
        let message = message(for: error)
        guard !message.isEmpty else { return nil }
        let line = escapingControlCharacters(message)
        return line.hasPrefix("Error: ") ? line : "Error: " + line
    }

    /// `text` with line breaks, tabs and other control characters written as escapes.
    static func escapingControlCharacters(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch (scalar, scalar.properties.generalCategory) {
            case ("\n", _): out += "\\n"
            case ("\r", _): out += "\\r"
            case ("\t", _): out += "\\t"
            case (_, .control), (_, .lineSeparator), (_, .paragraphSeparator):
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
