import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Crashes and concurrent writers")
struct CrashTests {
    @Test(
        "a writer killed with SIGKILL mid-commit leaves the previous commit intact and the next attach closes its segment as crashed"
    )
    func sigkillMidCommit() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let rowsPerCommit: Int64 = 20_000
        var resumeAt: Int64 = 0
        // Three rounds: each probe resumes where the last one's commits ended.
        for round in 1...3 {
            let probe = try ProbeProcess(["commit", path, "demo", String(rowsPerCommit)])
            // Let it commit a few times, then kill it at a random instant: commits are
            // large, so it is almost always inside one.
            let seen = probe.waitForLine { $0 == "committed \(resumeAt + rowsPerCommit * 3)" }
            #expect(seen != nil, "round \(round), probe stderr: \(probe.errorOutput)")
            usleep(UInt32.random(in: 0..<40_000))
            let pid = probe.pid
            probe.killHard()
            let printed = probe.output.compactMap { line -> Int64? in
                line.hasPrefix("committed ") ? Int64(line.dropFirst("committed ".count)) : nil
            }
            let lastPrinted = try #require(printed.last)

            let ledger = try Ledger(path: path)
            let before = try #require(try ledger.runs().first)
            // The counter is a whole commit: the last printed one, or the one after it
            // if the kill came between its COMMIT and its print.
            #expect(before.step == lastPrinted || before.step == lastPrinted + rowsPerCommit)
            #expect(before.step % rowsPerCommit == 0)
            // Stored as running, but a reader judges the killed holder as the next attach will.
            #expect(before.status == .crashed)

            let writer = try ledger.attach(try request("demo"))
            #expect(writer.resumeStep == before.step)
            #expect(writer.checkpoint?.step == before.step)
            #expect(writer.checkpoint?.state == stepState(before.step))
            #expect(writer.recoveredSegments.count == 1)
            let crashed = try #require(try ledger.run(named: "demo").segments.last { $0.endReason != nil })
            #expect(crashed.pid == pid)
            #expect(crashed.endReason == .crashed)
            #expect(crashed.endStep == before.step)

            // The history is exactly the committed prefix, with the right rates.
            var count: Int64 = 0
            try ledger.history(run: "demo") { row in
                #expect(row.step == count)
                if row.rate.bitPattern != docRate(row.step).bitPattern {
                    Issue.record("rate at step \(row.step) is \(row.rate), expected \(docRate(row.step))")
                }
                count += 1
            }
            #expect(count == before.step)
            try writer.close(reason: .interrupted)
            let report = try ledger.audit(run: "demo")
            #expect(report.isClean, "\(report.findings)")
            #expect(report.rowsChecked == before.step)
            resumeAt = before.step
        }
    }

    @Test("a second live writer on the same run is refused with a message naming its pid, host and start time")
    func liveWriterRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { _ = try Ledger(path: path) }
        let probe = try ProbeProcess(["hold", path, "demo"])
        #expect(probe.waitForLine { $0.hasPrefix("attached") } != nil, "probe stderr: \(probe.errorOutput)")
        let ledger = try Ledger(path: path)
        let error = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(error?.code == .runBusy)
        #expect(error?.message.contains("pid \(probe.pid)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("host \(ProcessIdentity.current.host)") == true)
        #expect(error?.message.contains("started 20") == true)
        // Once it is dead, the run is free and its segment closed as crashed.
        probe.killHard()
        let writer = try ledger.attach(try request("demo"))
        #expect(writer.recoveredSegments.count == 1)
        try writer.close(reason: .finished)
    }

    @Test("two processes racing to attach to the same run: exactly one wins, the other is refused naming the winner")
    func racingAttaches() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { _ = try Ledger(path: path) }
        for round in 0..<3 {
            let run = "race-\(round)"
            let first = try ProbeProcess(["hold", path, run])
            let second = try ProbeProcess(["hold", path, run])
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let attached = [first, second].filter { $0.output.contains { $0.hasPrefix("attached") } }
                let exited = [first, second].filter { !$0.process.isRunning }
                if attached.count + exited.count >= 2 { break }
                usleep(5_000)
            }
            let winners = [first, second].filter { $0.output.contains { $0.hasPrefix("attached") } }
            let losers = [first, second].filter { !$0.process.isRunning }
            #expect(winners.count == 1)
            #expect(losers.count == 1)
            if let winner = winners.first, let loser = losers.first {
                // Its stderr arrives asynchronously.
                let errorDeadline = Date().addingTimeInterval(5)
                while loser.errorOutput.isEmpty, Date() < errorDeadline { usleep(5_000) }
                #expect(loser.errorOutput.contains("is being written by pid \(winner.pid)"), "\(loser.errorOutput)")
            }
            let segments = try Ledger.openReadOnly(path: path).run(named: run).segments
            #expect(segments.count == 1)
            first.killHard()
            second.killHard()
        }
    }

    @Test("a recorded pid that now belongs to another process (other start time) does not hold the run")
    func reusedPidIsNotLive() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        do {
            let writer = try ledger.attach(try request("demo"))
            try logAndCommit(writer, 0..<10)
        }
        _ = ledger
        // The probe is alive; a segment recording its pid with another start time is not
        // held by it. (Recording that with SQL would be tampering the chain refuses, so the
        // rule is checked on the holder as an attach reads it.)
        let probe = try ProbeProcess(["hold", path, "other"])
        #expect(probe.waitForLine { $0.hasPrefix("attached") } != nil)
        let me = ProcessIdentity.current
        func holder(start: Int64?) -> SegmentHolder? {
            SegmentHolder(
                segmentID: 1, pid: probe.pid, host: me.host, processStart: start, bootID: me.bootID,
                pidNamespace: me.pidNamespace, startedAt: "", heartbeatAt: Timestamp.now().description)
        }
        let actual = ProcessIdentity.startTicks(of: probe.pid)
        #expect(actual != nil)
        #expect(holder(start: actual)?.liveness(store: nil, leaseTimeout: 60, nowMilliseconds: 0) == .alive)
        #expect(holder(start: 1)?.liveness(store: nil, leaseTimeout: 60, nowMilliseconds: 0) == .dead)
        // The same pid in another PID namespace is not that process: the lease decides.
        let elsewhere = SegmentHolder(
            segmentID: 1, pid: probe.pid, host: me.host, processStart: 1, bootID: me.bootID,
            pidNamespace: "pid:[1]", startedAt: "", heartbeatAt: Timestamp.now().description)
        let now = Timestamp.now().millisecondsSince1970
        #expect(elsewhere.liveness(store: nil, leaseTimeout: 60, nowMilliseconds: now).holdsRun)
        #expect(elsewhere.liveness(store: nil, leaseTimeout: 60, nowMilliseconds: now + 61_000) == .dead)
        probe.killHard()
    }

    @Test("four writers on four runs and two readers in one database all finish with no busy errors")
    func concurrentWritersAndReaders() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { _ = try Ledger(path: path) }
        let steps: Int64 = 20_000
        let chunk: Int64 = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask {
                    // Each writer opens its own ledger: its own SQLite connections.
                    let ledger = try Ledger(path: path)
                    let writer = try ledger.attach(try request("run-\(index)", target: steps))
                    var step: Int64 = 0
                    while step < steps {
                        try logAndCommit(writer, step..<step + chunk)
                        step += chunk
                    }
                    try writer.close(reason: .finished)
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    let ledger = try Ledger.openReadOnly(path: path)
                    for _ in 0..<40 {
                        for run in try ledger.runs() {
                            var previous: Int64 = -1
                            try ledger.history(run: run.name) { row in
                                #expect(row.step == previous + 1)
                                previous = row.step
                            }
                            // history reads after runs(), so it sees at least the rows of that commit.
                            #expect(previous >= run.step - 1)
                        }
                        usleep(5_000)
                    }
                }
            }
            try await group.waitForAll()
        }
        let ledger = try Ledger.openReadOnly(path: path)
        let runs = try ledger.runs()
        #expect(runs.map(\.name) == ["run-0", "run-1", "run-2", "run-3"])
        #expect(runs.allSatisfy { $0.step == steps && $0.status == .finished })
        for run in runs {
            let report = try ledger.audit(run: run.name)
            #expect(report.isClean, "\(report.findings)")
            #expect(report.rowsChecked == steps)
        }
    }
}
