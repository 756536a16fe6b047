import Foundation
import Logging

/// A ledger: runs, their schedules, segments, logged rates and checkpoints, kept in a
/// store (an SQLite file, the embedded default, or a PostgreSQL database a fleet of
/// trainers shares: see `init(location:configuration:logger:)`).
///
/// Open it read-write with `init(path:configuration:logger:)` to train (it creates
/// and migrates the file), or with `openReadOnly(path:busyTimeout:logger:)` to list, show, audit
/// or query (it never writes and never creates a file). Both refuse, with a clear
/// message and without writing a byte, a file that is not an SQLite database, is
/// truncated, was made by a newer lrledger, or whose migrations differ from this
/// build's.
///
/// ```swift
/// let ledger = try Ledger(path: "lrledger.sqlite")
/// try ledger.withRun(AttachRequest(run: "demo", defaultSchedule: schedule, targetSteps: 1000)) { writer in
///     for step in writer.resumeStep..<1000 {
///         writer.log(step: step, rate: writer.schedule.rate(at: step))
///         if (step + 1) % 100 == 0 { try writer.commit(step: step + 1, state: modelState()) }
///     }
/// }
/// ```
///
/// The ledger's rules (attach planning, commit fencing, liveness, audit) live here and
/// in `RunWriter`; they speak to the store only through typed records
/// (`LedgerTransaction`), never SQL, so every store keeps the same semantics.
///
/// A `Ledger` is safe to share between threads and tasks; each `RunWriter` it hands
/// out is for one task at a time.
public final class Ledger: Sendable {
    /// Where the ledger is: the database file's path.
    public var location: String { store.location }
    /// True when opened with `openReadOnly(path:busyTimeout:logger:)`.
    public var isReadOnly: Bool { store.isReadOnly }
    /// The configuration the ledger was opened with.
    public let configuration: LedgerConfiguration
    /// True once this ledger's first write made it: there was no ledger at its location.
    public var isNew: Bool { store.createdLedger }

    let store: any LedgerStore
    let logger: Logger

    init(store: any LedgerStore, configuration: LedgerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the ledger at `path` for reading and writing.
    ///
    /// A file that does not exist yet, or that an older lrledger made, is created or
    /// migrated by the first write (an attach, say): until then nothing is written, a
    /// missing file reads as an empty ledger, and an attach that is refused leaves the
    /// folder as it was. The database is in WAL mode with the configured busy timeout
    /// and durability. Nothing is written when the file is refused.
    ///
    /// - parameter path: the database file; its directory must exist.
    /// - parameter configuration: durability, busy timeout, checkpoints kept, lease timeout.
    /// - parameter logger: where the ledger logs migrations, recovered crashes and rewinds.
    /// - throws: `LedgerError` with `.notADatabase`, `.notALedger`, `.corrupt`,
    ///   `.newerSchema`, `.migrationChecksumMismatch`, `.cannotOpen`, `.readOnly` (the
    ///   file or its folder is not writable), `.invalidArgument` (configuration) or
    ///   `.storeFailure`.
    public convenience init(
        path: String, configuration: LedgerConfiguration = LedgerConfiguration(),
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws {
        try configuration.validate()
        let store = try SQLiteStore.openReadWrite(path: path, configuration: configuration, logger: logger)
        self.init(store: store, configuration: configuration, logger: logger)
    }

    /// Opens the ledger at `path` for reading only: `runs`, `run(named:)`, `history`,
    /// `audit` and `query` work; `attach` is refused. The connection is opened with
    /// `SQLITE_OPEN_READONLY`, so no statement can modify the file, and a missing file
    /// is not created.
    ///
    /// - parameter path: an existing ledger file.
    /// - parameter busyTimeout: seconds to wait for another connection's lock, as
    ///   `LedgerConfiguration.busyTimeout` (a reader waits only for a program holding
    ///   the file in exclusive locking mode, or recovering its log).
    /// - parameter logger: where the ledger logs.
    /// - throws: `LedgerError` with `.fileNotFound`, `.notADatabase`, `.notALedger`,
    ///   `.corrupt`, `.newerSchema`, `.olderSchema`, `.migrationChecksumMismatch`,
    ///   `.busy`, `.invalidArgument` (busy timeout).
    public static func openReadOnly(
        path: String, busyTimeout: Double = LedgerConfiguration().busyTimeout,
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws -> Ledger {
        let configuration = LedgerConfiguration(busyTimeout: busyTimeout)
        try configuration.validate()
        let store = try SQLiteStore.openReadOnly(path: path, busyTimeout: busyTimeout, logger: logger)
        return Ledger(store: store, configuration: configuration, logger: logger)
    }

    /// Closes the ledger's connections now rather than when the ledger is released.
    /// Later calls fail. Writers should be closed first.
    ///
    /// A read-write ledger checkpoints its write-ahead log first, and when no other
    /// connection uses the file, SQLite then removes the `-wal` and `-shm` files, as
    /// it does when the ledger is released. A read-only ledger does the same for log
    /// files that did not exist when it opened the file, so `runs` or a refused command
    /// leave the folder as they found it.
    ///
    /// - throws: `LedgerError` when a connection cannot close (a statement still runs).
    public func close() throws {
        try store.close()
    }

    /// The largest checkpoint state, in bytes, a commit can store inline: SQLite's
    /// limit on a value's length (`SQLITE_LIMIT_LENGTH`, 1,000,000,000 in Debian's
    /// build), less room for the rest of the checkpoint's row.
    ///
    /// A trainer checks its model against this before training, so that a model too
    /// big to commit is refused at once rather than after hours of training.
    ///
    /// ```swift
    /// if state.count > Ledger.maximumCheckpointBytes { throw ... }
    /// ```
    public static var maximumCheckpointBytes: Int { SQLiteStore.maximumValueBytes }
}
