import ArgumentParser
import Foundation
import Ledger
import Schedules

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
            Delete.self, Rename.self, Note.self, Import.self, Serve.self,
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
        // A closed pipe on standard output or error (`train ... 2>&1 | head -2`) must not
        // kill a trainer: writes then fail with EPIPE, which the writers ignore.
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let problem = argumentProblem(rawArguments: rawArguments(), parsed: arguments) {
            StandardError.write("Error: " + escapingControlCharacters(problem) + "\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
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
                StandardError.write(line + "\n")
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
        let message = ErrorHint.message(for: error) ?? message(for: error)
        guard !message.isEmpty else { return nil }
        let line = escapingControlCharacters(message)
        return line.hasPrefix("Error: ") ? line : "Error: " + line
    }

    /// The command names, for `help NAME` and suggestions.
    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName }
    }

    /// The process's arguments as bytes, before Swift repairs invalid UTF-8 into U+FFFD.
    static func rawArguments() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).compactMap { index in
            CommandLine.unsafeArgv[index].map {
                Array(UnsafeBufferPointer(start: $0, count: strlen($0))).map(UInt8.init(bitPattern:))
            }
        }
    }

    /// A problem with the command line that argument-parser would not report well, as
    /// one sentence; nil when there is none.
    ///
    /// - An argument that is not valid UTF-8: Swift would replace its bad bytes with
    ///   U+FFFD, so two different run names (or paths) would become one.
    /// - `help NAME` or a first word that is no command: argument-parser prints the
    ///   main help (exit 0) or a bare "unexpected argument"; this names the commands
    ///   and suggests the closest one.
    static func argumentProblem(rawArguments: [[UInt8]], parsed: [String]) -> String? {
        for (index, bytes) in rawArguments.enumerated() where String(validating: bytes, as: UTF8.self) == nil {
            return "argument \(index + 1) is not valid UTF-8; lrledger takes run names, paths and options in UTF-8"
        }
        let names = commandNames
        let list = names.joined(separator: ", ")
        guard let first = parsed.first else { return nil }
        if first == "help", parsed.count >= 2, !parsed[1].hasPrefix("-"), !names.contains(parsed[1]) {
            return
                "no command named '\(parsed[1])'\(suggestion(for: parsed[1], among: names)); the commands are: \(list)"
        }
        if !first.hasPrefix("-"), first != "help", !names.contains(first) {
            return
                "no command named '\(first)'\(suggestion(for: first, among: names)); the commands are: \(list) (lrledger help COMMAND for its options)"
        }
        return nil
    }

    /// ` (did you mean 'train'?)` when a command is within two edits of `word`, else "".
    static func suggestion(for word: String, among names: [String]) -> String {
        let scored = names.map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    /// Levenshtein distance, with a swap of neighbours counting as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    /// `text` with line breaks, tabs and other control characters written as escapes.
    static func escapingControlCharacters(_ text: String) -> String {
        OneLine.escaping(text)
    }
}
