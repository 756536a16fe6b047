// Schedule evaluation: the rate the trainer computes before every update.
//
// One iteration evaluates steps 0..<1,000,000; with `scalingFactor: .mega` the tool
// reports per rate, so throughput reads as rates per second. Target: at least 100
// million rates per second on one core, through `any LearningRateSchedule` as the
// trainer calls it.
import Benchmark
import Schedules

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal], scalingFactor: .mega,
        maxDuration: .seconds(3))

    func schedule(_ dtype: DType) -> InverseTimeDecay {
        // Keras's documentation example, lrledger's default schedule.
        try! InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5), dtype: dtype)
    }

    for dtype in [DType.float32, .float64] {
        let concrete = schedule(dtype)
        // Decoded from its stored Keras JSON, as a resumed run gets it.
        let stored: any LearningRateSchedule = try! ScheduleCodec.decode(concrete.canonicalJSON, dtype: dtype)

        Benchmark("InverseTimeDecay \(dtype) rate(at:) via any LearningRateSchedule", configuration: configuration) {
            benchmark in
            var sum = 0.0
            for step in benchmark.scaledIterations {
                sum += stored.rate(at: Int64(step))
            }
            blackHole(sum)
        }

        Benchmark("InverseTimeDecay \(dtype) rate(at:) concrete type", configuration: configuration) { benchmark in
            var sum = 0.0
            for step in benchmark.scaledIterations {
                sum += concrete.rate(at: Int64(step))
            }
            blackHole(sum)
        }
    }
}
