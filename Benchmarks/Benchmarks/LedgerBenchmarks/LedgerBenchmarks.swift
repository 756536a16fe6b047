// The ledger's hot paths, in process: buffering one logged rate, and a commit of
// 1,000 buffered rows with the step counter and a checkpoint, as `lrledger train
// --model none --checkpoint-every 1000` does a thousand times per million steps.
//
// Each benchmark gets its own ledger in a temporary folder, removed afterwards. The
// commit benchmark measures only `commit`: logging the 1,000 rows it writes happens
// outside the measurement.
import Benchmark
import Foundation
import Ledger
import Logging
import Schedules
import Trainer

/// A ledger in a temporary folder with one attached run, and the rates and state to log.
final class WriterFixture {
    let ledger: Ledger
    let writer: RunWriter
    let rates: [Double]
    let state: [UInt8]
    var step: Int64

    init(folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "lrledger.bench")
        logger.logLevel = .error
        let schedule = try TrainingRequest.defaultSchedule
        ledger = try Ledger(path: folder + "/ledger.sqlite", logger: logger)
        writer = try ledger.attach(
            AttachRequest(run: "bench", defaultSchedule: schedule, targetSteps: 1 << 40))
        rates = (0..<1000).map { schedule.rate(at: Int64($0)) }
        // The state `--model none` commits: a no-model checkpoint (68 bytes).
        state = try NullWorkload(settings: WorkloadSettings(model: .noModel)).encodeState()
        step = writer.resumeStep
    }
}

let benchmarks: @Sendable () -> Void = {
    let root = NSTemporaryDirectory() + "lrledger-benchmarks-\(getpid())"
    let cleanUp: Benchmark.BenchmarkTeardownHook = { try? FileManager.default.removeItem(atPath: root) }

    Benchmark(
        "RunWriter.log: buffer one logged rate",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))
    ) { benchmark, fixture in
        // 1,000 rates per iteration, then the buffer is emptied (keeping its capacity)
        // so that memory stays flat however many iterations run.
        let writer = fixture.writer
        for step in benchmark.scaledIterations {
            writer.log(step: Int64(step), rate: fixture.rates[step], loss: nil)
        }
        writer.discardBuffer()
    } setup: {
        try WriterFixture(folder: root + "/log")
    } teardown: {
        try await cleanUp()
    }

    Benchmark(
        "RunWriter.commit: 1,000 rows, step counter and checkpoint",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal, .syscalls], maxDuration: .seconds(5))
    ) { benchmark, fixture in
        let writer = fixture.writer
        let start = fixture.step
        for index in 0..<1000 {
            writer.log(step: start + Int64(index), rate: fixture.rates[index], loss: nil)
        }
        fixture.step = start + 1000
        benchmark.startMeasurement()
        try writer.commit(step: fixture.step, state: fixture.state)
        benchmark.stopMeasurement()
    } setup: {
        try WriterFixture(folder: root + "/commit")
    } teardown: {
        try await cleanUp()
    }
}
