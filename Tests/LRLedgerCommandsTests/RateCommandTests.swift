import Foundation
import Schedules
import TestSupport
import Testing

@Suite("lrledger rate")
struct RateCommandTests {
    /// The Keras reference rows, grouped by schedule and dtype, for one binary call each.
    static func referenceGroups() throws -> [(
        className: String, schedule: String, dtype: String, rows: [(step: String, bits: String)]
    )] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../SchedulesTests/Fixtures/keras-reference/vectors.jsonl").standardized
        let text = try String(contentsOf: url, encoding: .utf8)
        var order: [String] = []
        var groups:
            [String: (className: String, schedule: String, dtype: String, rows: [(step: String, bits: String)])] =
                [:]
        for line in text.split(separator: "\n") {
            guard case .object(let row) = try JSONValue(parsing: String(line)),
                let schedule = row["schedule"], case .string(let dtype) = row["dtype"],
                case .number(let step) = row["step"], case .string(let kind) = row["step_kind"],
                case .string(let bits) = row["rate_bits"], case .object(let object) = schedule,
                case .string(let className) = object["class_name"]
            else { continue }
            // The token as a user would type it: integer steps plainly, float steps with a point.
            let token = kind == "int" ? step.literal : (step.isFractional ? step.literal : step.literal + ".0")
            let key = schedule.compactText + "|" + dtype
            if groups[key] == nil {
                order.append(key)
                groups[key] = (className, schedule.compactText, dtype, [])
            }
            groups[key]!.rows.append((token, bits))
        }
        return order.map { groups[$0]! }
    }

    @Test("every reference row of every class matches through the command line")
    func referenceRowsMatchThroughTheBinary() throws {
        var checked: [String: Int] = [:]
        for group in try Self.referenceGroups() {
            let result = try LRLedgerProcess.run(
                ["rate", "--schedule", group.schedule, "--dtype", group.dtype, "--format", "csv"]
                    + group.rows.map(\.step))
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "step,rate")
            #expect(lines.count == group.rows.count + 1)
            for (row, line) in zip(group.rows, lines.dropFirst()) {
                let printed = String(line.split(separator: ",")[1])
                if printed == "nan" {
                    // Any NaN matches a NaN.
                    let expectedIsNaN =
                        group.dtype == "float32"
                        ? UInt32(row.bits, radix: 16).map { Float(bitPattern: $0).isNaN } ?? false
                        : UInt64(row.bits, radix: 16).map { Double(bitPattern: $0).isNaN } ?? false
                    #expect(expectedIsNaN, "\(group.schedule) \(group.dtype) step \(row.step)")
                    checked[group.className, default: 0] += 1
                    continue
                }
                let bits: String
                if group.dtype == "float32" {
                    guard let value = Float(printed) else {
                        Issue.record("unparsable \(printed)")
                        continue
                    }
                    bits = String(value.bitPattern, radix: 16)
                } else {
                    guard let value = Double(printed) else {
                        Issue.record("unparsable \(printed)")
                        continue
                    }
                    bits = String(value.bitPattern, radix: 16)
                }
                let expected = String(row.bits.drop { $0 == "0" })
                #expect(
                    bits == (expected.isEmpty ? "0" : expected), "\(group.schedule) \(group.dtype) step \(row.step)")
                checked[group.className, default: 0] += 1
            }
        }
        let counts = checked.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("lrledger rate: \(checked.values.reduce(0, +)) reference rows matched bit for bit (\(counts))")
        #expect(
            checked == [
                "InverseTimeDecay": 7248, "ExponentialDecay": 310, "PiecewiseConstantDecay": 146,
                "PolynomialDecay": 208,
                "CosineDecay": 200, "CosineDecayRestarts": 306,
            ])
    }

    @Test("--schedule takes @FILE and a Keras optimizer config, giving the schedule's own rates")
    func scheduleFromFileAndOptimizerConfig() throws {
        let folder = try TemporaryDirectory()
        let schedule =
            #"{"module": "keras.optimizers.schedules", "class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.0, "name": "CosineDecay", "warmup_target": null, "warmup_steps": 0}, "registered_name": null}"#
        let optimizer = #"{"name": "sgd", "learning_rate": "# + schedule + #", "momentum": 0.9, "nesterov": false}"#
        let serialized =
            #"{"module": "keras.optimizers", "class_name": "SGD", "config": "# + optimizer
            + #", "registered_name": null}"#
        try schedule.write(toFile: folder.path("schedule.json"), atomically: true, encoding: .utf8)
        try serialized.write(toFile: folder.path("optimizer.json"), atomically: true, encoding: .utf8)
        let steps = ["0", "1", "50", "99", "100", "1000", "2.5"]
        let direct = try LRLedgerProcess.run(["rate", "--schedule", schedule, "--format", "csv"] + steps)
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(direct.stdout.split(separator: "\n").count == steps.count + 1)
        for source in ["@" + folder.path("schedule.json"), optimizer, "@" + folder.path("optimizer.json")] {
            let result = try LRLedgerProcess.run(["rate", "--schedule", source, "--format", "csv"] + steps)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == direct.stdout, "\(source)")
        }
        let constant = try LRLedgerProcess.run(
            ["rate", "--schedule", #"{"name": "adam", "learning_rate": 0.001, "beta_1": 0.9}"#, "0"])
        #expect(constant.status == 0, "\(constant.stderr)")
        #expect(constant.stdout.contains("0.001"), "\(constant.stdout)")
        let missing = try LRLedgerProcess.run(["rate", "--schedule", "@" + folder.path("nope.json"), "0"])
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    }

    @Test("json output is an array of step and rate objects")
    func jsonOutput() throws {
        let schedule =
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5}}"#
        let result = try LRLedgerProcess.run(["rate", "--schedule", schedule, "--format", "json", "0", "2", "2.5"])
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect((parsed?[1]["rate"] as? Double).map { Float($0) } == Float(0.1) / 2)
        #expect((parsed?[2]["step"] as? Double) == 2.5)
    }

    @Test("each invalid config exits non-zero with one line on stderr and no stack trace")
    func invalidConfigsGetOneLine() throws {
        let configs = [
            #""initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5"#,
            #""initial_learning_rate": 0.1, "decay_steps": -1, "decay_rate": 0.5"#,
            #""initial_learning_rate": 1e39, "decay_steps": 1, "decay_rate": 0.5"#,
            #""initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5"#,
            #""initial_learning_rate": -0.1, "decay_steps": 1, "decay_rate": 0.5"#,
            #""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": -1.0"#,
            #""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 1e39"#,
            #""initial_learning_rate": 0.1, "decay_steps": "1", "decay_rate": 0.5"#,
            #""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "staircase": 1"#,
            #""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "bogus": 1"#,
        ].map { #"{"class_name": "InverseTimeDecay", "config": {"# + $0 + "}}" }
        let others = [
            #"{"class_name": "Nope", "config": {}}"#, "not json",
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": NaN}}"#,
        ]
        for schedule in configs + others {
            let result = try LRLedgerProcess.run(["rate", "--schedule", schedule, "0"])
            #expect(result.status != 0, "\(schedule) was accepted")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(schedule): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        }
    }

    @Test("a bad step token or dtype exits non-zero with one line")
    func badStepsAndDtypes() throws {
        let schedule =
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5}}"#
        for arguments in [["abc"], ["9223372036854775808"], ["1e999"], ["--dtype", "float16", "1"]] {
            let result = try LRLedgerProcess.run(["rate", "--schedule", schedule] + arguments)
            #expect(result.status != 0)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }
}
