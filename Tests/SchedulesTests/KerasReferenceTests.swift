import Foundation
import Schedules
import Testing

@Suite("Keras reference vectors")
struct KerasReferenceTests {
    /// Every class the fixture holds, with its row count: a class missing from the codec,
    /// or a row that is not checked, fails the test.
    static let expectedRows = [
        "InverseTimeDecay": 7248,
        "ExponentialDecay": 310,
        "PiecewiseConstantDecay": 146,
        "PolynomialDecay": 208,
        "CosineDecay": 200,
        "CosineDecayRestarts": 306,
    ]

    @Test("every reference row of every class matches Keras bit for bit, none skipped")
    func everyRowMatchesKeras() throws {
        let rows = try KerasReferenceVector.all()
        var checked: [String: Int] = [:]
        var skipped: [String: Int] = [:]
        var mismatches: [String] = []
        for row in rows {
            guard ScheduleCodec.classes[row.className] != nil else {
                skipped[row.className, default: 0] += 1
                continue
            }
            let schedule = try ScheduleCodec.decode(row.schedule, dtype: row.dtype)
            let rate = schedule.rate(at: row.step)
            checked[row.className, default: 0] += 1
            if !row.matches(rate) {
                mismatches.append(
                    "line \(row.line): \(row.className) \(row.dtype) step \(row.step): expected \(row.rateBits), got \(RateText.string(rate, dtype: row.dtype))"
                )
            }
        }
        let counts = checked.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let total = checked.values.reduce(0, +)
        print(
            "Keras reference vectors: \(total - mismatches.count) of \(rows.count) rows matched bit for bit (\(counts)); \(mismatches.count) mismatched, \(rows.count - total) skipped"
        )
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        #expect(skipped.isEmpty, "rows skipped: \(skipped)")
        #expect(total == rows.count)
        #expect(checked == Self.expectedRows)
    }

    /// Rows from more runs of real Keras: the generated fixture (random configs and rows
    /// near underflow, see `Fixtures/keras-generated/README.md`), and the file named by
    /// LRLEDGER_KERAS_VECTORS when set, for checking a platform against more inputs.
    @Test("every generated reference row (and LRLEDGER_KERAS_VECTORS's) matches Keras bit for bit")
    func generatedVectorsMatchKeras() throws {
        var files = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/keras-generated/vectors.jsonl")
        ]
        if let path = ProcessInfo.processInfo.environment["LRLEDGER_KERAS_VECTORS"] {
            files.append(URL(fileURLWithPath: path))
        }
        for file in files {
            let rows = try KerasReferenceVector.all(in: file)
            var checked: [String: Int] = [:]
            var mismatches: [String] = []
            for row in rows {
                let rate = try ScheduleCodec.decode(row.schedule, dtype: row.dtype).rate(at: row.step)
                checked[row.className, default: 0] += 1
                if !row.matches(rate) {
                    mismatches.append(
                        "line \(row.line): \(row.schedule.compactText) \(row.dtype) step \(row.step): expected \(row.rateBits), got \(RateText.string(rate, dtype: row.dtype))"
                    )
                }
            }
            let counts = checked.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(
                "\(file.lastPathComponent) (\(file.deletingLastPathComponent().lastPathComponent)): \(rows.count - mismatches.count) of \(rows.count) rows matched bit for bit (\(counts))"
            )
            #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
            #expect(Set(checked.keys) == Set(Self.expectedRows.keys), "every class has rows")
        }
    }

    @Test("the reference rows cover every class in both dtypes and both step kinds")
    func fixtureCoversDtypesAndStepKinds() throws {
        let rows = try KerasReferenceVector.all()
        #expect(Set(rows.map(\.className)) == Set(ScheduleCodec.classes.keys))
        for className in Self.expectedRows.keys {
            let classRows = rows.filter { $0.className == className }
            for dtype in DType.allCases {
                #expect(classRows.contains { $0.dtype == dtype && !$0.step.isFractional }, "\(className) \(dtype) int")
                #expect(classRows.contains { $0.dtype == dtype && $0.step.isFractional }, "\(className) \(dtype) float")
            }
        }
    }
}

extension ScheduleStep {
    var isFractional: Bool {
        if case .fractional = self { true } else { false }
    }
}
