/// How a ledger opens its database and keeps its runs.
///
/// ```swift
/// var configuration = LedgerConfiguration()
/// configuration.durability = .full      // fsync at every commit
/// configuration.keepCheckpoints = 5
/// let ledger = try Ledger(path: "lrledger.sqlite", configuration: configuration)
/// ```
public struct LedgerConfiguration: Sendable, Equatable {
    /// What a commit survives.
    public enum Durability: String, Sendable, Equatable {
        /// `PRAGMA synchronous = NORMAL` in WAL mode: a commit survives a process
        /// crash; a power loss may undo the last commits, never corrupting the file.
        case normal
        /// `PRAGMA synchronous = FULL`: a commit also survives a power loss, at the
        /// cost of an fsync per commit.
        case full
    }

    /// What a commit survives. Default `.normal`.
    public var durability: Durability
    /// How long, in seconds, a statement waits for another connection's lock before
    /// failing with `LedgerError.Code.busy`. Default 5, at most 86400.
    public var busyTimeout: Double
    /// How many checkpoints each run keeps; older ones are deleted by the commit that
    /// adds a new one. Default 3, at least 1.
    public var keepCheckpoints: Int
    /// How long, in seconds, a writer on another host stays presumed alive after its
    /// last heartbeat (each commit is one). After that, an attach closes its segment as
    /// crashed. Default 900 (15 minutes).
    public var leaseTimeout: Double

    /// Creates a configuration; every argument has the documented default.
    public init(
        durability: Durability = .normal, busyTimeout: Double = 5, keepCheckpoints: Int = 3,
        leaseTimeout: Double = 900
    ) {
        self.durability = durability
        self.busyTimeout = busyTimeout
        self.keepCheckpoints = keepCheckpoints
        self.leaseTimeout = leaseTimeout
    }

    /// Refuses values that make no sense, naming the field and the value.
    func validate() throws {
        // SQLite takes the timeout in milliseconds as a 32-bit integer.
        guard busyTimeout.isFinite, busyTimeout >= 0, busyTimeout <= 86_400 else {
            throw LedgerError(
                .invalidArgument, "busyTimeout must be a number of seconds from 0 to 86400, got \(busyTimeout)")
        }
        guard keepCheckpoints >= 1 else {
            throw LedgerError(.invalidArgument, "keepCheckpoints must be at least 1, got \(keepCheckpoints)")
        }
        guard leaseTimeout.isFinite, leaseTimeout > 0 else {
            throw LedgerError(.invalidArgument, "leaseTimeout must be a number of seconds > 0, got \(leaseTimeout)")
        }
    }
}
