import Foundation
import Schedules
import Testing

@testable import Ledger

/// The semantics every store must keep, run on each store in `StoreUnderTest.all`
/// through the ledger's rules, with store-neutral means only (no SQL): what a store
/// must do for the rules to hold.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test(
        "a new run starts at 0, a resume continues at the committed step, and the history is the committed rows",
        arguments: StoreUnderTest.all)
    func createAndResume(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        #expect(writer.createdRun && writer.resumeStep == 0)
        try logAndCommit(writer, 0..<100)
        try writer.close(reason: .interrupted)

        let again = try fresh.reopen()
        let resumed = try again.attach(try request("demo"))
        #expect(!resumed.createdRun && resumed.resumeStep == 100)
        #expect(resumed.checkpoint?.state == stepState(100))
        try logAndCommit(resumed, 100..<150)
        try resumed.close(reason: .finished)

        let rows = try historyRows(try fresh.reopen(readOnly: true), "demo")
        #expect(rows.map(\.step) == Array(0..<150))
        #expect(rows.allSatisfy { $0.rate.bitPattern == docRate($0.step).bitPattern })
        let summary = try #require(try again.runs().first)
        #expect(summary.step == 150 && summary.status == .finished)
        #expect(try again.outline(ofRun: "demo").segments.map(\.endReason) == [.interrupted, .finished])
        #expect(try again.audit(run: "demo").isClean)
    }

    @Test(
        "a resume rewinds to the latest checkpoint and moves the rows past it to the audit trail",
        arguments: StoreUnderTest.all)
    func rewindAndSupersede(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<50)
        try logAndCommit(writer, 50..<80, checkpoint: false)  // rows past the checkpoint, no state
        try writer.close(reason: .interrupted)

        let resumed = try fresh.reopen().attach(try request("demo"))
        #expect(resumed.resumeStep == 50 && resumed.rewoundFrom == 80 && resumed.supersededRows == 30)
        try logAndCommit(resumed, 50..<80)
        try resumed.close(reason: .finished)
        let detail = try fresh.ledger.run(named: "demo")
        #expect(detail.loggedRows == 80 && detail.supersededRows == 30)
        #expect(detail.events.contains { $0.kind == .rewound && $0.step == 50 })
        #expect(try historyRows(fresh.ledger, "demo").map(\.step) == Array(0..<80))
        #expect(try fresh.ledger.audit(run: "demo").isClean)
    }

    @Test("a transaction that fails part way leaves nothing of itself", arguments: StoreUnderTest.all)
    func atomicTransaction(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try fresh.ledger.store.write("test an abort") { tx in
                let runID = try #require(try tx.run(named: "demo")?.id)
                try tx.updateRun(
                    id: runID, step: 20, status: .running, targetSteps: 1_000_000, now: Timestamp.now().description)
                let rows = (10..<20).map { LoggedRate(step: $0, rate: docRate($0), loss: 0, hasLoss: false) }
                try rows.withUnsafeBufferPointer { try tx.insertRates(runID: runID, rows: $0) }
                _ = try tx.insertRun(name: "other", targetSteps: 1, settings: "{}", now: Timestamp.now().description)
                throw Abort()
            }
        }
        let reader = try fresh.reopen(readOnly: true)
        #expect(try reader.runs().map(\.name) == ["demo"])
        #expect(try reader.runs().first?.step == 10)
        #expect(try historyRows(reader, "demo").count == 10)
        // The writer goes on as if nothing happened.
        try logAndCommit(writer, 10..<20)
        #expect(try historyRows(reader, "demo").count == 20)
    }

    @Test("a second writer on a run held by a live one is refused, naming the holder", arguments: StoreUnderTest.all)
    func oneWriterPerRun(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        let error = #expect(throws: LedgerError.self) { try fresh.reopen().attach(try request("demo")) }
        #expect(error?.code == .runBusy)
        #expect(error?.message.contains("pid \(getpid())") == true)
        // Another run in the same ledger trains at the same time.
        let other = try fresh.reopen().attach(try request("other"))
        try logAndCommit(other, 0..<5)
        try logAndCommit(writer, 0..<5)
    }

    @Test(
        "a writer on another host holds its run within the lease; past it, another takes over and the first is fenced",
        arguments: StoreUnderTest.all)
    func leaseExpiry(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration(leaseTimeout: 1))
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .interrupted)
        // A trainer on another host attaches: this process cannot check its pid, only its heartbeat.
        var elsewhere = try request("demo")
        elsewhere.identity = ProcessIdentity(
            pid: 4242, host: "elsewhere", startTicks: 1, bootID: "b", pidNamespace: "n")
        let remote = try fresh.ledger.attach(elsewhere)
        try logAndCommit(remote, 10..<20)
        let busy = #expect(throws: LedgerError.self) { try fresh.reopen().attach(try request("demo")) }
        #expect(busy?.code == .runBusy)
        #expect(busy?.message.contains("host elsewhere") == true)
        // Its heartbeat goes stale past the lease (a partition, a pause): the run is taken over.
        Thread.sleep(forTimeInterval: 1.3)
        let takeover = try fresh.reopen().attach(try request("demo"))
        #expect(takeover.recoveredSegments == [remote.segmentID])
        #expect(takeover.resumeStep == 20)
        // The first writer comes back: it can never commit again.
        let fenced = #expect(throws: LedgerError.self) { try logAndCommit(remote, 20..<30) }
        #expect(fenced?.code == .segmentLost)
        try logAndCommit(takeover, 20..<30)
        try takeover.close(reason: .finished)
        #expect(try historyRows(fresh.ledger, "demo").map(\.step) == Array(0..<30))
        #expect(try fresh.ledger.audit(run: "demo").isClean)
    }

    @Test("a writer whose segment was taken over can never commit again", arguments: StoreUnderTest.all)
    func fencing(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let old = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(old, 0..<10)
        // Another process judged it dead (a lost lease) and closed its segment, then attached.
        _ = try fresh.ledger.store.write("take over") { tx in
            try tx.closeSegment(id: old.segmentID, endStep: 10, endedAt: nil, reason: .crashed)
        }
        let new = try fresh.reopen().attach(try request("demo"))
        try logAndCommit(new, 10..<20)
        let error = #expect(throws: LedgerError.self) { try logAndCommit(old, 10..<30) }
        #expect(error?.code == .segmentLost)
        #expect(throws: LedgerError.self) { try old.heartbeat() }
        #expect(throws: LedgerError.self) { try old.close(reason: .finished) }
        try logAndCommit(new, 20..<30)
        #expect(try historyRows(fresh.ledger, "demo").map(\.step) == Array(0..<30))
        #expect(try fresh.ledger.runs().first?.step == 30)
    }

    @Test(
        "a schedule change is refused unless allowed, then recorded from the resume step and audited per step",
        arguments: StoreUnderTest.all)
    func scheduleChange(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<20)
        try writer.close(reason: .interrupted)
        let faster = try InverseTimeDecay(
            initialLearningRate: 0.05, decaySteps: .float(1.0), decayRate: .float(0.5), dtype: .float32)
        let refused = #expect(throws: LedgerError.self) {
            try fresh.ledger.attach(try request("demo", schedule: faster))
        }
        #expect(refused?.code == .scheduleMismatch)
        var allowed = try request("demo", schedule: faster)
        allowed.allowScheduleChange = true
        let changed = try fresh.ledger.attach(allowed)
        #expect(changed.scheduleChanged)
        for step in Int64(20)..<30 { changed.log(step: step, rate: faster.rate(at: step)) }
        try changed.commit(step: 30, state: stepState(30))
        try changed.close(reason: .finished)
        #expect(try fresh.ledger.outline(ofRun: "demo").schedules.map(\.fromStep) == [0, 20])
        #expect(try fresh.ledger.audit(run: "demo").isClean)
    }

    @Test(
        "audit names a row the store holds past the committed step, and a resume refuses the history",
        arguments: StoreUnderTest.all)
    func auditFindings(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .interrupted)
        // Rows written around the rules: one past the counter, with a wrong rate.
        try fresh.ledger.store.write("write around the rules") { tx in
            let runID = try #require(try tx.run(named: "demo")?.id)
            let rows = [LoggedRate(step: 12, rate: 0.5, loss: 0, hasLoss: false)]
            try rows.withUnsafeBufferPointer { try tx.insertRates(runID: runID, rows: $0) }
        }
        let report = try fresh.reopen(readOnly: true).audit(run: "demo")
        #expect(!report.isClean)
        #expect(report.findings.contains { $0.kind == .rowPastCommittedStep && $0.step == 12 })
        #expect(report.findings.contains { $0.kind == .rateMismatch && $0.step == 12 })
    }

    @Test("a read-only ledger reads and queries but refuses every write", arguments: StoreUnderTest.all)
    func readOnly(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .finished)
        let reader = try fresh.reopen(readOnly: true)
        #expect(reader.isReadOnly)
        var counted: [QueryValue] = []
        try reader.query("SELECT count(*) FROM rate_history WHERE run = 'demo'") { counted = $0 }
        #expect(counted == [.integer(10)])
        for attempt in [
            { _ = try reader.attach(try request("demo")) }, { try reader.addNote(toRun: "demo", "x") },
            { try reader.renameRun("demo", to: "demo2") }, { _ = try reader.deleteRun(named: "demo") },
        ] as [() throws -> Void] {
            let error = #expect(throws: LedgerError.self) { try attempt() }
            #expect(error?.code == .readOnly)
        }
        #expect(try reader.runs().map(\.name) == ["demo"])
    }

    @Test(
        "a closed ledger refuses every use with an error, and closing it again does nothing",
        arguments: StoreUnderTest.all)
    func closed(store: StoreUnderTest) throws {
        let fresh = try store.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<5)
        try writer.close(reason: .finished)
        try fresh.ledger.close()
        try fresh.ledger.close()
        #expect(throws: LedgerError.self) { try fresh.ledger.runs() }
        #expect(throws: LedgerError.self) { try fresh.ledger.attach(try request("demo")) }
        let reader = try fresh.reopen(readOnly: true)
        try reader.close()
        try reader.close()
        #expect(throws: LedgerError.self) { try reader.runs() }
        #expect(try fresh.reopen(readOnly: true).runs().first?.step == 5)
    }
}
