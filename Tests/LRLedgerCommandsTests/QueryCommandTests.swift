import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// End-to-end tests of the commands people run after training: runs, show, history,
/// audit, sql and plot, each on its own ledger made by the real trainer.
@Suite("lrledger runs, show, history, audit, sql, plot")
struct QueryCommandTests {
    /// A ledger with run "alpha" trained to 200 steps in two segments (one restart) and
    /// run "beta" trained with --model none to 50 steps.
    static func makeLedger() throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        for arguments in [
            ["train", "--db", db, "--run", "alpha", "--steps", "120", "--checkpoint-every", "20"],
            ["train", "--db", db, "--run", "alpha", "--steps", "200", "--checkpoint-every", "20"],
            ["train", "--db", db, "--run", "beta", "--steps", "50", "--model", "none", "--dtype", "float64"],
        ] {
            let result = try LRLedgerProcess.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        return (folder, db)
    }

    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("runs lists every run in each format")
    func runsInEachFormat() throws {
        let (folder, db) = try Self.makeLedger()
        _ = folder
        let table = try LRLedgerProcess.run(["runs", "--db", db])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 4, "header, rule, two runs: \(table.stdout)")
        #expect(lines[2].hasPrefix("alpha") && lines[3].hasPrefix("beta"))
        let csv = try LRLedgerProcess.run(["runs", "--db", db, "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").first == "name,status,step,target_steps,dtype,schedule,updated_at")
        let json = try LRLedgerProcess.run(["runs", "--db", db, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.map { $0["name"] as? String } == ["alpha", "beta"])
        #expect(parsed?.first?["step"] as? Int == 200)
        #expect((parsed?.first?["schedule"] as? [String: Any])?["class_name"] as? String == "InverseTimeDecay")
    }

