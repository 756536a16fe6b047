import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Chain, completeness and creation rules")
struct ChainTests {
    @Test("the latest recorded segment or schedule at or before a step governs it, also after a rewind below a change")
    func latestRecordedResolution() throws {
        // Schedule A from 0 (id 1), B recorded from 1000 (id 2); a rewind to 900 records C
        // from 900 (id 3), which overrides B from 900 on.
        let withChange = LatestRecorded([(start: 0, id: 1, value: "A"), (start: 1000, id: 2, value: "B")])
        #expect(withChange.entry(at: 999)?.value == "A")
        #expect(withChange.entry(at: 1000)?.value == "B")
        let rewound = LatestRecorded([
            (start: 0, id: 1, value: "A"), (start: 1000, id: 2, value: "B"), (start: 900, id: 3, value: "C"),
        ])
        #expect(rewound.entry(at: 899)?.value == "A")
        #expect(rewound.entry(at: 950)?.value == "C")
        #expect(rewound.entry(at: 5000)?.value == "C")
        #expect(rewound.entry(at: -1) == nil)

        // Segments 1 (from 0), 2 (from 1000) and 3, which rewound to 900: rows 900 and
        // later that are still canonical were logged by segment 3.
        var segments = SegmentResolver(segments: [(start: 0, id: 1), (start: 1000, id: 2), (start: 900, id: 3)])
        #expect(segments.segment(at: 10) == 1)
        #expect(segments.segment(at: 900) == 3)
        #expect(segments.segment(at: 1500) == 3)
    }

    @Test("a segment resumed below a recorded change trains each step on the schedule in force at it")
    func scheduleTimelineSwitchesAtTheChange() throws {
        let a = try docSchedule()
        let b = try InverseTimeDecay(initialLearningRate: 0.05, decaySteps: .float(1.0), decayRate: .float(0.5))
        let versions = LatestRecorded<any LearningRateSchedule>([
            (start: 0, id: 1, value: a), (start: 1000, id: 2, value: b),
        ])
        let timeline = ScheduleTimeline(versions: versions, at: 900)
        var rates = [Double](repeating: 0, count: 200)
        timeline.rates(from: 900, into: &rates)
        for (offset, rate) in rates.enumerated() {
            let step = 900 + Int64(offset)
            let expected = step < 1000 ? docRate(step) : Double(Float(0.05) / (Float(1) + Float(0.5) * Float(step)))
            #expect(rate.bitPattern == expected.bitPattern, "step \(step)")
        }
        #expect(timeline.dtype == .float32)
        #expect(timeline.canonicalJSON.contains("\"initial_learning_rate\":0.1"))
    }

    @Test("a commit whose rows break the segment's promised log interval is refused, writing nothing")
    func promisedIntervalIsEnforced() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        var attach = try request("every10")
        attach.logEvery = 10
        let writer = try ledger.attach(attach)
        for step in stride(from: Int64(0), to: 100, by: 10) where step != 40 {
            writer.log(step: step, rate: docRate(step))
        }
        let error = #expect(throws: LedgerError.self) { try writer.commit(step: 100, state: stepState(100)) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("multiple of 10") == true, "\(error?.message ?? "")")
        #expect(try ledger.run(named: "every10").summary.step == 0)
        writer.discardBuffer()
        for step in stride(from: Int64(0), to: 100, by: 10) { writer.log(step: step, rate: docRate(step)) }
        try writer.commit(step: 100, state: stepState(100))
        try writer.close(reason: .finished)
        let report = try ledger.audit(run: "every10")
        #expect(report.isClean, "\(report.findings)")
        #expect(report.linksChecked == 3)
        #expect(report.chainHead == (try ledger.run(named: "every10").chainHead))
    }

    @Test(
        "a run is created only as the request allows: not beside a similar name unless required, never when forbidden")
    func creationRules() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        try ledger.attach(try request("resnet-a")).close(reason: .finished)

        for name in ["Resnet-A", "resnet-b", "resnet-aa", "rsnet-a"] {
            let error = #expect(throws: LedgerError.self) { try ledger.attach(try request(name)) }
            #expect(error?.code == .similarRunExists, "\(name)")
            #expect(error?.message.contains("run resnet-a exists") == true, "\(error?.message ?? "")")
        }
        var required = try request("Resnet-A")
        required.creation = .required
        try ledger.attach(required).close(reason: .finished)
        var again = try request("resnet-a")
        again.creation = .required
        #expect(throws: LedgerError.self) { try ledger.attach(again) }

        var forbidden = try request("vit")
        forbidden.creation = .forbidden
        let error = #expect(throws: LedgerError.self) { try ledger.attach(forbidden) }
        #expect(error?.code == .runNotFound)
        // Names further apart (here two edits for a short name), or numbered, are created as before.
        try ledger.attach(try request("resnet")).close(reason: .finished)
        try ledger.attach(try request("resnet-a2")).close(reason: .finished)
        try ledger.attach(try request("vit")).close(reason: .finished)
        #expect(try ledger.runs().map(\.name) == ["Resnet-A", "resnet", "resnet-a", "resnet-a2", "vit"])
    }

    @Test("a digest edited in the chain, or a link deleted, is found by audit and refused by attach")
    func chainLinksThemselves() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<100)
        try logAndCommit(writer, 100..<200)
        try writer.close(reason: .interrupted)
        try ledger.close()
        try sqlite3(path, "UPDATE chain_link SET digest = replace(digest, substr(digest, 1, 1), 'x') WHERE seq = 2")
        let report = try Ledger.openReadOnly(path: path).audit(run: "demo")
        #expect(report.findings.contains { $0.kind == .chainMismatch && $0.message.contains("chain link 3") })
        let error = #expect(throws: LedgerError.self) { try Ledger(path: path).attach(try request("demo")) }
        #expect(error?.code == .historyTampered)
    }

    @Test("a commit beyond the resume's row budget is checked at its ends on resume, and in full by audit")
    func resumeRowBudget() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("big"))
        try logAndCommit(writer, 0..<30_000)
        try writer.close(reason: .interrupted)
        try ledger.close()
        #expect(30_000 > ChainVerifier.resumeRowBudget)

        try sqlite3(path, "DELETE FROM rate_log WHERE step >= 29990")
        let tail = try Ledger.openReadOnly(path: path).audit(run: "big")
        #expect(tail.findings.map(\.kind) == [.missingRow], "\(tail.findings)")
        #expect(tail.findings.first?.message.contains("(missing steps 29990...29999)") == true, "\(tail.findings)")
        let error = #expect(throws: LedgerError.self) { try Ledger(path: path).attach(try request("big")) }
        #expect(error?.code == .historyTampered)
        #expect(error?.message.contains("step 29999") == true, "\(error?.message ?? "")")
    }
}
