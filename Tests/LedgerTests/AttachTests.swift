import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Attaching, resuming and committing")
struct AttachTests {
    @Test("a new run starts at step 0 and a resume continues at the committed step with the stored schedule")
    func createThenResume() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let first = try ledger.attach(
            AttachRequest(
                run: "demo", defaultSchedule: try docSchedule(), targetSteps: 300,
                settings: try RunSettings(json: #"{"seed":7}"#)))
        #expect(first.createdRun)
        #expect(first.resumeStep == 0)
        #expect(first.checkpoint == nil)
        #expect(first.settings.json == #"{"seed":7}"#)
        try logAndCommit(first, 0..<100)
        try logAndCommit(first, 100..<150)
        try first.close(reason: .interrupted)
        #expect(try ledger.runs().map(\.status) == [.interrupted])

        let second = try ledger.attach(
            AttachRequest(
                run: "demo", defaultSchedule: nil, targetSteps: 400,
                settings: try RunSettings(json: #"{"seed":8}"#)))
        #expect(!second.createdRun)
        #expect(second.resumeStep == 150)
        #expect(second.checkpoint?.step == 150)
        #expect(second.checkpoint?.state == stepState(150))
        #expect(second.settings.json == #"{"seed":7}"#)
        #expect(second.schedule.canonicalJSON == (try docSchedule()).canonicalJSON)
        #expect(second.schedule.rate(at: 150).bitPattern == docRate(150).bitPattern)
        #expect(second.supersededRows == 0)
        #expect(second.rewoundFrom == nil)
        try logAndCommit(second, 150..<400)
        try second.close(reason: .finished)

        let detail = try ledger.run(named: "demo")
        #expect(detail.summary.step == 400)
        #expect(detail.summary.targetSteps == 400)
        #expect(detail.summary.status == .finished)
        #expect(detail.segments.map(\.startStep) == [0, 150])
        #expect(detail.segments.map(\.endStep) == [150, 400])
        #expect(detail.segments.map(\.endReason) == [.interrupted, .finished])
        #expect(detail.loggedRows == 400)
        let rows = try historyRows(ledger, "demo")
        #expect(rows.map(\.step) == Array(0..<400))
        #expect(rows.allSatisfy { $0.rate.bitPattern == docRate($0.step).bitPattern })
        #expect(
            rows.map(\.segment) == Array(repeating: detail.segments[0].id, count: 150)
                + Array(repeating: detail.segments[1].id, count: 250))
        #expect(try ledger.audit(run: "demo").isClean)
    }

    @Test("attaching to a run that does not exist without a schedule names the run")
    func unknownRunWithoutSchedule() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let error = #expect(throws: LedgerError.self) {
            try ledger.attach(AttachRequest(run: "nope", targetSteps: 10))
        }
        #expect(error?.code == .runNotFound)
        #expect(error?.message.contains("nope") == true)
        let detail = #expect(throws: LedgerError.self) { try ledger.run(named: "nope") }
        #expect(detail?.code == .runNotFound)
        #expect(detail?.message.contains("nope") == true)
    }

    @Test("resuming with a different schedule is refused, naming both configs, unless the change is allowed")
    func scheduleChange() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .interrupted)

        let other = try InverseTimeDecay(
            initialLearningRate: 0.05, decaySteps: .int(10), decayRate: .float(0.5), staircase: true)
        let refused = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo", schedule: other)) }
        #expect(refused?.code == .scheduleMismatch)
        #expect(refused?.message.contains(other.canonicalJSON) == true)
        #expect(refused?.message.contains((try docSchedule()).canonicalJSON) == true)
        // A float64 schedule with the same config is a different schedule too.
        let wide = try docSchedule(dtype: .float64)
        let refusedDtype = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo", schedule: wide)) }
        #expect(refusedDtype?.code == .scheduleMismatch)
        // The refusals wrote nothing: still one segment.
        #expect(try ledger.run(named: "demo").segments.count == 1)

        var allowed = try request("demo", schedule: other)
        allowed.allowScheduleChange = true
        let changed = try ledger.attach(allowed)
        #expect(changed.scheduleChanged)
        #expect(changed.resumeStep == 10)
        for step in Int64(10)..<30 {
            // Staircase: 0.05 / (1 + 0.5 * floor(step / 10)) in float32.
            let expected = Double(Float(0.05) / (Float(1) + Float(0.5) * (Float(step) / Float(10)).rounded(.down)))
            #expect(changed.schedule.rate(at: step).bitPattern == expected.bitPattern)
            changed.log(step: step, rate: expected)
        }
        try changed.commit(step: 30, state: stepState(30))
        try changed.close(reason: .finished)
        let detail = try ledger.run(named: "demo")
        #expect(detail.schedules.map(\.fromStep) == [0, 10])
        #expect(detail.schedules.map(\.config) == [(try docSchedule()).canonicalJSON, other.canonicalJSON])
        #expect(detail.summary.schedule == other.canonicalJSON)
        #expect(try ledger.audit(run: "demo").isClean)
    }

