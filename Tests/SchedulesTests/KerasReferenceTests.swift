import Schedules
import Testing

@Suite("Keras reference vectors")
struct KerasReferenceTests {
    @Test("every InverseTimeDecay reference row matches Keras bit for bit")
    func inverseTimeDecayMatchesKeras() throws {
        let rows = try KerasReferenceVector.all()
        var checked = 0
        var skipped: [String: Int] = [:]
        var mismatches: [String] = []
        for row in rows {
            guard ScheduleCodec.classes[row.className] != nil else {
                skipped[row.className, default: 0] += 1
                continue
            }
            let schedule = try ScheduleCodec.decode(row.schedule, dtype: row.dtype)
            let rate = schedule.rate(at: row.step)
            checked += 1
            if !row.matches(rate) {
                mismatches.append(
                    "line \(row.line): \(row.className) \(row.dtype) step \(row.step): expected \(row.rateBits), got \(RateText.string(rate, dtype: row.dtype))"
                )
            }
        }
        let skippedText = skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("Keras reference vectors: \(checked) rows matched bit for bit, \(rows.count - checked) skipped (\(skippedText))")
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        let inverseTimeRows = rows.filter { $0.className == "InverseTimeDecay" }.count
        #expect(inverseTimeRows == 7248)
        #expect(checked >= inverseTimeRows)
    }

    @Test("the reference rows cover both dtypes and both step kinds")
    func fixtureCoversDtypesAndStepKinds() throws {
        let rows = try KerasReferenceVector.all().filter { $0.className == "InverseTimeDecay" }
        for dtype in DType.allCases {
            #expect(rows.contains { $0.dtype == dtype && { if case .integer = $0.step { true } else { false } }($0) })
            #expect(rows.contains { $0.dtype == dtype && { if case .fractional = $0.step { true } else { false } }($0) })
        }
    }
}
