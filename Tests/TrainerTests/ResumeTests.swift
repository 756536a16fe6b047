import Testing

@testable import Trainer

struct ResumeTests {
    @Test("equal seeds and settings give identical state bytes; different seeds differ")
    func determinism() throws {
        var a = try makeWorkload(settings: softmaxSettings(seed: 7, momentum: 0.5))
        var b = try makeWorkload(settings: softmaxSettings(seed: 7, momentum: 0.5))
        var c = try makeWorkload(settings: softmaxSettings(seed: 8, momentum: 0.5))
        try train(&a, from: 0, count: 50)
        try train(&b, from: 0, count: 50)
        try train(&c, from: 0, count: 50)
        #expect(a.encodeState() == b.encodeState())
        #expect(a.encodeState() != c.encodeState())
    }

    @Test(
        "a run interrupted at step k and restored gives the bytes of an uninterrupted run",
        arguments: [
            // (batch size, momentum, interruption step): 1024 samples, so batch 32 ends an
            // epoch exactly every 32 steps and batch 48 wraps an epoch mid-batch.
            (32, 0.0, 37), (32, 0.9, 37), (32, 0.0, 32), (32, 0.9, 64), (48, 0.9, 37), (48, 0.0, 21),
            (48, 0.9, 22), (32, 0.9, 1), (2000, 0.9, 3),
        ])
    func exactResume(batchSize: Int, momentum: Double, split: Int) throws {
        let settings = try softmaxSettings(seed: 42, batchSize: batchSize, momentum: momentum)
        var straight = try makeWorkload(settings: settings)
        try train(&straight, from: 0, count: 100)

        var first = try makeWorkload(settings: settings)
        try train(&first, from: 0, count: split)
        let checkpoint = first.encodeState()
        var resumed = try restoreWorkload(settings: first.settings, checkpoint: checkpoint)
        #expect(resumed.encodeState() == checkpoint)
        #expect(resumed.updateCount == UInt64(split))
        try train(&resumed, from: split, count: 100 - split)

        #expect(resumed.encodeState() == straight.encodeState())
        #expect(resumed.updateCount == 100)
    }

    @Test("a run interrupted every few steps ends with the bytes of an uninterrupted run")
    func manyInterruptions() throws {
        let settings = try softmaxSettings(seed: 9, batchSize: 100, momentum: 0.9)
        var straight = try makeWorkload(settings: settings)
        try train(&straight, from: 0, count: 120)

        var step = 0
        var bytes = try makeWorkload(settings: settings).encodeState()
        for chunk in [13, 1, 40, 7, 29, 30] {
            var workload = try restoreWorkload(settings: settings, checkpoint: bytes)
            try train(&workload, from: step, count: chunk)
            step += chunk
            bytes = workload.encodeState()
        }
        #expect(step == 120)
        #expect(bytes == straight.encodeState())
    }

    @Test("the data order after a restore is the order the uninterrupted run visits")
    func restoredOrderMatches() throws {
        var straight = try SoftmaxRegression(settings: softmaxSettings(batchSize: 48), dataset: .synthetic(seed: 7))
        try train(&straight, from: 0, count: 30)
        var resumed = try SoftmaxRegression(settings: softmaxSettings(batchSize: 48), dataset: .synthetic(seed: 7))
        try resumed.restore(from: straight.encodeState())
        #expect(resumed.order == straight.order)
        #expect(resumed.epoch == 1)
    }

    @Test("the no-model workload counts steps, returns no loss and resumes its counter")
    func nullWorkload() throws {
        let settings = try WorkloadSettings(model: .noModel, seed: 3)
        var workload = try makeWorkload(settings: settings)
        #expect(try workload.step(rate: 0.1) == nil)
        #expect(try workload.step(rate: 0.05) == nil)
        #expect(workload.updateCount == 2)
        let resumed = try restoreWorkload(settings: settings, checkpoint: workload.encodeState())
        #expect(resumed.updateCount == 2)
        #expect(resumed.encodeState() == workload.encodeState())
        #expect(workload.encodeState().count == CheckpointFormat.headerSize + 16 + CheckpointFormat.checksumSize)
        #expect(throws: WorkloadError.self) { try workload.step(rate: .infinity) }
    }

    @Test("settings record the data fingerprint, and changed data are refused")
    func fingerprintIsRecordedAndChecked() throws {
        let path = try temporaryFile("1,2,0\n3,4,1\n5,6,2\n")
        let settings = try WorkloadSettings(model: .softmax, seed: 1, batchSize: 2, dataPath: path)
        let workload = try makeWorkload(settings: settings)
        let recorded = workload.settings
        #expect(recorded.dataFingerprint == (try Dataset(csvAt: path)).fingerprint)

        try "1,2,0\n3,4,1\n5,6,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: WorkloadError.self) {
            try restoreWorkload(settings: recorded, checkpoint: workload.encodeState())
        }
        #expect(error.code == .dataChanged)
        #expect(error.message.contains(path))
    }

    @Test("the synthetic data set is fingerprinted too, so a different one is refused")
    func syntheticFingerprint() throws {
        let recorded = try makeWorkload(settings: softmaxSettings(seed: 1)).settings
        let other = Dataset.synthetic(seed: 2)
        #expect(throws: WorkloadError.self) { try SoftmaxRegression(settings: recorded, dataset: other) }
    }
}
