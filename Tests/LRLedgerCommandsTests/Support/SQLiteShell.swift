import Foundation
import TestSupport

/// Runs the `sqlite3` shell, as a user of plain SQL would, and returns what it prints.
enum SQLiteShell {
    /// Runs `sql` with `sqlite3 -readonly` (a missing file is an error, never created).
    static func query(_ database: String, _ sql: String, arguments: [String] = []) throws -> String {
        try run(database, sql, arguments: ["-readonly"] + arguments)
    }

    /// Runs `sql` read-write, for tests that tamper with a ledger on purpose.
    static func modify(_ database: String, _ sql: String) throws -> String {
        try run(database, sql, arguments: [])
    }

    private static func run(_ database: String, _ sql: String, arguments: [String]) throws -> String {
        let result = try TestSupport.run("sqlite3", arguments + [database, sql])
        guard result.status == 0 else {
            throw ShellError(description: "sqlite3 failed: \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ShellError: Error, CustomStringConvertible {
        let description: String
    }
}
