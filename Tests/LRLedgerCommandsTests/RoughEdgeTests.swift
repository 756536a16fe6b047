import Foundation
import TestSupport
import Testing

@testable import LRLedgerCommands

/// What a new user meets on the built binary: `show` through a pipe, side files left
/// by commands that only read, messages for mistyped command lines, plot ticks.
@Suite("What a user sees")
struct RoughEdgeTests {
    @Test("show through a pipe prints what a terminal shows, in the same order")
    func showThroughAPipeMatchesATerminal() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        for steps in ["100", "200"] {
            let result = try BoundedProcess.lrledger(["train", "--db", db, "--run", "demo", "--steps", steps])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let piped = try BoundedProcess.lrledger(["show", "demo", "--db", db])
        #expect(piped.status == 0, "\(piped.stderr)")
        let lines = piped.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("run ") == true, "the title comes first: \(piped.stdout)")
        let segments = try #require(lines.firstIndex(of: "segments"), "\(piped.stdout)")
        #expect(lines[segments + 1].hasPrefix("id "), "the segments table follows its heading")
        #expect(lines.filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }.count == 2, "two segment rows")

        // The same command on a terminal (script(1) gives it a pseudo-terminal).
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { return }
        let command = "\(LRLedgerProcess.binary.path) show demo --db \(db)"
        let terminal = try BoundedProcess.run(script, ["-qec", command, "/dev/null"], timeout: 60)
        #expect(terminal.status == 0, "\(terminal.stderr)")
        #expect(terminal.stdout.replacingOccurrences(of: "\r\n", with: "\n") == piped.stdout)
    }

    @Test("commands that only read, and refused ones, leave no -wal or -shm file behind")
    func readersLeaveNoSideFiles() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let trained = try BoundedProcess.lrledger(["train", "--db", db, "--run", "demo", "--steps", "500"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(LedgerFiles.sideFiles(db).isEmpty, "a clean exit removes them")
        let before = LedgerFiles.bytes(db)
        let commands: [[String]] = [
            ["runs"], ["show", "demo"], ["history", "demo", "--to", "3"], ["audit", "demo"], ["audit", "--all"],
            ["sql", "SELECT count(*) FROM rate_history"], ["plot", "demo", "--output", "-"],
            // Refused: a missing run, a write, an unasked schedule change, a finished run.
            ["show", "ghost"], ["sql", "DELETE FROM rate_log"],
            ["train", "--run", "demo", "--steps", "600", "--decay-rate", "0.9"],
            ["train", "--run", "demo", "--steps", "500"],
        ]
        for command in commands {
            _ = try BoundedProcess.lrledger(command + ["--db", db])
            #expect(LedgerFiles.sideFiles(db).isEmpty, "\(command) left \(LedgerFiles.sideFiles(db))")
        }
        #expect(LedgerFiles.bytes(db) == before)
    }

    @Test("a mistyped command line gets one line that helps: negative values, help NAME, a close command name")
    func commandLineMessagesHelp() throws {
        let cases: [([String], [String])] = [
            (["train", "--run", "x", "--steps", "-5"], ["--steps must be >= 0, got -5"]),
            (["train", "--run", "x", "--steps", "10", "--checkpoint-every", "-1"], ["--checkpoint-every", "-1"]),
            (["history", "demo", "--from", "-3", "--to", "-5"], ["--from -3 is after --to -5"]),
            (["help", "nosuch"], ["nosuch", "train, runs, show"]),
            (["trian", "--run", "x"], ["did you mean 'train'"]),
            (["hsitory", "x"], ["did you mean 'history'"]),
        ]
        let folder = try TemporaryDirectory()
        for (arguments, words) in cases {
            let result = try BoundedProcess.lrledger(arguments, in: folder.url)
            FaultTests.expectRefusal(result, arguments, mentioning: words)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
        let help = try BoundedProcess.lrledger(["help", "train"])
        #expect(help.status == 0 && help.stdout.contains("--checkpoint-every"))
    }

    @Test("a logged step costs about 22 bytes on disk with --model none and about 31 with its loss, as the README says")
    func bytesPerLoggedStep() throws {
        let folder = try TemporaryDirectory()
        var perStep: [String: Double] = [:]
        for model in ["none", "softmax"] {
            let db = folder.path("\(model).sqlite")
            let trained = try BoundedProcess.lrledger(
                [
                    "train", "--db", db, "--run", "r", "--steps", "200000", "--checkpoint-every", "1000", "--model",
                    model,
                ],
                timeout: 600)
            #expect(trained.status == 0, "\(trained.stderr)")
            let sql = "SELECT sum(pgsize) * 1.0 / (SELECT count(*) FROM rate_log) FROM dbstat WHERE name = 'rate_log'"
            let result = try BoundedProcess.lrledger(["sql", sql, "--db", db, "--format", "csv"])
            perStep[model] = Double(result.stdout.split(separator: "\n").last ?? "")
        }
        let none = try #require(perStep["none"])
        let softmax = try #require(perStep["softmax"])
        #expect(none > 20 && none < 23.5, "--model none: \(none) bytes per logged step")
        #expect(softmax > 29 && softmax < 32.5, "softmax: \(softmax) bytes per logged step")
    }

    @Test("the streamed history table keeps its columns aligned past step 10,000")
    func historyStaysAligned() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let trained = try BoundedProcess.lrledger(
            ["train", "--db", db, "--run", "r", "--steps", "12000", "--model", "none", "--checkpoint-every", "1000"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let result = try BoundedProcess.lrledger(["history", "r", "--db", db])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 12_002, "header, rule, 12,000 rows")
        // Where the rate column starts: after the step and two spaces.
        let rateColumn = try #require(lines.first?.range(of: "rate")?.lowerBound.utf16Offset(in: lines[0]))
        for line in [lines[2], lines[1002], lines[10_002], lines[12_001]] {
            let characters = Array(line)
            #expect(characters[rateColumn - 1] == " " && characters[rateColumn] != " ", "misaligned: \(line)")
        }
    }

    @Test("plot ticks read as numbers people write: 1,500,000, not 2e+06")
    func plotTicksAreGrouped() {
        #expect(NiceTicks.label(1_500_000) == "1,500,000")
        #expect(NiceTicks.label(20_000) == "20,000")
        #expect(NiceTicks.label(500) == "500")
        #expect(NiceTicks.label(0.05) == "0.05")
        #expect(NiceTicks.label(0.0001) == "1e-04")
        let ticks = NiceTicks.ticks(from: 0, to: 2_999_999)
        #expect(ticks.map(NiceTicks.label).allSatisfy { !$0.contains("e+") })
    }

    @Test("restart marks closer than a label share one label")
    func closeRestartsShareALabel() {
        let marks =
            (0..<5).map { RatePlot.Mark(step: Int64(1000 + $0), label: "restart after crashed") }
            + [RatePlot.Mark(step: 900_000, label: "restart after interrupted")]
        let groups = RatePlot.labelGroups(marks) { Double($0) / 1_000_000 * 800 }
        #expect(groups.count == 2)
        #expect(groups[0].label == "5 restarts, steps 1,000–1,004")
        #expect(groups[1].label == "restart after interrupted")
    }
}
