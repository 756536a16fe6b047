import Foundation
import TestSupport
import Testing

@testable import Ledger

/// The command line on a PostgreSQL ledger (`--db postgres://...`): training that
/// survives kills, the reading commands, TLS, and bad input refused in one line that
/// names the server and never the password, with nothing written.
@Suite("lrledger on PostgreSQL")
struct PostgresCommandTests {
    static func train(_ run: String, url: String, steps: Int = 3000) -> [String] {
        [
            "train", "--db", url, "--run", run, "--steps", "\(steps)", "--checkpoint-every", "10", "--seed", "7",
            "--momentum", "0.5",
        ]
    }

    /// The run's committed step as a reader sees it; -1 before the run exists.
    static func committedStep(_ run: String, url: String) -> Int64 {
        guard let ledger = try? Ledger.openReadOnly(location: .postgres(url)),
            let summary = try? ledger.runs().first(where: { $0.name == run })
        else { return -1 }
        return summary.step
    }

    static func history(_ run: String, url: String) throws -> String {
        let result = try LRLedgerProcess.run([
            "sql", "--db", url, "--format", "csv",
            "SELECT step, rate, loss FROM rate_history WHERE run = '\(run)' ORDER BY step",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test("a run killed with SIGKILL and resumed ends with the same rate history as an uninterrupted twin")
    func killedRunMatchesTwin() throws {
        guard let scratch = try PostgresScratch.make() else { return }
        let straight = try LRLedgerProcess.run(Self.train("straight", url: scratch.url))
        #expect(straight.status == 0, "\(straight.stderr)")
        var kills = 0
        for _ in 0..<3 {
            let before = Self.committedStep("interrupted", url: scratch.url)
            let process = try LRLedgerProcess.start(Self.train("interrupted", url: scratch.url))
            var waited = 0
            while process.isRunning, Self.committedStep("interrupted", url: scratch.url) <= before + 50, waited < 2000 {
                usleep(5_000)
                waited += 1
            }
            usleep(UInt32.random(in: 0...20_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let last = try LRLedgerProcess.run(Self.train("interrupted", url: scratch.url))
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills > 0)
        let twin = try Self.history("straight", url: scratch.url)
        #expect(twin.split(separator: "\n").count == 3001)
        #expect(try Self.history("interrupted", url: scratch.url) == twin)
        let audit = try LRLedgerProcess.run(["audit", "interrupted", "--db", scratch.url])
        #expect(audit.status == 0 && audit.stdout.contains("clean"), "\(audit.stdout)\(audit.stderr)")
        #expect(!(audit.stdout + last.stdout + last.stderr).contains(scratch.password))
    }

    @Test("runs, show, history, audit and sql read a PostgreSQL ledger, from --db or LRLEDGER_DB")
    func readingCommands() throws {
        guard let scratch = try PostgresScratch.make() else { return }
        let made = try LRLedgerProcess.run(Self.train("alpha", url: scratch.url, steps: 200))
        #expect(made.status == 0, "\(made.stderr)")
        let parts = try #require(URLComponents(string: scratch.url))
        let location = "postgres://\(parts.user ?? "")@\(parts.host ?? ""):\(parts.port ?? 5432)/\(scratch.name)"
        #expect(
            made.stdout.hasPrefix("created ledger \(location)\ncreated run alpha in \(location)\n"), "\(made.stdout)")
        let runs = try LRLedgerProcess.run(["runs"], environment: ["LRLEDGER_DB": scratch.url])
        #expect(runs.status == 0 && runs.stdout.contains("alpha") && runs.stdout.contains("finished"), "\(runs)")
        let show = try LRLedgerProcess.run(["show", "alpha", "--db", scratch.url])
        #expect(show.status == 0 && show.stdout.contains("alpha"), "\(show.stderr)")
        let history = try LRLedgerProcess.run(["history", "alpha", "--db", scratch.url, "--format", "csv"])
        #expect(history.status == 0 && history.stdout.split(separator: "\n").count == 201, "\(history.stderr)")
        let audit = try LRLedgerProcess.run(["audit", "alpha", "--db", scratch.url])
        #expect(audit.status == 0 && audit.stdout.contains("clean"), "\(audit.stderr)")
        let sql = try LRLedgerProcess.run([
            "sql", "--db", scratch.url, "--format", "csv",
            "SELECT end_reason, count(*) FROM segments GROUP BY end_reason",
        ])
        #expect(sql.status == 0 && sql.stdout == "end_reason,count\nfinished,1\n", "\(sql.stdout)\(sql.stderr)")
        let write = try LRLedgerProcess.run(["sql", "--db", scratch.url, "DELETE FROM run"])
        #expect(write.status != 0 && Self.committedStep("alpha", url: scratch.url) == 200)
        for output in [made, runs, show, history, audit, sql, write] {
            #expect(!(output.stdout + output.stderr).contains(scratch.password))
        }
    }

    /// Runs `train` on `url` and checks that it is refused in one line naming `server`,
    /// without `password`.
    static func expectRefused(
        _ url: String, password: String, naming server: String, containing words: String,
        environment: [String: String] = [:]
    ) throws {
        let result = try LRLedgerProcess.run(Self.train("demo", url: url, steps: 20), environment: environment)
        #expect(result.status != 0, "\(url): \(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains(server), "names \(server): \(result.stderr)")
        #expect(result.stderr.contains(words), "says \(words): \(result.stderr)")
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
    }

    @Test("a malformed URL, a wrong password, a closed port, a foreign database and a newer ledger are refused")
    func refusesBadInput() throws {
        guard let scratch = try PostgresScratch.make() else { return }
        let password = scratch.password
        try Self.expectRefused(
            try scratch.url { $0.path = "" }, password: password, naming: "127.0.0.1",
            containing: "names no database")
        try Self.expectRefused(
            try scratch.url { $0.password = "not-the-password" }, password: "not-the-password", naming: "127.0.0.1",
            containing: "refused the login")
        try Self.expectRefused(
            try scratch.url { $0.port = 1 }, password: password, naming: "127.0.0.1:1", containing: "cannot be reached")
        // Without a password in the URL, PGPASSWORD is used.
        try Self.expectRefused(
            try scratch.url { $0.password = nil }, password: "wrong-from-env", naming: "127.0.0.1",
            containing: "refused the login", environment: ["PGPASSWORD": "wrong-from-env"])

        try scratch.execute("CREATE TABLE accounts (id bigint)")
        try Self.expectRefused(
            scratch.url, password: password, naming: "127.0.0.1", containing: "not an lrledger ledger")
        #expect(try scratch.scalarCount("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 1)
        try scratch.execute("DROP TABLE accounts")

        let made = try LRLedgerProcess.run(Self.train("alpha", url: scratch.url, steps: 20))
        #expect(made.status == 0, "\(made.stderr)")
        try scratch.execute(
            "INSERT INTO lrledger_migration (identifier, sha256, applied_at) VALUES ('9999_future', 'x', 'then')")
        try Self.expectRefused(scratch.url, password: password, naming: "127.0.0.1", containing: "newer lrledger")
        #expect(try scratch.scalarCount("SELECT count(*) FROM run") == 1)
    }

    @Test("sslmode=require connects with TLS; verify-full needs the server's certificate")
    func tls() throws {
        guard let scratch = try PostgresScratch.make() else { return }
        let made = try LRLedgerProcess.run(Self.train("alpha", url: scratch.url, steps: 20))
        #expect(made.status == 0, "\(made.stderr)")
        let query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        let plain = try LRLedgerProcess.run(["sql", "--db", scratch.url, "--format", "csv", query])
        #expect(plain.stdout == "ssl\n0\n", "\(plain.stdout)\(plain.stderr)")
        let required = try scratch.url { $0.queryItems = [URLQueryItem(name: "sslmode", value: "require")] }
        let encrypted = try LRLedgerProcess.run(["sql", "--db", required, "--format", "csv", query])
        #expect(encrypted.stdout == "ssl\n1\n", "\(encrypted.stdout)\(encrypted.stderr)")

        let unverified = try scratch.url { $0.queryItems = [URLQueryItem(name: "sslmode", value: "verify-full")] }
        let refused = try LRLedgerProcess.run(["sql", "--db", unverified, query])
        #expect(refused.status != 0 && refused.stderr.contains("TLS"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1 && !refused.stderr.contains(scratch.password))
        guard let certificate = PostgresScratch.certificate else { return }
        let verified = try scratch.url {
            $0.queryItems = [
                URLQueryItem(name: "sslmode", value: "verify-full"),
                URLQueryItem(name: "sslrootcert", value: certificate),
            ]
        }
        let trusted = try LRLedgerProcess.run(["sql", "--db", verified, "--format", "csv", query])
        #expect(trusted.stdout == "ssl\n1\n", "\(trusted.stdout)\(trusted.stderr)")
    }
}

extension PostgresScratch {
    /// An integer a query returns, read outside lrledger's checks.
    func scalarCount(_ sql: String) throws -> Int64? {
        try PostgresAdministration.integer(url, sql)
    }
}
