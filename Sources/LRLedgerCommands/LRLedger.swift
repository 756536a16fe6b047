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
        subcommands: [Train.self, Runs.self, Show.self, History.self, Audit.self, SQL.self, Plot.self, Rate.self]
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
            // One line naming the problem; argument-parser would add usage lines, which
            // bury it in scripts' logs. `lrledger help COMMAND` shows the usage.
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let line = message.hasPrefix("Error: ") ? message : "Error: " + message
            FileHandle.standardError.write(Data((line + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
