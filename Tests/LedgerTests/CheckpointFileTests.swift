import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Checkpoints kept as files, by reference")
struct CheckpointFileTests {
    /// Writes `bytes` as `name` in the folder and returns its reference, read back from disk.
    func write(_ bytes: String, as name: String, in folder: CheckpointFolder) throws -> CheckpointFile {
        try Data(bytes.utf8).write(to: URL(fileURLWithPath: try folder.location(of: name)))
        return try folder.describe(name)
    }

    func fileRequest(_ run: String, folder: CheckpointFolder, target: Int64 = 1000) throws -> AttachRequest {
        AttachRequest(run: run, defaultSchedule: try docSchedule(), targetSteps: target, checkpointFolder: folder)
    }

    @Test("a file reference is committed with the step and handed back, with its trainer state, on resume")
    func referenceRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let folder = CheckpointFolder(path: directory.path("checkpoints"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try fileRequest("r", folder: folder))
        for step in Int64(0)..<10 { writer.log(step: step, rate: docRate(step)) }
        let file = try write("weights after 10 updates", as: "ckpt-10.bin", in: folder)
        #expect(file.size == 24)
        // SHA-256 of the bytes, computed independently: `printf 'weights after 10 updates' | sha256sum`.
        #expect(file.sha256 == SHA256Hex.digest(Array("weights after 10 updates".utf8)))
        let receipt = try writer.commit(step: 10, file: file, trainerState: #"{"epoch":1}"#)
        #expect(receipt.rows == 10)
        #expect(receipt.droppedFiles.isEmpty)
        try writer.close(reason: .interrupted)

        let resumed = try ledger.attach(try fileRequest("r", folder: folder))
        #expect(resumed.resumeStep == 10)
        #expect(resumed.checkpoint?.file == file)
        #expect(resumed.checkpoint?.trainerState == #"{"epoch":1}"#)
        #expect(resumed.checkpoint?.state == [])
        #expect(resumed.discardedCheckpoints.isEmpty)
        try resumed.close(reason: .interrupted)
        var rows: [String] = []
        try ledger.query("SELECT step, bytes, file FROM checkpoints") { values in
            rows.append(values.map { "\($0)" }.joined(separator: "|"))
        }
        #expect(rows.count == 1)
        #expect(rows.first?.contains("24") == true && rows.first?.contains("ckpt-10.bin") == true, "\(rows)")
        #expect(try ledger.audit(run: "r").isClean)
    }

    @Test("a damaged or missing latest file makes the resume fall back to the previous checkpoint, recorded")
    func damagedFileFallsBack() throws {
        for damage in ["truncate", "flip", "delete"] {
            let directory = try TemporaryDirectory()
            let folder = CheckpointFolder(path: directory.path("checkpoints"))
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            let ledger = try Ledger(path: directory.path())
            let writer = try ledger.attach(try fileRequest("r", folder: folder))
            for (end, text) in [(Int64(100), "state at 100"), (200, "state at 200")] {
                for step in (end - 100)..<end { writer.log(step: step, rate: docRate(step)) }
                try writer.commit(
                    step: end, file: try write(text, as: "ckpt-\(end).bin", in: folder), trainerState: nil)
            }
            try writer.close(reason: .interrupted)
            let latest = try folder.location(of: "ckpt-200.bin")
            switch damage {
            case "truncate": try Data("state at".utf8).write(to: URL(fileURLWithPath: latest))
            case "flip": try Data("state at 2O0".utf8).write(to: URL(fileURLWithPath: latest))
            default: try FileManager.default.removeItem(atPath: latest)
            }

            let resumed = try ledger.attach(try fileRequest("r", folder: folder))
            #expect(resumed.resumeStep == 100, "\(damage)")
            #expect(resumed.rewoundFrom == 200)
            #expect(resumed.supersededRows == 100)
            #expect(resumed.discardedCheckpoints.map(\.step) == [200])
            #expect(resumed.checkpoint?.file?.path == "ckpt-100.bin")
            for step in Int64(100)..<200 { resumed.log(step: step, rate: docRate(step)) }
            try resumed.commit(
                step: 200, file: try write("state at 200", as: "ckpt-200.bin", in: folder), trainerState: nil)
            try resumed.close(reason: .finished)
            let detail = try ledger.run(named: "r")
            #expect(detail.events.contains { $0.kind == "checkpoint_discarded" && $0.step == 200 })
            #expect(try historyRows(ledger, "r").map(\.step) == Array(0..<200))
            #expect(try ledger.audit(run: "r").isClean, "\(damage)")
        }
    }

    @Test("with every kept file damaged the run starts again from step 0, never refusing to resume")
    func allDamagedRestartsFromZero() throws {
        let directory = try TemporaryDirectory()
        let folder = CheckpointFolder(path: directory.path("checkpoints"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try fileRequest("r", folder: folder))
        for step in Int64(0)..<50 { writer.log(step: step, rate: docRate(step)) }
        try writer.commit(step: 50, file: try write("fifty", as: "a.bin", in: folder), trainerState: nil)
        try writer.close(reason: .interrupted)
        try FileManager.default.removeItem(atPath: try folder.location(of: "a.bin"))
        let resumed = try ledger.attach(try fileRequest("r", folder: folder))
        #expect(resumed.resumeStep == 0)
        #expect(resumed.checkpoint == nil)
        #expect(resumed.supersededRows == 50)
        try resumed.close(reason: .interrupted)
    }

    @Test("commits name the files of checkpoints dropped beyond the kept count")
    func droppedFilesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let folder = CheckpointFolder(path: directory.path("checkpoints"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let ledger = try Ledger(path: directory.path(), configuration: LedgerConfiguration(keepCheckpoints: 2))
        let writer = try ledger.attach(try fileRequest("r", folder: folder))
        var dropped: [[String]] = []
        for end in Int64(1)...4 {
            writer.log(step: end - 1, rate: docRate(end - 1))
            let file = try write("state \(end)", as: "c\(end).bin", in: folder)
            dropped.append(try writer.commit(step: end, file: file, trainerState: nil).droppedFiles)
        }
        #expect(dropped == [[], [], ["c1.bin"], ["c2.bin"]])
        try writer.close(reason: .finished)
    }

    @Test("paths that leave the checkpoint folder are refused")
    func escapingPathsAreRefused() {
        let folder = CheckpointFolder(path: "/tmp/somewhere")
        for path in ["", "/etc/passwd", "../up.bin", "a/../../b", "a//b"] {
            #expect(throws: LedgerError.self) { _ = try folder.location(of: path) }
        }
        #expect((try? folder.location(of: "sub/ckpt.bin")) == "/tmp/somewhere/sub/ckpt.bin")
    }
}