    @Test("rows logged past the checkpoint are moved to the audit trail on resume, not duplicated")
    func rowsPastCheckpointSuperseded() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<50)  // checkpoint at 50
        try logAndCommit(writer, 50..<80, checkpoint: false)  // counter 80, rows up to 79, no state
        try writer.close(reason: .interrupted)

        let resumed = try ledger.attach(try request("demo"))
        #expect(resumed.resumeStep == 50)
        #expect(resumed.rewoundFrom == 80)
        #expect(resumed.supersededRows == 30)
        #expect(resumed.checkpoint?.state == stepState(50))
        #expect(try historyRows(ledger, "demo").map(\.step) == Array(0..<50))
        try logAndCommit(resumed, 50..<100)
        try resumed.close(reason: .finished)

        let rows = try historyRows(ledger, "demo")
        #expect(rows.map(\.step) == Array(0..<100))
        let segments = try ledger.run(named: "demo").segments
        #expect(rows.filter { $0.step >= 50 }.allSatisfy { $0.segment == segments[1].id })
        let trail = try sqlite3(
            path, "SELECT count(*), min(step), max(step), count(DISTINCT superseded_by) FROM rate_log_superseded")
        #expect(trail.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "30|50|79|1")
        let duplicates = try sqlite3(
            path, "SELECT count(*) FROM (SELECT step FROM rate_history GROUP BY run, step HAVING count(*) > 1)")
        #expect(duplicates.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let report = try ledger.audit(run: "demo")
        #expect(report.isClean, "\(report.findings)")
        #expect(report.supersededRows == 30)
        #expect(try ledger.run(named: "demo").events.contains { $0.kind == "rewound" })
    }

    @Test("the last few checkpoints are kept, as configured")
    func checkpointsPruned() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path(), configuration: LedgerConfiguration(keepCheckpoints: 2))
        let writer = try ledger.attach(try request("demo"))
        for start in stride(from: Int64(0), to: 50, by: 10) {
            try logAndCommit(writer, start..<start + 10)
        }
        let steps = try sqlite3(
            directory.path(), "SELECT group_concat(step) FROM (SELECT step FROM checkpoint ORDER BY step)")
        #expect(steps.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "40,50")
        let detail = try ledger.run(named: "demo")
        #expect(detail.checkpointCount == 2)
        #expect(detail.latestCheckpoint?.step == 50)
        #expect(detail.latestCheckpoint?.state == stepState(50))
    }

    @Test("rows logged at or after the commit step stay buffered for the next commit")
    func partialCommit() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        for step in Int64(0)..<15 { writer.log(step: step, rate: docRate(step)) }
        try writer.commit(step: 10, state: stepState(10))
        #expect(writer.bufferedCount == 5)
        #expect(try historyRows(ledger, "demo").map(\.step) == Array(0..<10))
        try writer.commit(step: 15, state: stepState(15))
        #expect(writer.bufferedCount == 0)
        #expect(try historyRows(ledger, "demo").map(\.step) == Array(0..<15))
    }

    @Test("steps logged out of order, a commit going back and a NaN rate are refused, writing nothing")
    func commitValidation() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        let back = #expect(throws: LedgerError.self) { try writer.commit(step: 5, state: nil) }
        #expect(back?.code == .invalidArgument)
        writer.log(step: 10, rate: docRate(10))
        writer.log(step: 10, rate: docRate(10))
        let order = #expect(throws: LedgerError.self) { try writer.commit(step: 11, state: nil) }
        #expect(order?.code == .invalidArgument)
        #expect(order?.message.contains("step 10") == true)
        writer.discardBuffer()
        writer.log(step: 10, rate: .nan)
        let nan = #expect(throws: LedgerError.self) { try writer.commit(step: 11, state: nil) }
        #expect(nan?.code == .invalidArgument)
        writer.discardBuffer()
        #expect(try ledger.runs().first?.step == 10)
        try logAndCommit(writer, 10..<20)
        try writer.close(reason: .finished)
        let closed = #expect(throws: LedgerError.self) { try writer.commit(step: 20, state: nil) }
        #expect(closed?.code == .invalidArgument)
        #expect(try ledger.audit(run: "demo").isClean)
    }

    @Test("a writer released without closing is closed as crashed by the next attach in the same process")
    func releasedWriterRecovered() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        do {
            let writer = try ledger.attach(try request("demo"))
            try logAndCommit(writer, 0..<20)
        }
        let next = try ledger.attach(try request("demo"))
        #expect(next.resumeStep == 20)
        #expect(next.recoveredSegments.count == 1)
        let segments = try ledger.run(named: "demo").segments
        #expect(segments.first?.endReason == .crashed)
        #expect(segments.first?.endStep == 20)
    }

    @Test("a second writer in the same process on a held run is refused, naming this pid and host")
    func sameProcessSecondWriterRefused() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        let error = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(error?.code == .runBusy)
        #expect(error?.message.contains("pid \(getpid())") == true)
        #expect(error?.message.contains(ProcessIdentity.current.host) == true)
        try writer.close(reason: .finished)
    }

    @Test("threads of one process racing to attach to the same run: exactly one wins and can commit")
    func sameProcessRace() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { try makeLedger(path) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var writers: [RunWriter] = []
            var refusals: [LedgerError.Code] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let ledger = try Ledger(path: path)
                let writer = try ledger.attach(try request("demo"))
                results.lock.lock()
                results.writers.append(writer)
                results.lock.unlock()
            } catch let error as LedgerError {
                results.lock.lock()
                results.refusals.append(error.code)
                results.lock.unlock()
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(results.writers.count == 1)
        #expect(results.refusals == Array(repeating: .runBusy, count: 5))
        let winner = try #require(results.writers.first)
        try logAndCommit(winner, 0..<10)
        try winner.close(reason: .finished)
        let segments = try Ledger.openReadOnly(path: path).run(named: "demo").segments
        #expect(segments.count == 1)
        #expect(segments.first?.endReason == .finished)
    }

    @Test("a writer on another host is presumed alive until its heartbeat is older than the lease")
    func otherHostLease() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path, configuration: LedgerConfiguration(leaseTimeout: 60))
        let first = try ledger.attach(try request("demo"))
        try logAndCommit(first, 0..<10)
        try first.close(reason: .interrupted)
        // A writer that is another machine as far as the ledger can tell: a host name of its
        // own (a UTS namespace, as root), so its pid cannot be checked from here.
        guard getuid() == 0 else {
            print("AttachTests: not root, so unshare --uts cannot run; skipped")
            return
        }
        let probe = try ProbeProcess(
            [
                "--uts", "sh", "-c", "hostname gpu-node-7 && exec \"$0\" hold \"$1\" demo", try probeExecutable().path,
                path,
            ],
            executable: URL(fileURLWithPath: "/usr/bin/unshare"))
        #expect(probe.waitForLine { $0.hasPrefix("attached") } != nil, "\(probe.errorOutput)")
        let busy = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(busy?.code == .runBusy)
        #expect(busy?.message.contains("pid \(probe.pid) on host gpu-node-7") == true, "\(busy?.message ?? "")")
        // Its heartbeat two minutes old (heartbeats are not history: no chain link covers
        // them): the 60 s lease has expired.
        let stale = Timestamp(millisecondsSince1970: Timestamp.now().millisecondsSince1970 - 120_000)
        try sqlite3(path, "UPDATE segment SET heartbeat_at = '\(stale)' WHERE host = 'gpu-node-7'")
        let writer = try ledger.attach(try request("demo"))
        #expect(writer.resumeStep == 10)
        let held = try #require(try ledger.run(named: "demo").segments.first { $0.host == "gpu-node-7" })
        #expect(held.endReason == .crashed)
        #expect(held.endedAt == stale)
        probe.killHard()
    }

    @Test("a writer whose segment was taken over cannot commit")
    func lostSegment() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try sqlite3(path, "UPDATE segment SET end_step = 10, ended_at = heartbeat_at, end_reason = 'crashed'")
        let error = #expect(throws: LedgerError.self) { try logAndCommit(writer, 10..<20) }
        #expect(error?.code == .segmentLost)
        #expect(try ledger.runs().first?.step == 10)
    }

    @Test("a read-only ledger refuses to attach")
    func readOnlyRefusesAttach() throws {
        let directory = try TemporaryDirectory()
        do { try makeLedger(directory.path()) }
        let ledger = try Ledger.openReadOnly(path: directory.path())
        let error = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(error?.code == .readOnly)
    }
}
