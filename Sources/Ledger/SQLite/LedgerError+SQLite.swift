import GRDB

extension LedgerError {
    /// Translates an SQLite error into a `LedgerError` whose message says what failed
    /// and what to do.
    ///
    /// - parameter error: the GRDB error.
    /// - parameter path: the database file, named in the message.
    /// - parameter action: what the ledger was doing, as a verb phrase ("commit step 1200 of run demo").
    init(_ error: DatabaseError, path: String, action: String) {
        let detail = error.message ?? "\(error.resultCode)"
        let code = error.extendedResultCode.rawValue
        switch error.resultCode {
        case .SQLITE_FULL:
            self.init(
                .databaseFull,
                "cannot \(action): the disk holding \(path) is full; free some space and retry (nothing from this attempt was saved)",
                storeCode: code)
        case .SQLITE_READONLY:
            self.init(
                .readOnly,
                "cannot \(action): \(path) is open read-only or its file or directory is not writable (\(detail))",
                storeCode: code)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                .busy,
                "cannot \(action): \(path) stayed locked by another connection for longer than the busy timeout; retry, or raise the busy timeout",
                storeCode: code)
        case .SQLITE_NOTADB:
            self.init(
                .notADatabase,
                "\(path) is not an SQLite database (\(detail)); lrledger left it unchanged: pass the path of a ledger, or a new file name",
                storeCode: code)
        case .SQLITE_CORRUPT:
            self.init(
                .corrupt,
                "\(path) is damaged (\(detail)) and cannot \(action); lrledger left it unchanged: restore it from a backup",
                storeCode: code)
        case .SQLITE_CANTOPEN:
            if let (folder, reason) = DatabasePreflight.unwritableFolder(of: path) {
                // Even a reader must create the -shm file of a WAL database beside it.
                self.init(
                    .cannotOpen,
                    "cannot open \(path): its folder \(folder) is not writable (\(reason)) and SQLite must create the database's -shm file there; make the folder writable, or copy the ledger (with its -wal file, if any) to a writable folder",
                    storeCode: code)
            } else {
                self.init(
                    .cannotOpen,
                    "cannot open \(path): check that the file's directory exists and that you may read and write it",
                    storeCode: code)
            }
        case .SQLITE_IOERR:
            self.init(
                .io, "I/O error on \(path) while trying to \(action) (\(detail)); check the disk and retry",
                storeCode: code)
        case .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                .readOnly, "cannot \(action): permission denied on \(path) (\(detail))", storeCode: code)
        default:
            self.init(.storeFailure, "cannot \(action): SQLite error on \(path): \(detail)", storeCode: code)
        }
    }

    /// Runs `body`, translating SQLite errors into `LedgerError`s; other errors pass unchanged.
    ///
    /// - parameter path: the database file, named in messages.
    /// - parameter action: what `body` does, as a verb phrase.
    /// - throws: `LedgerError`, or whatever `body` throws that is not a `DatabaseError`.
    static func translating<T>(path: String, _ action: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw LedgerError(error, path: path, action: action())
        }
    }
}
