import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Failures and their messages")
struct FailureTests {
    @Test("a full database fails the commit with a clear message, writes nothing, and the retry succeeds")
    func databaseFull() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<100)
        // SQLITE_FULL without filling the disk: cap the writer connection's page count.
        let pages = try sqlite3(path, "PRAGMA page_count")
        let current = try #require(Int(pages.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try ledger.withSQLiteConnection { db in
            try db.execute(sql: "PRAGMA max_page_count = \(current + 2)")
        }
        let error = #expect(throws: LedgerError.self) { try logAndCommit(writer, 100..<50_100) }
        #expect(error?.code == .databaseFull)
        #expect(error?.message.contains("full") == true)
        #expect(error?.message.contains(path) == true)
        #expect(try ledger.runs().first?.step == 100)
        #expect(try historyRows(ledger, "demo").count == 100)
        #expect(writer.bufferedCount == 50_000)
        try ledger.withSQLiteConnection { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        try writer.commit(step: 50_100, state: stepState(50_100))
        #expect(try historyRows(ledger, "demo").count == 50_100)
        try writer.close(reason: .finished)
        #expect(try ledger.audit(run: "demo").isClean)
    }

    @Test("a lock held past the busy timeout fails the commit with a clear message, and the retry succeeds")
    func busyTimeout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path, configuration: LedgerConfiguration(busyTimeout: 0.2))
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", path]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'held';\n".utf8))
        var held = Data()
        while !String(decoding: held, as: UTF8.self).contains("held") {
            held.append(output.fileHandleForReading.availableData)
        }
        let error = #expect(throws: LedgerError.self) { try logAndCommit(writer, 10..<20) }
        #expect(error?.code == .busy)
        #expect(error?.message.contains("busy timeout") == true)
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        try writer.commit(step: 20, state: stepState(20))
        #expect(try historyRows(ledger, "demo").map(\.step) == Array(0..<20))
    }

    @Test("a database whose schema page is damaged is refused and left unchanged")
    func damagedSchemaPage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do {
            let ledger = try Ledger(path: path)
            let writer = try ledger.attach(try request("demo"))
            try logAndCommit(writer, 0..<100)
            try writer.close(reason: .finished)
            try ledger.close()
        }
        // close() leaves no log files behind.
        #expect(try directory.files() == ["ledger.sqlite"])
        // Overwrite the rest of page 1 (sqlite_master's b-tree) after the header.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 100)
        handle.write(Data(repeating: 0xA5, count: 3000))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = #expect(throws: LedgerError.self) { try Ledger(path: path) }
        #expect(error?.code == .corrupt || error?.code == .notADatabase, "\(error?.message ?? "")")
        #expect(error?.message.contains(path) == true)
        let readOnly = #expect(throws: LedgerError.self) { try Ledger.openReadOnly(path: path) }
        #expect(readOnly?.code == error?.code)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try directory.files() == ["ledger.sqlite"])
    }

    @Test("a value edited to the wrong type with SQL gives an error naming the column, not a crash")
    func wrongTypeValue() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        do {
            let writer = try ledger.attach(try request("demo"))
            try logAndCommit(writer, 0..<10)
        }
        try sqlite3(path, "UPDATE segment SET pid = 'not a pid'")
        let read = #expect(throws: LedgerError.self) { try ledger.run(named: "demo") }
        #expect(read?.code == .corrupt)
        #expect(read?.message.contains("pid") == true)
        let attach = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(attach?.code == .corrupt)
    }

    @Test("a heartbeat keeps a writer's segment fresh, and a closed ledger refuses work")
    func heartbeatAndClose() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        let stale = "2001-01-01T00:00:00.000Z"
        try sqlite3(path, "UPDATE segment SET heartbeat_at = '\(stale)'")
        try writer.heartbeat()
        let detail = try ledger.run(named: "demo")
        #expect(detail.segments[0].heartbeatAt > Timestamp(stale)!)
        try writer.close(reason: .interrupted)
        try ledger.close()
        #expect(throws: (any Error).self) { try ledger.runs() }
    }

    @Test("timestamps are ISO-8601 UTC with milliseconds and read back exactly")
    func timestamps() throws {
        // 2026-11-25T09:12:03.123Z: days from 1970 by the calendar, independently.
        let days: Int64 =
            (1970..<2026).reduce(0) { total, year in
                total + ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365)
            } + [31, 28, 31, 30, 31, 30, 31, 31, 30, 31].reduce(0, +) + 24
        let milliseconds = ((days * 24 + 9) * 60 + 12) * 60_000 + 3_123
        #expect(Timestamp(millisecondsSince1970: milliseconds).description == "2026-11-25T09:12:03.123Z")
        #expect(Timestamp("2026-11-25T09:12:03.123Z")?.millisecondsSince1970 == milliseconds)
        #expect(Timestamp("2026-11-25 09:12:03") == nil)
    }
}
