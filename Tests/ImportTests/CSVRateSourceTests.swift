import Foundation
import TestSupport
import Testing

@testable import Import

struct CSVRateSourceTests {
    @Test("Keras CSVLogger's file is read by its epoch and lr columns, as decimal text")
    func kerasCSVLogger() throws {
        let source = try CSVRateSource(path: ImportFixtures.path("keras-clean.csv"))
        #expect(source.columns.step == "epoch")
        #expect(source.columns.rate == "lr")
        let records = try ImportFixtures.records(source)
        #expect(records.count == 40)
        #expect(records.map(\.step) == Array(0..<40))
        #expect(records[0].value == 0.10000000149011612)
        #expect(records.allSatisfy { $0.precision == .decimal && $0.wallTime == nil })
    }

    @Test("TensorBoard's CSV export is read by Step and Value, with its wall time")
    func tensorBoardExport() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("export.csv")
        try "Wall time,Step,Value\n1700000000.5,0,0.1\n1700000001.5,1,0.0952381\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let records = try ImportFixtures.records(try CSVRateSource(path: file))
        #expect(records.map(\.step) == [0, 1])
        #expect(records.map(\.wallTime) == [1_700_000_000.5, 1_700_000_001.5])
    }

    @Test("a Weights & Biases export's one column ending in lr is the rate; --step-column and --rate-column choose")
    func namedColumns() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("wandb.csv")
        try "Step,run-3 - train/lr,run-3 - loss\n0,0.1,2.0\n10,0.05,1.0\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let guessed = try CSVRateSource(path: file)
        #expect(guessed.columns.rate == "run-3 - train/lr")
        let chosen = try CSVRateSource(path: file, stepColumn: "Step", rateColumn: "run-3 - loss")
        #expect(try ImportFixtures.records(chosen).map(\.value) == [2.0, 1.0])
    }

    @Test("a CSV without a rate column is refused naming the file and its columns")
    func missingColumn() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("no-rate.csv")
        try "step,loss\n0,1.0\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ImportError.self) { try CSVRateSource(path: file) }
        #expect(error?.code == .badCSV)
        #expect(error?.message.contains(file) == true)
        #expect(error?.message.contains("'step', 'loss'") == true)
        #expect(error?.setting == .rateColumn)
    }

    @Test("a non-numeric rate, a fractional step and a short row are refused with their line")
    func badRows() throws {
        let folder = try TemporaryDirectory()
        let cases: [(String, String)] = [
            ("step,lr\n0,0.1\n1,abc\n", "line 3: column lr holds \"abc\", not a finite number"),
            ("step,lr\n0.5,0.1\n", "line 2: column step holds \"0.5\", not a step"),
            ("step,lr\n0,0.1\n1\n", "line 3 has 1 field, but the header names 2 columns"),
            ("step,lr\n-1,0.1\n", "line 2: column step holds \"-1\", not a step"),
            ("step,lr\n0,nan\n", "line 2: column lr holds \"nan\", not a finite number"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let file = folder.path("bad-\(index).csv")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let source = try CSVRateSource(path: file)
            let error = #expect(throws: ImportError.self) { try ImportFixtures.records(source) }
            #expect(error?.message.hasPrefix(file) == true)
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        }
    }

    @Test("an empty file and a missing file are refused naming them")
    func emptyAndMissing() throws {
        let folder = try TemporaryDirectory()
        let empty = folder.path("empty.csv")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let error = #expect(throws: ImportError.self) { try CSVRateSource(path: empty) }
        #expect(error?.message.contains(empty) == true)
        let missing = #expect(throws: ImportError.self) { try CSVRateSource(path: folder.path("nope.csv")) }
        #expect(missing?.code == .unreadable)
    }
}
