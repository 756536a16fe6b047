import Foundation
import GRDB
import GRDBSQLite

/// Looks at a database file before the ledger opens it for real, without writing a
/// byte: the header, the schema, the applied migrations and their checksums.
///
/// A read-write open switches the file to WAL and may migrate it; both are writes,
/// so everything that can refuse the file is decided here first, on a read-only
/// (and, when no write-ahead log is pending, immutable) SQLite connection.
enum DatabasePreflight {
    /// What the file is.
    enum Inspection: Equatable {
        /// No file at the path.
        case missing
        /// A zero-length file, an SQLite database without any table, or one with only the
        /// migration bookkeeping and no migration applied: a new ledger.
        case empty
        /// A ledger; `pending` lists the known migrations it still lacks.
        case ledger(pending: [String])
    }

    /// Inspects the file at `path`.
    ///
    /// - throws: `LedgerError` with `.notADatabase`, `.corrupt`, `.notALedger`,
    ///   `.newerSchema`, `.migrationChecksumMismatch` or `.cannotOpen`; the file is
    ///   left byte-for-byte unchanged.
    /// - parameter busyTimeout: seconds to wait for another connection's lock (a
    ///   writer recovering the log, for instance).
    static func inspect(path: String, busyTimeout: Double) throws -> Inspection {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .missing }
            throw LedgerError(
                .cannotOpen,
                "cannot read \(path): \(String(cString: strerror(errno))); check the path and its permissions")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw LedgerError(.cannotOpen, "\(path) is not a regular file; pass the path of a ledger database file")
        }
        let size = Int64(info.st_size)
        if size == 0 { return .empty }
        try checkHeader(path: path, size: size)
        return try inspectSchema(path: path, busyTimeout: busyTimeout)
    }

    // MARK: - Header

    /// Checks SQLite's 100-byte header and that the file is as long as the header says.
    private static func checkHeader(path: String, size: Int64) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.cannotOpen, "cannot read \(path); check its permissions")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let magic = Array("SQLite format 3\u{0}".utf8)
        if header.count < 100, header.count >= magic.count, Array(header[0..<16]) == magic {
            throw LedgerError(
                .corrupt,
                "\(path) is truncated: it holds \(size) bytes, less than SQLite's 100-byte header; lrledger left it unchanged: restore it from a backup"
            )
        }
        guard header.count == 100, Array(header[0..<16]) == magic else {
            throw LedgerError(
                .notADatabase,
                "\(path) is not an SQLite database (it does not start with SQLite's header); lrledger left it unchanged: pass the path of a ledger, or a new file name"
            )
        }
        func bigEndian(_ offset: Int, _ count: Int) -> UInt64 {
            header[offset..<offset + count].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let rawPageSize = bigEndian(16, 2)
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            throw LedgerError(
                .corrupt,
                "\(path) has a damaged SQLite header (page size \(rawPageSize)); lrledger left it unchanged: restore it from a backup"
            )
        }
        // With a write-ahead log pending, the log may hold pages the file does not
        // have yet: SQLite's recovery decides.
        if walSize(path: path) > 0 { return }
        let pageCount = bigEndian(28, 4)
        let changeCounter = bigEndian(24, 4)
        let validFor = bigEndian(92, 4)
        let truncatedMessage =
            "\(path) is truncated: its header describes \(pageCount) pages of \(pageSize) bytes (\(pageCount * pageSize) bytes) but the file holds \(size) bytes; lrledger left it unchanged: restore it from a backup"
        if pageCount > 0, changeCounter == validFor, UInt64(size) < pageCount * pageSize {
            throw LedgerError(.corrupt, truncatedMessage)
        }
        if UInt64(size) % pageSize != 0 {
            throw LedgerError(
                .corrupt,
                "\(path) is truncated or damaged: its size, \(size) bytes, is not a whole number of \(pageSize)-byte pages; lrledger left it unchanged: restore it from a backup"
            )
        }
    }

    /// The size of the file's write-ahead log, 0 when there is none.
    static func walSize(path: String) -> Int64 {
        var info = stat()
        guard stat(path + "-wal", &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }

    // MARK: - Schema

    private static func inspectSchema(path: String, busyTimeout: Double) throws -> Inspection {
        // Immutable when no log is pending: SQLite then creates no -shm or -wal file.
        let immutable = walSize(path: path) == 0
        let uri = "file:" + uriEscaped(path) + (immutable ? "?immutable=1" : "")
        var connection: OpaquePointer?
        let openCode = sqlite3_open_v2(uri, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        defer { sqlite3_close_v2(connection) }
        guard openCode == SQLITE_OK, let connection else {
            throw translated(connection, code: openCode, path: path)
        }
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, Int32(clamping: Int64(busyTimeout * 1000)))
        // Any schema object (a view, a trigger) makes the file someone's database.
        let objects = try column(connection, path: path, "SELECT name FROM sqlite_master")
        if objects.isEmpty { return .empty }
        let tables = try column(connection, path: path, "SELECT name FROM sqlite_master WHERE type = 'table'")
        let tableSet = Set(tables)
        // GRDB creates grdb_migrations before the first migration's transaction: a
        // creation killed or out of space in between leaves it alone, and empty.
        let bookkeeping: Set = ["grdb_migrations", "lrledger_migration"]
        if objects.filter({ !$0.hasPrefix("sqlite_") }).allSatisfy(bookkeeping.contains),
            try !tableSet.contains("grdb_migrations")
                || column(connection, path: path, "SELECT identifier FROM grdb_migrations").isEmpty
        {
            return .empty
        }
        guard tableSet.contains("lrledger_migration"), tableSet.contains("grdb_migrations") else {
            let names = objects.filter { !$0.hasPrefix("sqlite_") }.sorted().prefix(5).joined(separator: ", ")
            throw LedgerError(
                .notALedger,
                "\(path) is an SQLite database but not an lrledger ledger (it has \(names) and no lrledger_migration table); lrledger left it unchanged: pass the path of a ledger, or a new file name"
            )
        }
        let applied = Set(try column(connection, path: path, "SELECT identifier FROM grdb_migrations"))
        let rows = try column(connection, path: path, "SELECT identifier || char(10) || sha256 FROM lrledger_migration")
        var checksums: [String: String] = [:]
        for row in rows {
            let parts = row.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            checksums[String(parts[0])] = String(parts[1])
        }
        return .ledger(pending: try LedgerMigrations.pending(path: path, applied: applied, checksums: checksums))
    }

    /// The first column of every row of `sql`, as text.
    private static func column(_ connection: OpaquePointer, path: String, _ sql: String) throws -> [String] {
        var statement: OpaquePointer?
        let prepareCode = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        guard prepareCode == SQLITE_OK, let statement else {
            throw translated(connection, code: prepareCode, path: path)
        }
        var values: [String] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return values }
            guard code == SQLITE_ROW else { throw translated(connection, code: code, path: path) }
            if let text = sqlite3_column_text(statement, 0) {
                values.append(String(cString: text))
            }
        }
    }

    private static func translated(_ connection: OpaquePointer?, code: Int32, path: String) -> LedgerError {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        let error = DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
        return LedgerError(error, path: path, action: "read its schema")
    }

    // MARK: - Log files

    /// Lets SQLite remove the `-wal` and `-shm` files of `path` when no connection uses
    /// them, by closing one more connection last, as SQLite removes them when the last
    /// connection to a WAL database closes.
    ///
    /// GRDB closes a pool's writer before its readers, and a read-only connection never
    /// removes them. When another process has the file open, SQLite keeps them. With an
    /// empty log nothing is written to the database file; a log another process left
    /// with commits in it is checkpointed, as its next opener would. Does nothing when
    /// the file or its folder cannot be written.
    static func removeLogFilesIfUnused(path: String) {
        guard
            FileManager.default.fileExists(atPath: path + "-wal")
                || FileManager.default.fileExists(atPath: path + "-shm"),
            access(path, W_OK) == 0, unwritableFolder(of: path) == nil
        else { return }
        var connection: OpaquePointer?
        if sqlite3_open_v2(fileName(path: path), &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK {
            sqlite3_busy_timeout(connection, 1000)
            // Reading the schema opens the log, which the close then removes.
            sqlite3_exec(connection, "PRAGMA schema_version", nil, nil, nil)
        }
        sqlite3_close(connection)
    }

    // MARK: - Read-only media

    /// Refuses, before SQLite opens anything, a database file or folder that cannot be
    /// written: SQLite would fall back to reading and fail later with a vaguer error.
    ///
    /// - throws: `LedgerError` `.readOnly` naming the file or folder and the reason.
    static func checkWritable(path: String) throws {
        let exists = access(path, F_OK) == 0
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !exists, access(folder, F_OK) != 0 {
            throw LedgerError(
                .cannotOpen,
                "cannot create \(path): the directory \(folder) does not exist; create it, or choose another path")
        }
        if exists, access(path, W_OK) != 0 {
            throw LedgerError(
                .readOnly,
                "cannot write to \(path): the file is read-only (\(String(cString: strerror(errno)))); lrledger changed nothing: make it writable, or read it with runs, show, history, audit or sql"
            )
        }
        // SQLite creates the -wal and -shm files beside the database.
        let logFilesExist = access(path + "-wal", W_OK) == 0 && access(path + "-shm", W_OK) == 0
        if !logFilesExist, let (folder, reason) = unwritableFolder(of: path) {
            throw LedgerError(
                .readOnly,
                exists
                    ? "cannot write to \(path): its folder \(folder) is not writable (\(reason)) and SQLite must create the database's -wal and -shm files there; lrledger changed nothing: make the folder writable, or read the ledger with runs, show, history, audit or sql"
                    : "cannot create \(path): its folder \(folder) is not writable (\(reason)); choose another path"
            )
        }
    }

    /// The folder holding `path` and why it cannot be written, or nil when it can (or
    /// does not exist, which SQLite reports itself).
    static func unwritableFolder(of path: String) -> (folder: String, reason: String)? {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        guard access(folder, W_OK) != 0, errno != ENOENT, errno != ENOTDIR else { return nil }
        return (folder, String(cString: strerror(errno)))
    }

    /// The name to open `path` read-only with: `path` itself, or, on a file system
    /// mounted read-only with no write-ahead log pending, an `immutable` URI.
    ///
    /// A read-only connection to a WAL database needs a `-shm` file, which it cannot
    /// create on read-only media (a backup on a read-only mount, a snapshot); nothing
    /// can change the file there, so SQLite may read it as immutable, without one.
    /// Needs an SQLite built with URI filenames (SQLITE_USE_URI, as Debian's is).
    static func readOnlyOpenName(path: String) -> String {
        var info = statvfs()
        guard walSize(path: path) == 0, statvfs(path, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0,
            sqlite3_compileoption_used("USE_URI") == 1
        else { return fileName(path: path) }
        return "file:" + uriEscaped(path) + "?immutable=1"
    }

    /// The name to give SQLite for the file at `path`, so that SQLite opens exactly that
    /// file: a relative path that starts with `file:` (which an SQLite built with
    /// SQLITE_USE_URI, as Debian's is, reads as a URI even without SQLITE_OPEN_URI) or
    /// with `:` (`:memory:`, a private in-memory database) gets a leading `./`.
    ///
    /// Every check before the open looks at `path` as a file; without this, `file:x.db?mode=...`
    /// would pass them as a missing file and SQLite would then open another one.
    static func fileName(path: String) -> String {
        guard !path.hasPrefix("/"), path.lowercased().hasPrefix("file:") || path.hasPrefix(":") else { return path }
        return "./" + path
    }

    /// Escapes the characters that have a meaning in an SQLite URI's path; an absolute
    /// path gets an empty authority (`file:///...`), so `//host/...` stays a path.
    private static func uriEscaped(_ path: String) -> String {
        var out = path.hasPrefix("/") ? "//" : ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "?": out += "%3f"
            case "#": out += "%23"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
