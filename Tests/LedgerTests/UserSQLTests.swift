import Foundation
import GRDBSQLite
import TestSupport
import Testing

@testable import Ledger

/// The library's own guards, for Swift programs that use `Ledger` directly: a path is
/// opened as a path, never as an SQLite URI, and user SQL reads the ledger only.
@Suite("User SQL and file names")
struct UserSQLTests {
    /// An SQLite database of another program, with a table and a row.
    static func otherDatabase(_ path: String) throws {
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        #expect(sqlite3_open(path, &connection) == SQLITE_OK)
        #expect(
            sqlite3_exec(connection, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x')", nil, nil, nil)
                == SQLITE_OK)
    }

    @Test("a path that reads as an SQLite URI opens as a file of that name, never the database the URI names")
    func uriLikePathsAreFiles() throws {
        let directory = try TemporaryDirectory()
        let other = directory.path("other.db")
        try Self.otherDatabase(other)
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        // Relative names under a folder "file:" that does not exist: SQLite, reading them
        // as URIs, would open (and migrate) other.db.
        for name in ["file:\(other)", "file:\(other)?mode=rw", "file://\(other)"] {
            #expect(throws: LedgerError.self) { try Ledger(path: name) }
            let readOnly = #expect(throws: LedgerError.self) { try Ledger.openReadOnly(path: name) }
            #expect(readOnly?.code == .fileNotFound)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
        #expect(try directory.files() == ["other.db"], "no -wal or -shm beside the other database")
        #expect(DatabasePreflight.fileName(path: "file:x.db") == "./file:x.db")
        #expect(DatabasePreflight.fileName(path: ":memory:") == "./:memory:")
        #expect(DatabasePreflight.fileName(path: "/tmp/file:x.db") == "/tmp/file:x.db")
        #expect(DatabasePreflight.fileName(path: "ledger.sqlite") == "ledger.sqlite")
    }

    @Test("every connection the ledger opens has the two-argument fts3_tokenizer turned off")
    func ftsTokenizerIsOff() throws {
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        #expect(sqlite3_open(":memory:", &connection) == SQLITE_OK)
        let handle = try #require(connection)
        #expect(SQLiteHardening.apply(to: handle, defensive: true))
        #expect(SQLiteHardening.fts3TokenizerEnabled(handle) == false)
    }

    @Test("the user SQL policy allows reads and reporting PRAGMAs and denies escapes and writes")
    func authorizerPolicy() {
        typealias A = UserSQLAuthorizer
        #expect(A.denial(SQLITE_SELECT, nil, nil) == nil)
        #expect(A.denial(SQLITE_READ, "rate_log", "rate") == nil)
        #expect(A.denial(SQLITE_FUNCTION, nil, "count") == nil)
        #expect(A.denial(SQLITE_PRAGMA, "table_info", "runs") == nil)
        #expect(A.denial(SQLITE_PRAGMA, "user_version", nil) == nil)
        #expect(A.denial(SQLITE_PRAGMA, "user_version", "3") != nil)
        #expect(A.denial(SQLITE_PRAGMA, "optimize", nil) != nil)
        #expect(A.denial(SQLITE_FUNCTION, nil, "FTS3_TOKENIZER") != nil)
        #expect(A.denial(SQLITE_FUNCTION, nil, "load_extension") != nil)
        #expect(A.denial(SQLITE_ATTACH, "x.db", nil) == .escape("ATTACH"))
        #expect(A.denial(SQLITE_DETACH, "x", nil) == .escape("DETACH"))
        #expect(A.denial(SQLITE_INSERT, "rate_log", nil) != nil)
        #expect(A.denial(SQLITE_DELETE, "rate_log", nil) != nil)
        #expect(A.denial(SQLITE_CREATE_TEMP_TABLE, "t", nil) != nil)
        #expect(A.denial(9999, nil, nil) != nil, "an action this build does not know is denied")
    }
}
