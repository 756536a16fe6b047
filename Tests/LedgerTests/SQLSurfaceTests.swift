import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Public SQL surface and reads")
struct SQLSurfaceTests {
    @Test("the public views have exactly the contracted columns")
    func viewColumns() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { try makeLedger(path) }
        let expected = [
            "runs": "name,status,step,target_steps,schedule,dtype,created_at,updated_at",
            "rate_history": "run,step,rate,loss,segment",
            "segments": "run,id,pid,host,start_step,end_step,started_at,ended_at,end_reason",
        ]
        for (view, columns) in expected {
            let result = try sqlite3(path, "SELECT group_concat(name) FROM pragma_table_info('\(view)')")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == columns, "\(view)")
        }
    }

    @Test(
        "rate_history returns exactly what was committed, and the sqlite3 shell reads it while a writer is mid-transaction"
    )
    func rateHistoryThroughSqlite3() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        var losses: [Int64: Double] = [:]
        for step in Int64(0)..<300 {
            let loss: Double? = step % 3 == 0 ? 1.0 / Double(step + 1) : nil
            losses[step] = loss
            writer.log(step: step, rate: docRate(step), loss: loss)
        }
        try writer.commit(step: 300, state: stepState(300))
        let segment = writer.segmentID

        // Another connection holds a write transaction with an uncommitted row.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", path]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            if holder.isRunning {
                holder.terminate()
                holder.waitUntilExit()
            }
        }
        input.fileHandleForWriting.write(
            Data(
                "BEGIN IMMEDIATE;\nINSERT INTO rate_log (run_id, step, rate) VALUES (1, 300, 0.5);\nSELECT 'held';\n"
                    .utf8))
        var held = Data()
        while !String(decoding: held, as: UTF8.self).contains("held") {
            held.append(output.fileHandleForReading.availableData)
        }

        let result = try sqlite3(
            path,
            "SELECT run, step, printf('%!.17g', rate), typeof(rate), CASE WHEN loss IS NULL THEN 'NULL' ELSE printf('%!.17g', loss) END, segment FROM rate_history ORDER BY step"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(lines.count == 300)
        for (index, fields) in lines.enumerated() {
            let step = Int64(index)
            #expect(fields.count == 6)
            guard fields.count == 6 else { continue }
            #expect(fields[0] == "demo")
            #expect(fields[1] == String(step))
            #expect(Double(fields[2])?.bitPattern == docRate(step).bitPattern, "step \(step): \(fields[2])")
            #expect(fields[3] == "real")
            if let loss = losses[step] ?? nil {
                #expect(Double(fields[4])?.bitPattern == loss.bitPattern)
            } else {
                #expect(fields[4] == "NULL")
            }
            #expect(fields[5] == String(segment))
        }
        // The ledger's own readers see the last commit too, and are not blocked.
        #expect(try historyRows(ledger, "demo").count == 300)
        // The writer waits for the lock (busy timeout) rather than failing at once.
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        try logAndCommit(writer, 300..<310)
        try writer.close(reason: .finished)
        #expect(try historyRows(ledger, "demo").count == 310)
    }

    @Test("a sqlite3 reader running during a writer's commits always sees whole commits")
    func readsDuringCommits() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let rowsPerCommit = 5_000
        let probe = try ProbeProcess(["commit", path, "demo", String(rowsPerCommit)])
        #expect(probe.waitForLine { $0.hasPrefix("committed") } != nil, "\(probe.errorOutput)")
        var seen = Set<Int>()
        for _ in 0..<15 {
            let result = try sqlite3(
                path, "SELECT count(*), ifnull(max(step), -1) FROM rate_history WHERE run = 'demo'")
            #expect(result.status == 0, "\(result.stderr)")
            let fields = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
            let count = Int(fields.first ?? "") ?? -1
            let maxStep = Int(fields.last ?? "") ?? -2
            #expect(count % rowsPerCommit == 0)
            #expect(maxStep == count - 1)
            seen.insert(count)
        }
        probe.killHard()
        #expect(seen.count > 1)
    }

    @Test("runs and run detail describe the run, its segments, schedules and latest checkpoint")
    func readAPI() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(
            AttachRequest(
                run: "demo", defaultSchedule: try docSchedule(), targetSteps: 50,
                settings: try RunSettings(json: #"{"seed":1}"#)))
        try logAndCommit(writer, 0..<20)
        try writer.close(reason: .interrupted)
        let summary = try #require(try ledger.runs().first)
        #expect(summary.name == "demo")
        #expect(summary.status == .interrupted)
        #expect(summary.step == 20)
        #expect(summary.targetSteps == 50)
        #expect(summary.dtype == .float32)
        #expect(
            summary.schedule
                == #"{"module":"keras.optimizers.schedules","class_name":"InverseTimeDecay","config":{"initial_learning_rate":0.1,"decay_steps":1.0,"decay_rate":0.5,"staircase":false,"name":"InverseTimeDecay"},"registered_name":null}"#
        )
        // ISO-8601 UTC with milliseconds, as stored.
        let createdAt = String(try sqlite3(directory.path(), "SELECT created_at FROM run").stdout.prefix(24))
        #expect(summary.createdAt.description == createdAt)
        #expect(summary.createdAt <= summary.updatedAt && summary.updatedAt <= Timestamp.now())
        let detail = try ledger.run(named: "demo")
        #expect(detail.settings.json == #"{"seed":1}"#)
        #expect(detail.segments.count == 1)
        #expect(detail.segments[0].pid == getpid())
        #expect(detail.schedules.count == 1 && detail.schedules[0].checksumMatches)
        #expect(detail.latestCheckpoint?.step == 20)
        #expect(detail.latestCheckpoint?.state == stepState(20))
        let sha = try run(
            "sh", ["-c", "printf '\\024\\000\\000\\000\\000\\000\\000\\000' | sha256sum | cut -d' ' -f1"])
        #expect(detail.latestCheckpoint?.sha256 == sha.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(detail.events.map(\.kind) == ["created", "closed"])
    }

    @Test("history streams the rows between from and to, inclusive")
    func historyRange() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<100)
        var steps: [Int64] = []
        try ledger.history(run: "demo", from: 10, to: 19) { steps.append($0.step) }
        #expect(steps == Array(10...19))
        steps = []
        try ledger.history(run: "demo", from: 95) { steps.append($0.step) }
        #expect(steps == Array(95...99))
        let missing = #expect(throws: LedgerError.self) { try ledger.history(run: "other") { _ in } }
        #expect(missing?.code == .runNotFound)
    }

    @Test(
        "read-only SQL streams columns and rows, and a write statement fails saying read-only with the file unchanged")
    func readOnlyQuery() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do {
            let ledger = try Ledger(path: path)
            let writer = try ledger.attach(try request("demo"))
            try logAndCommit(writer, 0..<10)
            try writer.close(reason: .finished)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let ledger = try Ledger.openReadOnly(path: path)
        var names: [String] = []
        var rows: [[String]] = []
        try ledger.query("SELECT step, rate FROM rate_history WHERE step < 3 ORDER BY step") {
            names = $0
        } row: {
            rows.append($0.map(\.description))
        }
        #expect(names == ["step", "rate"])
        #expect(rows.count == 3)
        #expect(rows.first?.first == "0")
        for sql in ["DELETE FROM rate_log", "UPDATE run SET step = 0", "DROP VIEW runs", "CREATE TABLE x (y)"] {
            let error = #expect(throws: LedgerError.self) { try ledger.query(sql) { _ in } }
            #expect(error?.code == .readOnly, "\(sql)")
            #expect(error?.message.contains("read-only") == true)
        }
        // Nor can it create files: VACUUM INTO is refused, ATTACH opens read-only.
        let copy = directory.path("copy.sqlite")
        let vacuum = #expect(throws: LedgerError.self) { try ledger.query("VACUUM INTO '\(copy)'") { _ in } }
        #expect(vacuum?.code == .readOnly)
        #expect(throws: LedgerError.self) { try ledger.query("ATTACH DATABASE '\(copy)' AS other") { _ in } }
        #expect(try directory.files() == ["ledger.sqlite", "ledger.sqlite-shm", "ledger.sqlite-wal"])
        let invalid = #expect(throws: LedgerError.self) { try ledger.query("SELEC 1") { _ in } }
        #expect(invalid?.code == .sql)
        try ledger.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // A read-write ledger's query is read-only too.
        let writable = try Ledger(path: path)
        let error = #expect(throws: LedgerError.self) { try writable.query("DELETE FROM rate_log") { _ in } }
        #expect(error?.code == .readOnly)
        #expect(try historyRows(writable, "demo").count == 10)
        try writable.close()
    }
}
