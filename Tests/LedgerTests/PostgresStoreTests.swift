import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Ledger

/// What only the PostgreSQL store has: URLs, a server to reach, databases that are not
/// ledgers, two hosts migrating at once. The rules' semantics are in the conformance
/// suite, which runs on this store too.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("the PostgreSQL tests run when a server is given, and CI never runs without one")
    func serverGiven() throws {
        guard PostgresTestServer.url != nil else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("CI is set but LRLEDGER_TEST_POSTGRES is not: the PostgreSQL store would go untested")
                return
            }
            try Test.cancel(Comment(rawValue: PostgresTestServer.unavailableReason))
        }
        #expect(StoreUnderTest.all.map(\.name).contains("PostgreSQL"))
    }

    @Test("a URL gives user, host, port, database and TLS, and its location hides the password")
    func parsesURL() throws {
        let url = try PostgresURL(
            parsing: "postgres://trainer:s3cret@db.internal:6543/ledger?sslmode=verify-full&sslrootcert=ca.pem",
            environment: [:])
        #expect(url.user == "trainer" && url.password == "s3cret" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "ledger" && url.sslMode == .verifyFull && url.sslRootCert == "ca.pem")
        #expect(url.location == "postgres://trainer@db.internal:6543/ledger?sslmode=verify-full")
        #expect(!LedgerLocation("postgres://trainer:s3cret@db/ledger").description.contains("s3cret"))
        let fromEnvironment = try PostgresURL(
            parsing: "postgresql://trainer@db/ledger", environment: ["PGPASSWORD": "fromenv"])
        #expect(fromEnvironment.password == "fromenv" && fromEnvironment.port == 5432)
        #expect(LedgerLocation("runs/lrledger.sqlite") == .file("runs/lrledger.sqlite"))
    }

    @Test(
        "a malformed URL is refused in one line without the password",
        arguments: [
            "postgres://trainer:s3cret@/ledger", "postgres://trainer:s3cret@db",
            "postgres://trainer:s3cret@db/ledger?sslmode=prefer",
            "postgres://:s3cret@db/ledger", "postgres://trainer:s3cret@db/ledger?sslrootcert=ca.pem",
        ])
    func refusesMalformedURL(text: String) throws {
        let error = try #require(throws: LedgerError.self) { try PostgresURL(parsing: text, environment: [:]) }
        #expect(error.code == .invalidArgument)
        #expect(!error.message.contains("s3cret") && !error.message.contains("\n"))
    }

    @Test("migration scripts are cut at the semicolons outside comments and quotes")
    func splitsStatements() throws {
        let statements = try SQLStatementSplitter.statements(
            of: "-- a; comment\nCREATE TABLE a (x text DEFAULT ';');\n/* b; */ SELECT 1;\n\n")
        #expect(statements == ["CREATE TABLE a (x text DEFAULT ';')", "SELECT 1"])
    }

    @Test("a function's dollar-quoted body is one statement with its semicolons, and $1 stays plain text")
    func splitsDollarQuotedBodies() throws {
        let body =
            "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $f$ BEGIN PERFORM 1; RETURN $$x;$$::int; END $f$"
        let statements = try SQLStatementSplitter.statements(of: body + ";\nPREPARE p AS SELECT $1;")
        #expect(statements == [body, "PREPARE p AS SELECT $1"])
        #expect(throws: LedgerError.self) { try SQLStatementSplitter.statements(of: "SELECT $a$ never closed;") }
    }

    @Test("a database with tables but no lrledger migrations is not a ledger, and is left unchanged")
    func refusesForeignDatabase() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        try database.execute("CREATE TABLE accounts (id bigint)")
        for readOnly in [false, true] {
            let error = try #require(throws: LedgerError.self) {
                readOnly
                    ? try Ledger.openReadOnly(location: .postgres(database.url))
                    : try Ledger(location: .postgres(database.url))
            }
            #expect(error.code == .notALedger)
            #expect(error.message.contains("127.0.0.1") || error.message.contains("postgres://"))
        }
    }

    @Test("a ledger a newer lrledger migrated is refused, and left unchanged")
    func refusesNewerLedger() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        let ledger = try Ledger(location: .postgres(database.url))
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .interrupted)
        try ledger.close()
        try database.execute(
            "INSERT INTO lrledger_migration (identifier, sha256, applied_at) VALUES ('9999_future', 'x', 'now')")
        let error = try #require(throws: LedgerError.self) { try Ledger(location: .postgres(database.url)) }
        #expect(error.code == .newerSchema && error.message.contains("9999_future"))
    }

    @Test("an empty database stays empty until the first write, and reads as an empty ledger")
    func firstWriteMakesLedger() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        let ledger = try Ledger(location: .postgres(database.url))
        #expect(try ledger.runs().isEmpty)
        // Still empty: a read-only open refuses it.
        #expect(throws: LedgerError.self) { try Ledger.openReadOnly(location: .postgres(database.url)) }
        let writer = try ledger.attach(try request("demo"))
        try writer.close(reason: .interrupted)
        #expect(ledger.isNew)
        #expect(try Ledger.openReadOnly(location: .postgres(database.url)).runs().map(\.name) == ["demo"])
    }

    @Test("two hosts making the ledger in the same empty database at once both succeed")
    func concurrentMigration() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        let url = database.url
        let failures = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let ledger = try Ledger(location: .postgres(url))
                let writer = try ledger.attach(try request("run\(index)"))
                try logAndCommit(writer, 0..<10)
                try writer.close(reason: .finished)
                try ledger.close()
            } catch {
                failures.append(error)
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try Ledger.openReadOnly(location: .postgres(url)).runs().count == 4)
    }

    @Test("a wrong password and an unreachable server are refused in one line without the password")
    func refusesBadServer() throws {
        guard let server = PostgresTestServer.url, var components = URLComponents(string: server) else { return }
        components.password = "wrong-password-123"
        let wrong = try #require(components.string)
        let error = try #require(throws: LedgerError.self) { try Ledger(location: .postgres(wrong)) }
        #expect(error.code == .cannotOpen && !error.message.contains("wrong-password-123"))
        #expect(error.message.contains("lrledger"))
        components.port = 1
        let closed = try #require(components.string)
        let unreachable = try #require(throws: LedgerError.self) { try Ledger(location: .postgres(closed)) }
        #expect(unreachable.code == .unavailable && unreachable.message.contains("127.0.0.1:1"))
        #expect(!unreachable.message.contains("wrong-password-123") && !unreachable.message.contains("\n"))
    }

    @Test("a connection the server ended between two commits is replaced, and the next commit succeeds once")
    func reconnectsAfterTermination() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        let ledger = try Ledger(location: .postgres(database.url))
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        // As a server restart or a failover would: every other session on the database ends.
        try database.execute(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        try logAndCommit(writer, 10..<20)
        try writer.close(reason: .finished)
        let reader = try Ledger.openReadOnly(location: .postgres(database.url))
        #expect(try reader.runs().first?.step == 20)
        #expect(try historyRows(reader, "demo").map(\.step) == Array(0..<20))
        #expect(try reader.audit(run: "demo").isClean)
    }

    @Test("a connection lost while the commit waits on the server is settled, and the commit is stored once")
    func settlesCommitLostMidway() throws {
        guard PostgresTestServer.url != nil else { return }
        let database = try PostgresTestDatabase()
        let ledger = try Ledger(location: .postgres(database.url))
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        // Another session holds the ledger's write lock, so the next commit waits inside
        // the server, sent but unanswered; then its server process is ended, as a crash
        // of the server's side of the connection would.
        let holder = try PostgresSession.connect(
            try PostgresURL(parsing: database.url, environment: [:]), lockTimeout: 60, logger: Logger(label: "test"),
            action: "hold the write lock")
        defer { holder.close() }
        try holder.query("BEGIN")
        try holder.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.writeLock))")
        let committed = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var commitError: (any Error)?
        Thread.detachNewThread {
            do { try logAndCommit(writer, 10..<20) } catch { commitError = error }
            committed.signal()
        }
        let waiting = """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND application_name LIKE 'lrledger %' AND application_name <> '\(holder.applicationName)'
            """
        func waitingCommits() throws -> Int64 {
            // Inside a transaction, pg_stat_activity is read once and kept, unless cleared.
            try holder.query("SELECT pg_stat_clear_snapshot()")
            return try holder.query(PostgresQuery(unsafeSQL: waiting)).rows.first?.decode(Int64.self) ?? 0
        }
        while try waitingCommits() == 0 { Thread.sleep(forTimeInterval: 0.02) }
        try holder.query(
            PostgresQuery(
                unsafeSQL: waiting.replacingOccurrences(of: "SELECT count(*)", with: "SELECT pg_terminate_backend(pid)")
            ))
        // The writer settles the lost commit (not stored) and sends it again, on a new
        // connection, which waits for the lock in turn.
        while try waitingCommits() == 0 { Thread.sleep(forTimeInterval: 0.02) }
        try holder.query("ROLLBACK")
        #expect(committed.wait(timeout: .now() + 60) == .success)
        if let commitError { throw commitError }
        try logAndCommit(writer, 20..<30)
        try writer.close(reason: .finished)
        let reader = try Ledger.openReadOnly(location: .postgres(database.url))
        #expect(try reader.runs().first?.step == 30)
        #expect(try historyRows(reader, "demo").map(\.step) == Array(0..<30))
        #expect(try reader.audit(run: "demo").isClean)
    }

    @Test("the history's buckets and an imported run's values read the same as on SQLite")
    func sameReadsAsSQLite() throws {
        guard PostgresTestServer.url != nil else { return }
        var results: [[[SeriesBucket]]] = []
        var checks: [[String]] = []
        for store in [StoreUnderTest.sqlite, StoreUnderTest.postgres] {
            let fresh = try store.make(LedgerConfiguration())
            let writer = try fresh.ledger.attach(try request("demo"))
            for step in Int64(0)..<1000 where step % 7 != 3 {
                writer.log(step: step, rate: docRate(step), loss: step % 5 == 0 ? nil : Double(step) / 1000)
            }
            try writer.commit(step: 1000, state: stepState(1000))
            try writer.close(reason: .finished)
            let buckets = try fresh.ledger.store.read("read buckets") { tx in
                let runID = try #require(try tx.run(named: "demo")?.id)
                return try [(0, 999, 100), (5, 998, 33), (0, 999, 1), (-10, 20, 7), (0, Int64.max, Int64.max / 2)].map {
                    try tx.seriesBuckets(runID: runID, from: $0.0, to: $0.1, width: $0.2)
                }
            }
            results.append(buckets)
            let values = (0..<40).map {
                ImportedValue(
                    seq: $0, step: $0 < 30 ? $0 : $0 - 10, rate: docRate($0), wallTime: $0 % 2 == 0 ? nil : 1.5)
            }
            let read = try fresh.ledger.store.write("import values") { tx in
                let runID = try tx.insertRun(
                    name: "imported", targetSteps: 40, settings: "{}", now: Timestamp.now().description)
                try values.withUnsafeBufferPointer { try tx.insertImportedValues(runID: runID, values: $0) }
                var seen: [String] = []
                try tx.importedValues(runID: runID) {
                    seen.append("\($0.step) \($0.rate) \(String(describing: $0.earlier))")
                }
                return seen
            }
            checks.append(read)
        }
        #expect(results[0] == results[1])
        #expect(results[0][2].count > 800)
        #expect(checks[0] == checks[1] && checks[0].count == 40)
    }

    @Test("a history longer than one page of reads comes back whole and in order")
    func longHistory() throws {
        guard PostgresTestServer.url != nil else { return }
        let fresh = try StoreUnderTest.postgres.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<70_000)
        try writer.close(reason: .finished)
        let rows = try historyRows(fresh.ledger, "demo")
        #expect(rows.count == 70_000 && rows.map(\.step) == Array(0..<70_000))
        #expect(try fresh.ledger.audit(run: "demo").isClean)
    }

    @Test("user SQL reads the public views and cannot write")
    func userSQL() throws {
        guard PostgresTestServer.url != nil else { return }
        let fresh = try StoreUnderTest.postgres.make(LedgerConfiguration())
        let writer = try fresh.ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .finished)
        var names: [String] = []
        var rows: [[QueryValue]] = []
        try fresh.ledger.query("SELECT step, rate, run FROM rate_history WHERE step < 2 ORDER BY step;") {
            names = $0
        } row: {
            rows.append($0)
        }
        #expect(names == ["step", "rate", "run"])
        #expect(
            rows == [
                [.integer(0), .real(docRate(0)), .text("demo")], [.integer(1), .real(docRate(1)), .text("demo")],
            ])
        let error = try #require(throws: LedgerError.self) {
            try fresh.ledger.query("DELETE FROM run") { _ in }
        }
        #expect(error.code == .readOnly)
        var empty: [String] = []
        try fresh.ledger.query("SELECT name, status FROM runs WHERE false") {
            empty = $0
        } row: { _ in
        }
        #expect(empty == ["name", "status"])
    }
}

/// Errors collected from several threads.
final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []

    func append(_ error: any Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }

    var all: [any Error] {
        lock.lock()
        defer { lock.unlock() }
        return errors
    }
}
