import Foundation
import GRDBSQLite

/// The `sqlite3_set_authorizer` policy for SQL a user types (`lrledger sql`): reading
/// the ledger is allowed; writing, attaching other files and SQLite's escape hatches
/// are not.
///
/// Allowed: SELECT, reads of any table or view, recursive CTEs, transactions and
/// savepoints, SQL functions except the denied ones, and PRAGMAs that only report
/// (`table_info(runs)`, `user_version`, `integrity_check`, ...). Denied, each with the
/// reason kept for the error message: ATTACH and DETACH (another file, or a new one),
/// `fts3_tokenizer` (calls a raw pointer), `load_extension` (runs native code), any
/// statement that writes (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ANALYZE,
/// REINDEX, virtual tables), PRAGMAs that set a value, and any action SQLite adds
/// later that this list does not know.
///
/// SQLite calls the policy while it compiles each statement, including the views and
/// triggers a statement uses, so a view cannot smuggle a denied function in.
final class UserSQLAuthorizer {
    /// Why the last statement was denied.
    enum Denial: Equatable {
        /// A statement that would write: what it would do, for the message.
        case write(String)
        /// An escape: ATTACH, a denied function or PRAGMA, an unknown action.
        case escape(String)
    }

    /// The first denial since the last `reset()`.
    private(set) var denial: Denial?

    static let deniedFunctions: Set<String> = ["fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"]

    /// PRAGMAs that only report, with or without an argument (a table or index name).
    static let reportingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check", "database_list", "collation_list", "function_list",
        "module_list", "pragma_list", "compile_options",
    ]

    /// PRAGMAs that report a setting when given no value (and set it when given one).
    static let settingPragmas: Set<String> = [
        "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count", "encoding",
        "journal_mode", "data_version", "foreign_keys", "auto_vacuum", "cache_size", "max_page_count", "synchronous",
        "busy_timeout", "query_only", "temp_store", "locking_mode", "wal_autocheckpoint", "secure_delete",
        "recursive_triggers", "automatic_index", "defer_foreign_keys", "cell_size_check", "trusted_schema",
        "legacy_alter_table", "mmap_size", "soft_heap_limit", "hard_heap_limit", "threads", "analysis_limit",
    ]

    func reset() { denial = nil }

    /// Installs this policy on `connection`; keep the authorizer alive while it is installed.
    func install(on connection: OpaquePointer) {
        sqlite3_set_authorizer(
            connection,
            { context, action, first, second, _, _ in
                guard let context else { return SQLITE_DENY }
                let authorizer = Unmanaged<UserSQLAuthorizer>.fromOpaque(context).takeUnretainedValue()
                return authorizer.authorize(
                    action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The decision for one action; records the first denial.
    func authorize(_ action: Int32, _ first: String?, _ second: String?) -> Int32 {
        if let reason = Self.denial(action, first, second) {
            if denial == nil { denial = reason }
            return SQLITE_DENY
        }
        return SQLITE_OK
    }

    /// Nil when allowed, else why not.
    static func denial(_ action: Int32, _ first: String?, _ second: String?) -> Denial? {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE, SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return nil
        case SQLITE_FUNCTION:
            let name = (second ?? "").lowercased()
            return deniedFunctions.contains(name) ? .escape("the function \(name)()") : nil
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if reportingPragmas.contains(name) { return nil }
            if settingPragmas.contains(name), second == nil { return nil }
            return second == nil
                ? .escape("PRAGMA \(name)") : .escape("PRAGMA \(name) = \(second ?? "") (a PRAGMA that sets a value)")
        case SQLITE_ATTACH: return .escape("ATTACH")
        case SQLITE_DETACH: return .escape("DETACH")
        case SQLITE_UPDATE where first == "sqlite_master" || first == "sqlite_temp_master":
            // Asked while SQLite sets up a table-valued PRAGMA (pragma_table_info('runs')).
            // A real change of the schema is refused by the read-only connection, defensive
            // mode and sqlite3_stmt_readonly.
            return nil
        case SQLITE_INSERT where first == "sqlite_master" || first == "sqlite_temp_master":
            return .write("change the schema")
        case SQLITE_INSERT: return .write("INSERT into \(first ?? "a table")")
        case SQLITE_UPDATE: return .write("UPDATE \(first ?? "a table")")
        case SQLITE_DELETE: return .write("DELETE from \(first ?? "a table")")
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_TABLE,
            SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW,
            SQLITE_CREATE_VTABLE:
            return .write("CREATE \(first ?? "")".trimmingCharacters(in: .whitespaces))
        case SQLITE_DROP_INDEX, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_TABLE,
            SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW, SQLITE_DROP_VTABLE:
            return .write("DROP \(first ?? "")".trimmingCharacters(in: .whitespaces))
        case SQLITE_ALTER_TABLE: return .write("ALTER TABLE")
        case SQLITE_REINDEX: return .write("REINDEX")
        case SQLITE_ANALYZE: return .write("ANALYZE")
        default: return .escape("SQLite action \(action)")
        }
    }
}
