import Foundation
import TestSupport
import Testing

@testable import Import

struct EventFileSourceTests {
    @Test("a Keras run's TensorFlow 2 event files (tensor scalars) are read in file order, as float32")
    func tensorScalars() throws {
        let source = try EventFileSource(path: ImportFixtures.path("keras-clean"))
        #expect(source.tag == "learning_rate")
        #expect(source.files.count == 2)
        let records = try ImportFixtures.records(source)
        #expect(records.map(\.step) == Array(0..<40))
        #expect(records[0].value == Double(Float(0.1)))
        #expect(records.allSatisfy { $0.precision == .float32 && $0.wallTime != nil })
    }

    @Test("TensorFlow 1 event files (simple_value) are read as float32")
    func simpleValues() throws {
        let records = try ImportFixtures.records(try EventFileSource(path: ImportFixtures.path("keras-lost-counter")))
        #expect(records.map(\.step) == Array(0..<40))
        #expect(records[25].value == Double(Float(0.1)))
        #expect(records.allSatisfy { $0.precision == .float32 })
    }

    @Test("a float64 tensor scalar is read as float64")
    func float64Tensor() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("events.out.tfevents.1.test")
        let bytes = try ImportFixtures.eventFile(tag: "train/lr", [(0, 0.1), (1, 0.05)], float64Tensor: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let records = try ImportFixtures.records(try EventFileSource(path: file))
        #expect(records.map(\.value) == [0.1, 0.05])
        #expect(records.allSatisfy { $0.precision == .float64 })
    }

    @Test("a truncated event file is refused naming the file and the record")
    func truncated() throws {
        let folder = try TemporaryDirectory()
        let original = try Data(
            contentsOf: ImportFixtures.folder.appendingPathComponent("keras-clean/events.out.tfevents.1.fixture.v2"))
        for cut in [original.count - 3, original.count - 20, 5] {
            let file = folder.path("events.out.tfevents.cut\(cut)")
            try Data(original.prefix(cut)).write(to: URL(fileURLWithPath: file))
            let error = #expect(throws: ImportError.self) {
                try ImportFixtures.records(try EventFileSource(path: file, tag: "learning_rate"))
            }
            #expect(error?.code == .truncated)
            #expect(error?.message.hasPrefix("\(file) is truncated: the file ends inside record") == true)
        }
    }

    @Test("a byte changed in a record's data or length fails its CRC32C, naming the file")
    func badChecksum() throws {
        let folder = try TemporaryDirectory()
        let original = try Data(
            contentsOf: ImportFixtures.folder.appendingPathComponent("keras-clean/events.out.tfevents.1.fixture.v2"))
        for offset in [original.count - 10, 2] {
            var bytes = [UInt8](original)
            bytes[offset] ^= 0x01
            let file = folder.path("events.out.tfevents.flip\(offset)")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let error = #expect(throws: ImportError.self) {
                try ImportFixtures.records(try EventFileSource(path: file, tag: "learning_rate"))
            }
            #expect(error?.code == .badChecksum)
            #expect(error?.message.hasPrefix("\(file) is damaged: record") == true)
        }
    }

    @Test("without --tag, files with no rate tag or two are refused listing their tags")
    func tagChoice() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("events.out.tfevents.tags")
        let bytes =
            try ImportFixtures.eventFile(tag: "epoch_learning_rate", [(0, 0.1)])
            + ImportFixtures.eventFile(tag: "batch_lr", [(0, 0.1)])
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: ImportError.self) { try EventFileSource(path: file) }
        #expect(error?.code == .seriesNotFound)
        #expect(error?.message.contains("epoch_learning_rate, batch_lr") == true)
        // The reader names the setting; only a front end names its flag.
        #expect(error?.setting == .tag)
        #expect(error?.message.contains("--") == false)
        let chosen = try EventFileSource(path: file, tag: "batch_lr")
        #expect(try ImportFixtures.records(chosen).count == 1)
        let absent = try EventFileSource(path: file, tag: "loss")
        #expect(throws: ImportError.self) { try ImportFixtures.records(absent) }
    }

    @Test("tags that name a rate: learning_rate anywhere, or lr as a word")
    func rateTags() {
        #expect(EventFileSource.looksLikeRate("epoch_learning_rate"))
        #expect(EventFileSource.looksLikeRate("train/lr"))
        #expect(EventFileSource.looksLikeRate("lr"))
        #expect(!EventFileSource.looksLikeRate("clr_loss"))
        #expect(!EventFileSource.looksLikeRate("loss"))
    }
}
