import Foundation
import GRDBSQLite

/// Connection settings that close SQLite's known escape hatches, applied to every
/// connection the ledger opens and checked before user SQL runs.
///
/// Debian's SQLite is built with `SQLITE_ENABLE_FTS3_TOKENIZER`: the two-argument
/// `fts3_tokenizer(name, pointer)` then installs a tokenizer from a raw pointer, and a
/// later MATCH calls whatever address it holds. Turning off
/// `SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER` disables that form; `UserSQLAuthorizer`
/// refuses the function in every form (the one-argument form leaks a pointer).
///
/// `sqlite3_db_config` is variadic, which Swift cannot call, so it is looked up and
/// called through a fixed prototype; its integer and pointer arguments are passed the
/// same way on the platforms lrledger runs on (x86-64 and AArch64 Linux).
enum SQLiteHardening {
    private typealias IntConfig = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<Int32>?) -> Int32

    private static let dbConfig: IntConfig? = {
        guard let symbol = dlsym(nil, "sqlite3_db_config") else { return nil }
        return unsafeBitCast(symbol, to: IntConfig.self)
    }()

    /// Turns off the two-argument `fts3_tokenizer` and the `load_extension` SQL function,
    /// allows no attached database, and, when `defensive`, turns on defensive mode (no
    /// writes to shadow tables or the schema by SQL; for connections that run user SQL).
    ///
    /// - returns: true when every setting reads back as asked.
    @discardableResult
    static func apply(to connection: OpaquePointer, defensive: Bool = false) -> Bool {
        guard let dbConfig else { return false }
        var settings: [(Int32, Int32)] = [
            (SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0), (SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0),
        ]
        if defensive { settings.append((SQLITE_DBCONFIG_DEFENSIVE, 1)) }
        var allSet = true
        for (option, value) in settings {
            var now: Int32 = -1
            if dbConfig(connection, option, value, &now) != SQLITE_OK || now != value { allSet = false }
        }
        // Nothing may be attached to a connection lrledger opened.
        sqlite3_limit(connection, SQLITE_LIMIT_ATTACHED, 0)
        return allSet
    }

    /// Whether the two-argument `fts3_tokenizer` is enabled on `connection`; nil when
    /// it cannot be told.
    static func fts3TokenizerEnabled(_ connection: OpaquePointer) -> Bool? {
        guard let dbConfig else { return nil }
        var now: Int32 = -1
        guard dbConfig(connection, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, -1, &now) == SQLITE_OK else { return nil }
        return now != 0
    }

    /// Turns triggers on or off for the statements `connection` prepares from now on;
    /// returns whether the setting reads back as asked (false: triggers keep running).
    @discardableResult
    static func setTriggers(_ enabled: Bool, on connection: OpaquePointer) -> Bool {
        guard let dbConfig else { return false }
        var now: Int32 = -1
        let value: Int32 = enabled ? 1 : 0
        return dbConfig(connection, SQLITE_DBCONFIG_ENABLE_TRIGGER, value, &now) == SQLITE_OK && now == value
    }
}
