// lrledger-bench-tool: the in-process baselines that scripts/bench compares lrledger with.
//
//   lrledger-bench-tool model --steps N [--seed S] [--batch-size B] [--momentum M]
//       The softmax model's own arithmetic, alone: builds the workload `lrledger train
//       --model softmax` builds for these settings, computes the N rates up front, then
//       times only the N calls to `step(rate:)`, through `any Workload` as the trainer
//       makes them. Prints the SHA-256 of the final state, which equals the checkpoint
//       lrledger commits at step N, so both sides provably did the same arithmetic.
//
//   lrledger-bench-tool schedule --steps N [--passes P]
//       Schedule evaluation on one core: P passes over steps 0..<N of the default
//       schedule, decoded from its Keras JSON and called through `any
//       LearningRateSchedule` as the trainer calls it, then the same with the concrete
//       `InverseTimeDecay` type (inlined).
//
// Each prints one JSON line. Times are taken with a monotonic clock around the loops only.
import Foundation
import Schedules
import Trainer

struct Arguments {
    var command: String
    var options: [String: String]

    init(_ argv: [String]) throws {
        guard argv.count >= 2 else { throw usage }
        command = argv[1]
        options = [:]
        var index = 2
        while index < argv.count {
            let name = argv[index]
            guard name.hasPrefix("--"), index + 1 < argv.count else { throw usage }
            options[String(name.dropFirst(2))] = argv[index + 1]
            index += 2
        }
    }

    func integer(_ name: String, default value: Int? = nil) throws -> Int {
        guard let text = options[name] else {
            guard let value else { throw ToolError("missing --\(name)") }
            return value
        }
        guard let number = Int(text), number >= 0 else {
            throw ToolError("--\(name) must be an integer >= 0, got \(text)")
        }
        return number
    }

    func double(_ name: String, default value: Double) throws -> Double {
        guard let text = options[name] else { return value }
        guard let number = Double(text) else { throw ToolError("--\(name) must be a number, got \(text)") }
        return number
    }
}

struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let usage = ToolError(
    """
    usage: lrledger-bench-tool model --steps N [--seed S] [--batch-size B] [--momentum M]
           lrledger-bench-tool schedule --steps N [--passes P]
    """)

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Prints one JSON object; values are numbers or strings already formatted.
func printJSON(_ fields: KeyValuePairs<String, Any>) {
    let body = fields.map { key, value -> String in
        switch value {
        case let text as String: "\"\(key)\":\"\(text)\""
        case let number as Double: "\"\(key)\":\(number)"
        default: "\"\(key)\":\(value)"
        }
    }
    print("{" + body.joined(separator: ",") + "}")
}

/// The model's arithmetic alone, on the rates the default schedule gives.
func model(_ arguments: Arguments) throws {
    let steps = try arguments.integer("steps")
    let settings = try WorkloadSettings(
        model: .softmax, seed: UInt64(try arguments.integer("seed", default: 0)),
        batchSize: try arguments.integer("batch-size", default: 32),
        momentum: try arguments.double("momentum", default: 0))
    let schedule = try ScheduleCodec.decode(try TrainingRequest.defaultSchedule.canonicalJSON)
    let rates = (0..<steps).map { schedule.rate(at: Int64($0)) }
    var workload: any Workload = try makeWorkload(settings: settings)
    var lossSum = 0.0
    let clock = ContinuousClock()
    let start = clock.now
    for rate in rates {
        lossSum += try workload.step(rate: rate) ?? 0
    }
    let elapsed = seconds(clock.now - start)
    printJSON([
        "command": "model", "steps": steps, "seconds": elapsed, "steps_per_second": Double(steps) / elapsed,
        "loss_sum": lossSum, "state_sha256": CheckpointFormat.sha256Hex(of: workload.encodeState()),
    ])
}

/// Rates per second for P passes over a million steps, as the trainer calls the schedule
/// (an existential decoded from JSON) and with the concrete type.
func schedule(_ arguments: Arguments) throws {
    let steps = Int64(try arguments.integer("steps"))
    let passes = try arguments.integer("passes", default: 100)
    let concrete = try TrainingRequest.defaultSchedule
    let existential: any LearningRateSchedule = try ScheduleCodec.decode(concrete.canonicalJSON)
    let clock = ContinuousClock()

    var sum = 0.0
    var start = clock.now
    for _ in 0..<passes {
        for step in 0..<steps { sum += existential.rate(at: step) }
    }
    let existentialSeconds = seconds(clock.now - start)

    // In blocks of 1,024 through the existential, as the trainer evaluates it.
    var blockSum = 0.0
    var block = [Double](repeating: 0, count: 1024)
    start = clock.now
    for _ in 0..<passes {
        var first: Int64 = 0
        while first < steps {
            existential.rates(from: first, into: &block)
            let count = Int(min(Int64(block.count), steps - first))
            for index in 0..<count { blockSum += block[index] }
            first += Int64(block.count)
        }
    }
    let blockSeconds = seconds(clock.now - start)

    var concreteSum = 0.0
    start = clock.now
    for _ in 0..<passes {
        for step in 0..<steps { concreteSum += concrete.rate(at: step) }
    }
    let concreteSeconds = seconds(clock.now - start)
    guard sum.bitPattern == concreteSum.bitPattern, sum.bitPattern == blockSum.bitPattern else {
        throw ToolError("the existential and concrete schedules disagree: \(sum) vs \(concreteSum)")
    }
    let rates = Double(steps) * Double(passes)
    printJSON([
        "command": "schedule", "rates": Int(rates), "seconds": existentialSeconds,
        "rates_per_second": rates / existentialSeconds, "concrete_seconds": concreteSeconds,
        "concrete_rates_per_second": rates / concreteSeconds, "rate_sum": sum,
        "block_seconds": blockSeconds, "block_rates_per_second": rates / blockSeconds,
    ])
}

do {
    let arguments = try Arguments(CommandLine.arguments)
    switch arguments.command {
    case "model": try model(arguments)
    case "schedule": try schedule(arguments)
    default: throw usage
    }
} catch {
    FileHandle.standardError.write(Data("lrledger-bench-tool: \(error)\n".utf8))
    exit(2)
}
