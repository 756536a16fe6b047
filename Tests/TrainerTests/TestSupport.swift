import Foundation

@testable import Trainer

/// A fresh file in the temporary directory holding `text`; each test gets its own.
func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("lrledger-trainer-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// A decaying rate that changes every step, so a resume at the wrong step would show.
func testRate(_ step: Int) -> Double {
    0.1 / (1.0 + 0.01 * Double(step))
}

/// Runs `count` updates starting at optimizer step `from`, with `testRate`.
func train(_ workload: inout some Workload, from start: Int, count: Int) throws {
    for step in start..<(start + count) {
        _ = try workload.step(rate: testRate(step))
    }
}

func softmaxSettings(seed: UInt64 = 7, batchSize: Int = 32, momentum: Double = 0) throws -> WorkloadSettings {
    try WorkloadSettings(model: .softmax, seed: seed, batchSize: batchSize, momentum: momentum)
}
