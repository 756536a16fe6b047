import ArgumentParser
import Foundation
import LRLedgerCommands
import Schedules
import TestSupport
import Testing
import Trainer

/// Fuzzes what people type or paste (schedule JSON, STEP tokens, CSV data files,
/// command-line flags) from the seed corpus in `Fuzz/` with seeded mutations: nothing
/// may crash or hang, and every refusal is one line that names the problem. In-process
/// passes go through thousands of inputs in seconds; a smaller pass drives the binary.
@Suite("Fuzzing what people type or paste")
struct FuzzTests {
    /// Checks that a refusal is one non-empty line.
    static func expectOneLine(_ message: String, input: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = String(input.debugDescription.prefix(300))
        #expect(
            !message.trimmingCharacters(in: .whitespaces).isEmpty, "empty message for \(shown)",
            sourceLocation: sourceLocation)
        #expect(
            !message.contains(where: { $0.isNewline }), "multi-line message \(message.debugDescription) for \(shown)",
            sourceLocation: sourceLocation)
    }

    // MARK: - Schedule JSON

    /// A mutation that knows the config's shape: a value of another type, a key dropped
    /// or added, another class name, a config nested in itself.
    static func reshape(_ text: String, _ mutator: inout Mutator) -> String? {
        guard case .object(var root)? = try? JSONValue(parsing: text), case .object(let config)? = root["config"] else {
            return nil
        }
        func randomValue(_ mutator: inout Mutator) -> JSONValue {
            switch mutator.int(0..<7) {
            case 0: .null
            case 1: .bool(mutator.chance(0.5))
            case 2, 3: .number(JSONNumber(literal: mutator.pick(Mutator.numbers.filter { Double($0) != nil })))
            case 4: .string(mutator.pick(Mutator.strings + Mutator.numbers))
            case 5: .array([.number(JSONNumber(literal: "1")), .string("x")])
            default: .object(config)
            }
        }
        var entries = config.entries
        switch mutator.int(0..<4) {
        case 0 where !entries.isEmpty:
            entries[mutator.int(0..<entries.count)].value = randomValue(&mutator)
        case 1 where !entries.isEmpty:
            entries.remove(at: mutator.int(0..<entries.count))
        case 2:
            entries.append(
                (mutator.pick(Mutator.strings + ["decay_steps", "staircase", "cycle"]), randomValue(&mutator)))
        default:
            let classes =
                ScheduleCodec.classes.keys.sorted() + [
                    "ExponentialDecay", "inverseTimeDecay", "", "LearningRateSchedule",
                ]
            root.set("class_name", mutator.chance(0.8) ? .string(mutator.pick(classes)) : randomValue(&mutator))
        }
        root.set("config", .object(JSONObject(entries)))
        return JSONValue.object(root).compactText
    }

    @Test(
        "mutated Keras schedule configs decode, or are refused with one line; what decodes evaluates and reads back the same"
    )
    func scheduleConfigs() throws {
        let seeds = try FuzzCorpus.schedules
        var mutator = Mutator(seed: FuzzCorpus.seed)
        var decoded = 0
        var refused = 0
        for iteration in 0..<FuzzCorpus.iterations(4_000) {
            let seed = seeds[iteration % seeds.count]
            let text: String =
                if iteration < seeds.count {
                    seed
                } else if mutator.chance(0.5), let reshaped = Self.reshape(seed, &mutator) {
                    reshaped
                } else { mutator.mutate(seed, others: seeds) }
            let dtype: DType = mutator.chance(0.5) ? .float32 : .float64
            do {
                let schedule = try ScheduleCodec.decode(text, dtype: dtype)
                decoded += 1
                for step: Int64 in [0, 1, 7, 16_777_217, 1 << 53 + 1, .max] {
                    _ = schedule.rate(at: step)
                }
                for step in [0.5, 2.5, 1e30, Double.greatestFiniteMagnitude] {
                    _ = schedule.rate(atFractionalStep: step)
                }
                // What the ledger stores reads back as the same schedule, bit for bit.
                let again = try ScheduleCodec.decode(schedule.canonicalJSON, dtype: dtype)
                #expect(again.canonicalJSON == schedule.canonicalJSON, "\(text)")
                #expect(again.rate(at: 12_345).bitPattern == schedule.rate(at: 12_345).bitPattern, "\(text)")
            } catch let error as ScheduleError {
                refused += 1
                Self.expectOneLine(error.description, input: text)
            } catch {
                Issue.record("decoding threw \(type(of: error)), not a ScheduleError: \(error) for \(text.prefix(300))")
            }
        }
        print("fuzz: \(decoded) schedule configs decoded, \(refused) refused")
        #expect(decoded > seeds.count / 2 && refused > 0)
    }

    // MARK: - STEP tokens

    @Test("mutated STEP tokens parse to a step that reads back the same, or are refused with one line")
    func stepTokens() throws {
        let seeds = try FuzzCorpus.steps
        let schedule = try #require(try FuzzCorpus.schedules.lazy.compactMap { try? ScheduleCodec.decode($0) }.first)
        var mutator = Mutator(seed: FuzzCorpus.seed &+ 1)
        var parsed = 0
        for iteration in 0..<FuzzCorpus.iterations(4_000) {
            let token: String =
                switch iteration % 3 {
                case 0: mutator.mutate(mutator.pick(seeds), others: seeds)
                case 1: mutator.pick(Mutator.numbers)
                default: mutator.pick(Mutator.numbers) + mutator.pick(Mutator.strings)
                }
            do {
                let step = try ScheduleStep(parsing: token)
                parsed += 1
                _ = schedule.rate(at: step)
                #expect(try ScheduleStep(parsing: step.description) == step, "\(token.debugDescription)")
            } catch let error as ScheduleError {
                Self.expectOneLine(error.description, input: token)
                #expect(error.code == .invalidStep)
            } catch {
                Issue.record(
                    "parsing threw \(type(of: error)), not a ScheduleError: \(error) for \(token.debugDescription)")
            }
        }
        print("fuzz: \(parsed) step tokens parsed")
        #expect(parsed > 0)
    }

    // MARK: - CSV data files

    @Test("mutated CSV data files load as a data set, or are refused with one line naming the file")
    func csvDataFiles() throws {
        let seeds = try FuzzCorpus.csvFiles
        let folder = try TemporaryDirectory()
        let path = folder.path("data.csv")
        var mutator = Mutator(seed: FuzzCorpus.seed &+ 2)
        var loaded = 0
        var refused = 0
        for iteration in 0..<FuzzCorpus.iterations(1_500) {
            let seed = seeds[iteration % seeds.count]
            let bytes = iteration < seeds.count ? seed : mutator.mutate(seed, others: seeds)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let data = try Dataset(csvAt: path)
                loaded += 1
                #expect(data.sampleCount > 0 && data.featureCount > 0 && data.classCount >= 1)
                #expect(data.features.count == data.sampleCount * data.featureCount)
                #expect(data.features.allSatisfy { $0.isFinite })
            } catch let error as DatasetError {
                refused += 1
                let text = String(decoding: bytes.prefix(300), as: UTF8.self)
                Self.expectOneLine(error.description, input: text)
                #expect(error.description.hasPrefix(path), "\(error.description)")
            } catch {
                Issue.record("loading threw \(type(of: error)), not a DatasetError: \(error)")
            }
        }
        print("fuzz: \(loaded) CSV files loaded, \(refused) refused")
        #expect(loaded > seeds.count && refused > 0)
    }

    // MARK: - Command-line flags

    /// Every option of every command, and values that have broken parsers.
    static let flags = [
        "--db", "--run", "--steps", "--log-every", "--checkpoint-every", "--model", "--data", "--seed",
        "--batch-size", "--momentum", "--keep-checkpoints", "--full-sync", "--busy-timeout", "--lease", "--schedule",
        "--initial-learning-rate", "--decay-steps", "--decay-rate", "--staircase", "--no-staircase", "--dtype",
        "--change-schedule", "--format", "--from", "--to", "--all", "--output", "--help", "-h", "--version",
        "--bogus", "-", "--", "--steps=", "--format=json",
    ]
    static let commands = ["train", "runs", "show", "history", "audit", "sql", "plot", "rate", "help", "bogus", ""]

    @Test("mutated command lines parse, or are refused with one line")
    func commandLines() throws {
        let schedules = try FuzzCorpus.schedules
        var mutator = Mutator(seed: FuzzCorpus.seed &+ 3)
        var accepted = 0
        for _ in 0..<FuzzCorpus.iterations(1_000) {
            var arguments = [mutator.pick(Self.commands)]
            for _ in 0..<mutator.int(0..<9) {
                switch mutator.int(0..<6) {
                case 0, 1, 2: arguments.append(mutator.pick(Self.flags))
                case 3: arguments.append(mutator.pick(Mutator.numbers))
                case 4: arguments.append(mutator.pick(Mutator.strings + ["demo", "float64", "json", "none"]))
                default: arguments.append(mutator.mutate(mutator.pick(schedules), others: schedules))
                }
            }
            // argument-parser suggests a spelling for an unknown option by edit distance,
            // which takes seconds for a 100 KB option; schedules are fuzzed at length above.
            arguments = arguments.map { String($0.prefix(2_000)) }
            do {
                _ = try LRLedger.parseAsRoot(arguments)
                accepted += 1
            } catch {
                if LRLedger.exitCode(for: error) == .success { continue }  // --help, --version
                let line = LRLedger.errorLine(for: error)
                #expect(line != nil, "no message for \(arguments)")
                Self.expectOneLine(line ?? "", input: arguments.joined(separator: " "))
            }
        }
        print("fuzz: \(accepted) command lines accepted")
    }

    // MARK: - The binary

    @Test("a hundred mutated invocations of the binary succeed or print one refusal line, never crash or hang")
    func binaryInvocations() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("fuzz.sqlite")
        let seeded = try BoundedProcess.lrledger([
            "train", "--db", db, "--run", "fuzz", "--steps", "300", "--checkpoint-every", "50",
        ])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        // A second run with an altered rate, so audit has findings to report.
        #expect(
            try BoundedProcess.lrledger(["train", "--db", db, "--run", "altered", "--steps", "20", "--model", "none"])
                .status == 0)
        _ = try SQLiteShell.modify(
            db, "UPDATE rate_log SET rate = 0.5 WHERE step = 3 AND run_id = (SELECT id FROM run WHERE name = 'altered')"
        )
        let schedules = try FuzzCorpus.schedules
        let csvFiles = try FuzzCorpus.csvFiles
        let steps = try FuzzCorpus.steps
        var mutator = Mutator(seed: FuzzCorpus.seed &+ 4)
        func some(_ values: [String], _ mutator: inout Mutator) -> String {
            mutator.chance(0.8) ? mutator.pick(values) : mutator.mutate(mutator.pick(values))
        }
        // A count that keeps a run short: a mutation may not ask for millions of steps.
        func small(_ values: [String], _ mutator: inout Mutator) -> String {
            let value = some(values, &mutator)
            return (Int64(value) ?? 0) > 1_000 ? "20" : value
        }
        // Options of train with values that keep a run short: --steps stays small.
        func trainOptions(_ mutator: inout Mutator) -> [String] {
            var options: [String] = []
            for _ in 0..<mutator.int(0..<4) {
                let option: [String] =
                    switch mutator.int(0..<13) {
                    case 0: ["--log-every", some(["1", "7", "0", "-1", "x", "9223372036854775807"], &mutator)]
                    case 1:
                        ["--checkpoint-every", some(["1", "7", "0", "-1", "1e3", "9223372036854775807"], &mutator)]
                    case 2: ["--seed", some(["0", "1", "18446744073709551615", "-1", "x"], &mutator)]
                    case 3: ["--batch-size", small(["0", "1", "16", "-1", "1048577", "x"], &mutator)]
                    case 4: ["--momentum", some(["0", "0.5", "0.99", "1", "-0.1", "nan", "inf", "x"], &mutator)]
                    case 5: ["--keep-checkpoints", some(["1", "0", "-2", "1000"], &mutator)]
                    case 6: ["--busy-timeout", some(["0", "0.5", "-1", "nan", "inf", "86401", "x"], &mutator)]
                    case 7: ["--model", some(["softmax", "none", "linear", ""], &mutator)]
                    case 11: ["--lease", some(["0.5", "900", "0", "-1", "nan", "inf", "604801", "x"], &mutator)]
                    case 8: ["--dtype", some(["float32", "float64", "float16", ""], &mutator)]
                    case 9:
                        [
                            mutator.pick(["--initial-learning-rate", "--decay-steps", "--decay-rate"]),
                            mutator.pick(Mutator.numbers),
                        ]
                    case 10:
                        [
                            mutator.pick([
                                "--staircase", "--no-staircase", "--change-schedule", "--full-sync", "--bogus",
                            ])
                        ]
                    default:
                        // Mostly pasted JSON; sometimes a file, including ones that never end.
                        [
                            "--schedule",
                            mutator.chance(0.8)
                                ? mutator.mutate(mutator.pick(schedules), others: schedules)
                                : "@"
                                    + mutator.pick([
                                        "/dev/zero", "/dev/null", folder.path(""), folder.path("missing.json"),
                                    ]),
                        ]
                    }
                options += option
            }
            return options
        }

        var outcomes: [String: Int] = [:]
        for iteration in 0..<FuzzCorpus.iterations(100) {
            var arguments: [String]
            switch iteration % 4 {
            case 0:
                arguments = ["rate", "--schedule", mutator.mutate(mutator.pick(schedules), others: schedules)]
                if mutator.chance(0.3) { arguments += ["--dtype", some(["float32", "float64"], &mutator)] }
                if mutator.chance(0.3) { arguments += ["--format", some(["table", "csv", "json"], &mutator)] }
                arguments += (0..<mutator.int(0..<4)).map { _ in some(steps, &mutator) }
            case 1:
                var data = folder.path("data-\(iteration).csv")
                if mutator.chance(0.85) {
                    try Data(mutator.mutate(mutator.pick(csvFiles), others: csvFiles)).write(
                        to: URL(fileURLWithPath: data))
                } else {
                    data = mutator.pick(["/dev/zero", "/dev/null", folder.path(""), folder.path("missing.csv"), ""])
                }
                arguments = [
                    "train", "--db", folder.path("train-\(iteration).sqlite"), "--run", "r", "--data", data,
                    "--steps", small(["0", "1", "20", "-5", "abc", "1e2", "99999999999999999999"], &mutator),
                ]
                arguments += trainOptions(&mutator)
            case 2:
                let run =
                    mutator.chance(0.5)
                    ? "fuzz" : some(["r", "été", "a b", "a\nb", "", "'; DROP TABLE run; --"], &mutator)
                let ledger =
                    mutator.chance(0.9)
                    ? mutator.pick([db, folder.path("new-\(iteration).sqlite")])
                    : mutator.pick(["", folder.path(""), "/dev/null", folder.path("no/such/folder/x.sqlite")])
                arguments = [
                    "train", "--db", ledger, "--run", run, "--steps", small(["0", "300", "320", "-1", "x"], &mutator),
                ]
                arguments += trainOptions(&mutator)
            default:
                let run = mutator.chance(0.6) ? mutator.pick(["fuzz", "altered"]) : mutator.mutate("fuzz")
                arguments =
                    switch mutator.int(0..<6) {
                    case 0: ["history", run, "--from", some(steps + ["-1"], &mutator), "--to", some(steps, &mutator)]
                    case 1: ["show", run]
                    case 2: ["audit", run]
                    case 3:
                        [
                            "sql",
                            some(
                                [
                                    "SELECT step, rate FROM rate_history WHERE step < 5", "SELECT * FROM runs",
                                    "DELETE FROM run",
                                    "SELECT 1/0", "PRAGMA user_version = 3", "ATTACH 'x.db' AS x",
                                ], &mutator),
                        ]
                    case 4: ["plot", run, "--output", folder.path("plot-\(iteration).svg")]
                    default: ["runs"]
                    }
                arguments += ["--db", db]
                if mutator.chance(0.3) { arguments += ["--format", some(["table", "csv", "json"], &mutator)] }
            }
            // A shell cannot pass NUL, nor an argument over Linux's 128 KiB limit.
            arguments = arguments.map {
                String(decoding: $0.replacingOccurrences(of: "\u{0}", with: "").utf8.prefix(100_000), as: UTF8.self)
            }

            outcomes[try Self.checkInvocation(arguments, in: folder), default: 0] += 1
        }
        print("fuzz: binary invocations \(outcomes)")
    }

    /// Runs `lrledger ARGS...` and checks it succeeded, or refused with one line, without
    /// crashing or hanging; returns how it ended. `train` logs above its error line.
    @discardableResult
    static func checkInvocation(
        _ arguments: [String], in folder: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try BoundedProcess.lrledger(arguments, timeout: 30, in: folder.url)
        let shown = arguments.map { String($0.prefix(120)).debugDescription }.joined(separator: " ")
        let details = "\(shown)\n\(result.stderr.suffix(2_000))"
        #expect(!result.timedOut, "hung: \(shown)", sourceLocation: sourceLocation)
        #expect(result.crashSigns.isEmpty, "\(result.crashSigns) for \(details)", sourceLocation: sourceLocation)
        if result.status == 0 { return "succeeded" }
        if arguments.first == "audit", result.status == 1, result.stdout.contains("rate") {
            // Findings are the audit's answer, on stdout (table, csv or json), not an error.
            #expect(result.stderr.isEmpty, "audit printed on stderr: \(result.stderr)", sourceLocation: sourceLocation)
            return "audit findings"
        }
        #expect(result.errorLines.count == 1, "\(details)", sourceLocation: sourceLocation)
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("Error: ") && last.count > 8, "\(details)", sourceLocation: sourceLocation)
        if arguments.first != "train" {
            #expect(result.stderr.split(separator: "\n").count == 1, "\(details)", sourceLocation: sourceLocation)
        }
        return "refused"
    }

    @Test("inputs that once got a misleading or cut message are refused with one line that names them")
    func formerFindings() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("fuzz.sqlite")
        #expect(
            try BoundedProcess.lrledger(["train", "--db", db, "--run", "altered", "--steps", "20", "--model", "none"])
                .status == 0)
        _ = try SQLiteShell.modify(db, "UPDATE rate_log SET rate = 0.5 WHERE step = 3")
        let train = ["train", "--db", folder.path("new.sqlite"), "--run", "r", "--steps", "5"]
        let config =
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5"#
        let cases: [(arguments: [String], line: String)] = [
            // Foundation's "You don't have permission" (it reads regular files only).
            (train + ["--data", "/dev/zero"], "/dev/zero: is a device or socket, expected a CSV file"),
            (train + ["--schedule", "@/dev/zero"], "the schedule file '/dev/zero' is larger than 1024 KiB"),
            // SQLite's private temporary database.
            (["train", "--db", "", "--run", "r", "--steps", "5"], "--db needs the path of a ledger file"),
            // Cut at the line break, losing the part that names the problem.
            (["show", "a\nb", "--db", db], "no run named a\\nb in"),
            (["rate", "--schedule", config + "}}", "1\n2"], "invalid step '1\\n2'"),
            (["rate", "--schedule", config + #", "x\ny": 1}}"#, "1"], "unknown key x\\ny ("),
        ]
        for (arguments, line) in cases {
            let result = try BoundedProcess.lrledger(arguments, timeout: 30, in: folder.url)
            #expect(!result.timedOut, "hung: \(arguments)")
            #expect(result.status != 0)
            #expect(
                result.errorLines.count == 1 && result.errorLines.first?.contains(line) == true,
                "\(arguments): \(result.stderr)")
        }
        // Findings are not an error: audit printed "Error: ExitCode(rawValue: 1)" below them.
        let audit = try BoundedProcess.lrledger(["audit", "altered", "--db", db])
        #expect(audit.status == 1 && audit.stdout.contains("step 3: logged rate 0.5"), "\(audit.stdout)")
        #expect(audit.stderr.isEmpty, "\(audit.stderr)")
    }
}
