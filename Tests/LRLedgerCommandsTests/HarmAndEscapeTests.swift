import Foundation
import TestSupport
import Testing

/// What an adversary or a careless command line tries on the built binary: writing a
/// plot over the ledger, escaping from `lrledger sql`, SQLite URIs in `--db`, control
/// characters in run names. Each is refused with one line and a non-zero exit, and
/// every file stays as it was.
@Suite("Never harm a user's files, never let SQL escape")
struct HarmAndEscapeTests {
    /// A folder with a small finished ledger of run "demo".
    static func ledger() throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let result = try BoundedProcess.lrledger(["train", "--db", db, "--run", "demo", "--steps", "300"])
        #expect(result.status == 0, "\(result.stderr)")
        return (folder, db)
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// The names in `folder`, sorted.
    static func listing(_ folder: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    }

    // MARK: - plot --output

    @Test("plot refuses to write over the ledger, a copy of it named .svg, a symlink, a FIFO or a folder")
    func plotRefusesDangerousTargets() throws {
        let (folder, db) = try Self.ledger()
        let copy = folder.path("copy.svg")
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let link = folder.path("link.svg")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: db)
        let fifo = folder.path("pipe.svg")
        #expect(mkfifo(fifo, 0o644) == 0)
        let directory = folder.path("plots.svg")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let ledgerBytes = Self.bytes(db)
        let before = try Self.listing(folder)
        let targets: [(String, String)] = [
            (db, ".svg"), (copy, "SQLite database"), (link, "symbolic link"), (fifo, "FIFO"), (directory, "folder"),
            (folder.path("demo.png"), ".svg"),
        ]
        for (target, reason) in targets {
            let command = ["plot", "demo", "--db", db, "--output", target]
            // A FIFO opened for writing would block forever: the bound catches that too.
            let result = try BoundedProcess.lrledger(command, timeout: 30)
            FaultTests.expectRefusal(result, command, mentioning: [reason])
        }
        #expect(Self.bytes(db) == ledgerBytes, "the ledger is byte-for-byte unchanged")
        #expect(Self.bytes(copy) == ledgerBytes)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == db, "the link is still a link")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
        #expect(try Self.listing(folder) == before, "no file was added or removed")
    }

    @Test("plot replaces an existing SVG whole, keeps its permissions, and writes to standard output with -")
    func plotReplacesAnSVGAndWritesToStdout() throws {
        let (folder, db) = try Self.ledger()
        let output = folder.path("demo.svg")
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        #expect(chmod(output, 0o640) == 0)
        let written = try BoundedProcess.lrledger(["plot", "demo", "--db", db, "--output", output])
        #expect(written.status == 0, "\(written.stderr)")
        let text = String(decoding: Self.bytes(output) ?? Data(), as: UTF8.self)
        #expect(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"))
        var info = stat()
        #expect(stat(output, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try Self.listing(folder).filter { $0.hasPrefix(".") }.isEmpty, "no temporary file is left")

        let stdout = try BoundedProcess.lrledger(["plot", "demo", "--db", db, "--output", "-"])
        #expect(stdout.status == 0, "\(stdout.stderr)")
        #expect(stdout.stdout == text, "standard output carries exactly the SVG, and nothing else")
    }

    // MARK: - lrledger sql

    /// An SQLite file with an FTS3 table, as the exploit prepares it.
    static func ftsDatabase(_ path: String) throws {
        _ = try SQLiteShell.modify(path, "CREATE VIRTUAL TABLE t USING fts3(x); INSERT INTO t VALUES ('hello');")
    }

    @Test("the fts3_tokenizer exploit is refused: one line, a non-zero exit, and the process survives")
    func ftsTokenizerExploitIsRefused() throws {
        let (folder, db) = try Self.ledger()
        let prepared = folder.path("prepared.db")
        try Self.ftsDatabase(prepared)
        // The same FTS table inside the ledger itself, as anyone with sqlite3 can add.
        try Self.ftsDatabase(db)
        let ledgerBytes = Self.bytes(db)
        let attacks = [
            "ATTACH '\(prepared)' AS e; SELECT fts3_tokenizer('simple', x'4141414141414141'); SELECT * FROM e.t WHERE t MATCH 'hello'",
            "SELECT fts3_tokenizer('simple', x'4141414141414141'); SELECT * FROM t WHERE t MATCH 'hello'",
            "SELECT * FROM t WHERE t MATCH (SELECT fts3_tokenizer('simple', x'4141414141414141'))",
            "SELECT hex(fts3_tokenizer('simple'))",
            "SELECT load_extension('/tmp/nothing.so')",
            "ATTACH 'missing.db' AS x",
        ]
        for sql in attacks {
            let command = ["sql", sql, "--db", db]
            let result = try BoundedProcess.lrledger(command, timeout: 30, in: folder.url)
            FaultTests.expectRefusal(result, command, mentioning: ["does not allow"])
            #expect(!result.stdout.contains("41414141"), "no pointer or tokenizer bytes were printed")
        }
        // Reading still works, MATCH included.
        let match = try BoundedProcess.lrledger(["sql", "SELECT x FROM t WHERE t MATCH 'hello'", "--db", db])
        #expect(match.status == 0 && match.stdout.contains("hello"), "\(match.stderr)")
        #expect(Self.bytes(db) == ledgerBytes)
        #expect(!FileManager.default.fileExists(atPath: folder.path("missing.db")), "ATTACH created no file")
    }

    @Test("sql refuses writes and value-setting PRAGMAs, allows reporting ones, and leaves the file unchanged")
    func sqlRefusesWritesAndSettingPragmas() throws {
        let (folder, db) = try Self.ledger()
        let before = Self.bytes(db)
        let refusals: [(String, String)] = [
            ("DELETE FROM rate_log", "read-only"), ("UPDATE run SET step = 0", "read-only"),
            ("CREATE TEMP TABLE x (y)", "read-only"), ("PRAGMA user_version = 7", "does not allow"),
            ("PRAGMA writable_schema = 1", "does not allow"), ("PRAGMA wal_checkpoint", "does not allow"),
        ]
        for (sql, word) in refusals {
            let command = ["sql", sql, "--db", db]
            FaultTests.expectRefusal(try BoundedProcess.lrledger(command, timeout: 30), command, mentioning: [word])
        }
        let info = try BoundedProcess.lrledger(
            ["sql", "SELECT name FROM pragma_table_info('runs') ORDER BY cid LIMIT 2", "--db", db, "--format", "csv"])
        #expect(info.stdout == "name\nname\nstatus\n", "\(info.stderr)")
        let version = try BoundedProcess.lrledger(["sql", "PRAGMA user_version", "--db", db, "--format", "csv"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(Self.bytes(db) == before)
        #expect(try Self.listing(folder) == ["ledger.sqlite"], "no -wal or -shm left behind")
    }

    @Test("sql --timeout stops a query that would run forever, with one line")
    func sqlTimeoutStopsARunawayQuery() throws {
        let (folder, db) = try Self.ledger()
        defer { withExtendedLifetime(folder) {} }
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        let command = ["sql", endless, "--timeout", "0.5", "--db", db]
        let started = Date()
        let result = try BoundedProcess.lrledger(command, timeout: 60)
        FaultTests.expectRefusal(result, command, mentioning: ["--timeout"])
        // Generous: the bound is what matters here; speed belongs to benchmarks.
        #expect(Date().timeIntervalSince(started) < 20)
        let bad = ["sql", "SELECT 1", "--timeout", "-1", "--db", db]
        FaultTests.expectRefusal(try BoundedProcess.lrledger(bad), bad, mentioning: ["--timeout"])
    }

    @Test("sql prints text with a NUL byte whole")
    func sqlKeepsNulBytes() throws {
        let (folder, db) = try Self.ledger()
        defer { withExtendedLifetime(folder) {} }
        let result = try BoundedProcess.lrledger(
            ["sql", "SELECT 'a' || char(0) || 'b' AS t", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]]
        #expect(rows?.first?["t"] == "a\u{0}b")
    }

    // MARK: - file: URIs

    @Test("--db and LRLEDGER_DB refuse file: URIs, leaving the database they name untouched")
    func fileURIsAreRefused() throws {
        let folder = try TemporaryDirectory()
        let other = folder.path("other.db")
        _ = try SQLiteShell.modify(other, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        let before = Self.bytes(other)
        let uris = ["file:other.db", "file:other.db?mode=rwc", "file:\(other)", "FILE:other.db"]
        for uri in uris {
            for (arguments, environment) in [
                (["train", "--run", "x", "--steps", "10", "--db", uri], [String: String]()),
                (["train", "--run", "x", "--steps", "10"], ["LRLEDGER_DB": uri]),
                (["runs", "--db", uri], [:]), (["sql", "SELECT 1", "--db", uri], [:]),
            ] {
                let result = try BoundedProcess.lrledger(arguments, in: folder.url, environment: environment)
                FaultTests.expectRefusal(result, arguments + environment.values, mentioning: ["URI"])
            }
        }
        #expect(Self.bytes(other) == before)
        #expect(try Self.listing(folder) == ["other.db"], "nothing created: no ledger, no -wal, no -shm")
        // A file really named file:x.db is reachable as ./file:x.db, and is a plain file.
        let plain = try BoundedProcess.lrledger(
            ["train", "--run", "x", "--steps", "10", "--db", "./file:other.db"], in: folder.url)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path("file:other.db")))
        #expect(Self.bytes(other) == before)
    }

    // MARK: - Terminal injection

    @Test("train refuses run names with control characters or invalid UTF-8, creating nothing")
    func trainRefusesControlCharactersInNames() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        for name in ["red\u{1B}[31m", "two\nlines", "tab\there", "bell\u{7}", "rtl\u{202E}txt", "bad\u{FFFD}"] {
            let command = ["train", "--db", db, "--run", name, "--steps", "10"]
            let result = try BoundedProcess.lrledger(command)
            FaultTests.expectRefusal(result, command, mentioning: ["run name"])
            #expect(!result.stderr.contains("\u{1B}"), "the message escapes the name")
        }
        // Foundation's Process takes only valid strings: pass the raw byte through a shell.
        let shell = try BoundedProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c", "exec \"$0\" train --db \"$1\" --run \"$(printf 'a\\377b')\" --steps 10",
                LRLedgerProcess.binary.path, db,
            ],
            timeout: 60)
        FaultTests.expectRefusal(shell, ["train", "--run", "a\\377b"], mentioning: ["UTF-8"])
        #expect(try Self.listing(folder).isEmpty, "no ledger was created")
    }

    @Test("tables and show escape control characters in names that are already stored")
    func listingsEscapeControlCharacters() throws {
        let (folder, db) = try Self.ledger()
        defer { withExtendedLifetime(folder) {} }
        // A name written with plain SQL, as an older lrledger or another program could.
        _ = try SQLiteShell.modify(db, "UPDATE run SET name = 'de' || char(27) || '[2Jmo' || char(10) || 'x'")
        let name = "de\u{1B}[2Jmo\nx"
        for arguments in [
            ["runs"], ["show", name], ["history", name, "--to", "2"], ["sql", "SELECT name FROM runs"],
        ] {
            let result = try BoundedProcess.lrledger(arguments + ["--db", db])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("\u{1B}"), "\(arguments) printed a raw escape")
            if arguments[0] != "history" {
                #expect(result.stdout.contains("de\\u{1b}[2Jmo\\nx"), "\(arguments): \(result.stdout)")
            }
        }
        // JSON keeps the exact text, escaped by JSON's rules.
        let json = try BoundedProcess.lrledger(["runs", "--db", db, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["name"] as? String == name)
    }
}