    @Test("show --format json parses and holds the stable keys")
    func showJSONHoldsStableKeys() throws {
        let (folder, db) = try Self.makeLedger()
        _ = folder
        let result = try LRLedgerProcess.run(["show", "alpha", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        for key in ["name", "status", "step", "target_steps", "schedule", "dtype", "segments", "checkpoint_sha256"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["status"] as? String == "finished")
        #expect(object["step"] as? Int == 200)
        #expect((object["segments"] as? [[String: Any]])?.count == 2)
        let sha = object["checkpoint_sha256"] as? String ?? ""
        #expect(sha.count == 64)
        let stored = try SQLiteShell.query(
            db, "SELECT sha256 FROM checkpoints WHERE run = 'alpha' ORDER BY step DESC LIMIT 1")
        #expect(sha == stored)

        let table = try LRLedgerProcess.run(["show", "alpha", "--db", db])
        #expect(table.stdout.contains("InverseTimeDecay: 0.1 / (1 + 0.5 * step / 1.0)"))
        #expect(table.stdout.contains(sha))
        let csv = try LRLedgerProcess.run(["show", "alpha", "--db", db, "--format", "csv"])
        #expect(csv.stdout.contains("checkpoint_sha256,\(sha)"))
    }

    @Test("history --format csv equals the rate_history rows read with the sqlite3 shell")
    func historyMatchesSQLiteShell() throws {
        let (folder, db) = try Self.makeLedger()
        _ = folder
        for (run, isFloat32) in [("alpha", true), ("beta", false)] {
            let result = try LRLedgerProcess.run(["history", run, "--db", db, "--format", "csv"])
            #expect(result.status == 0)
            let printed = result.stdout.split(separator: "\n").dropFirst().map { line -> (Int64, Double, String) in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let rate = isFloat32 ? Double(Float(fields[1]) ?? .nan) : Double(fields[1]) ?? .nan
                return (Int64(fields[0]) ?? -1, rate, fields[2])
            }
            let shell = try SQLiteShell.query(
                db,
                "SELECT step, printf('%!.17g', rate), CASE WHEN loss IS NULL THEN '' ELSE printf('%!.17g', loss) END FROM rate_history WHERE run = '\(run)' ORDER BY step",
                arguments: ["-separator", ","]
            ).split(separator: "\n").map { line -> (Int64, Double, String) in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return (Int64(fields[0]) ?? -2, Double(fields[1]) ?? .infinity, fields[2])
            }
            #expect(printed.count == shell.count)
            #expect(printed.count == (run == "alpha" ? 200 : 50))
            for (mine, theirs) in zip(printed, shell) {
                #expect(mine.0 == theirs.0)
                #expect(mine.1.bitPattern == theirs.1.bitPattern, "step \(mine.0)")
                #expect(Double(mine.2) == Double(theirs.2), "loss at step \(mine.0)")
            }
        }
        let window = try LRLedgerProcess.run([
            "history", "alpha", "--db", db, "--from", "10", "--to", "12", "--format", "json",
        ])
        let rows = try JSONSerialization.jsonObject(with: Data(window.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.map { $0["step"] as? Int } == [10, 11, 12])
    }

    @Test("audit exits 0 on an untouched run and 1 after a rate row is altered with sqlite3")
    func auditFindsAnAlteredRate() throws {
        let (folder, db) = try Self.makeLedger()
        _ = folder
        let clean = try LRLedgerProcess.run(["audit", "alpha", "--db", db])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("clean"))
        _ = try SQLiteShell.modify(
            db,
            "UPDATE rate_log SET rate = rate * 1.0000001 WHERE step = 77 AND run_id = (SELECT id FROM run WHERE name = 'alpha')"
        )
        let dirty = try LRLedgerProcess.run(["audit", "alpha", "--db", db])
        #expect(dirty.status == 1)
        #expect(dirty.stdout.contains("77"), "\(dirty.stdout)")
        let all = try LRLedgerProcess.run(["audit", "--all", "--db", db, "--format", "json"])
        #expect(all.status == 1)
        let rows = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.contains { $0["run"] as? String == "beta" && $0["clean"] as? Bool == true })
        #expect(rows.contains { $0["run"] as? String == "alpha" && $0["step"] as? Int == 77 })
    }

    @Test("sql cannot modify the database: DELETE fails and the file's bytes are unchanged")
    func sqlIsReadOnly() throws {
        let (folder, db) = try Self.makeLedger()
        _ = folder
        let before = try Self.bytes(db)
        for statement in [
            "DELETE FROM runs", "DELETE FROM run", "UPDATE rate_log SET rate = 0", "DROP TABLE run",
            "CREATE TABLE x(a)",
        ] {
            let result = try LRLedgerProcess.run(["sql", statement, "--db", db])
            #expect(result.status != 0, "\(statement) was allowed")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(
                result.stderr.lowercased().contains("read-only") || result.stderr.contains("view"), "\(result.stderr)")
        }
        #expect(try Self.bytes(db) == before)
        let select = try LRLedgerProcess.run(
            [
                "sql", "SELECT run, count(*) AS n, max(step) FROM rate_history GROUP BY run ORDER BY run", "--db", db,
                "--format", "csv",
            ])
        #expect(select.status == 0)
        #expect(select.stdout == "run,n,max(step)\nalpha,200,199\nbeta,50,49\n")
        let bad = try LRLedgerProcess.run(["sql", "SELECT nope FROM runs", "--db", db])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("no such column"), "SQLite's own message: \(bad.stderr)")
    }

    @Test("plot writes an SVG that parses as XML with one restart mark per restart")
    func plotMarksEachRestart() throws {
        let (folder, db) = try Self.makeLedger()
        let output = folder.path("alpha.svg")
        let result = try LRLedgerProcess.run(["plot", "alpha", "--db", db, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let parser = XMLParser(data: try Self.bytes(output))
        let counter = RestartCounter()
        parser.delegate = counter
        #expect(parser.parse(), "the SVG is well-formed XML")
        #expect(counter.restarts == 1)
        #expect(counter.polylines == 2, "rate and loss")
    }

    @Test("a missing run or database gets one clear line and a non-zero exit")
    func missingRunOrDatabase() throws {
        let (folder, db) = try Self.makeLedger()
        let missingDB = folder.path("nope.sqlite")
        let commands: [[String]] = [
            ["show", "ghost", "--db", db], ["history", "ghost", "--db", db], ["audit", "ghost", "--db", db],
            ["plot", "ghost", "--db", db, "--output", folder.path("g.svg")],
            ["runs", "--db", missingDB], ["show", "alpha", "--db", missingDB], ["sql", "SELECT 1", "--db", missingDB],
            ["audit", "--all", "--db", missingDB],
        ]
        for arguments in commands {
            let result = try LRLedgerProcess.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("ghost") || result.stderr.contains("nope.sqlite"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: missingDB), "reading never creates a ledger")
    }
}

/// Counts restart marks and series in an SVG.
final class RestartCounter: NSObject, XMLParserDelegate {
    var restarts = 0
    var polylines = 0

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if attributes["class"] == "restart" { restarts += 1 }
        if elementName == "polyline" { polylines += 1 }
    }
}
