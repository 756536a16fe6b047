import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3"] + arguments + [database, sql]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ShellError(description: "sqlite3 failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ShellError: Error, CustomStringConvertible {
        let description: String
    }
}
