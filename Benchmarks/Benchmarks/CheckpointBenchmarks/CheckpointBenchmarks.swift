// Encoding and decoding a checkpoint: what each commit and each resume pay for the
// model's state. The softmax workload is lrledger's built-in model (3 classes x 8
// features, SGD with momentum 0.9, so the velocity buffers are real); the no-model
// state is what `--model none` commits.
import Benchmark
import Trainer

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    let workloads: [(String, WorkloadSettings)] = [
        ("softmax", try! WorkloadSettings(model: .softmax, seed: 7, batchSize: 32, momentum: 0.9)),
        ("none", try! WorkloadSettings(model: .noModel, seed: 7)),
    ]
    for (name, settings) in workloads {
        // A state part-way through training: 1,000 updates from the seed.
        var trained = try! makeWorkload(settings: settings)
        for step in 0..<1000 {
            _ = try! trained.step(rate: 0.1 / (1 + 0.5 * Double(step)))
        }
        let workload = trained
        let bytes = workload.encodeState()

        Benchmark("Checkpoint encode, \(name) (\(bytes.count) bytes)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(workload.encodeState())
            }
        }

        Benchmark("Checkpoint decode, \(name) (\(bytes.count) bytes)", configuration: configuration) { benchmark in
            var target = try makeWorkload(settings: workload.settings)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try target.restore(from: bytes)
            }
            benchmark.stopMeasurement()
            blackHole(target.updateCount)
        }
    }
}
