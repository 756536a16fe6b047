/// What `Ledger.deleteRun(named:)` deleted: the `deleted_run` record it kept.
public struct DeletedRun: Sendable, Hashable {
    /// The run's name.
    public let name: String
    /// Its status and committed step counter when it was deleted.
    public let status: String
    public let step: Int64
    /// Canonical rate rows, rows in the audit trail, segments and kept checkpoints deleted.
    public let rateRows: Int64
    public let supersededRows: Int64
    public let segments: Int64
    public let checkpoints: Int64
    /// The digest of the run's last chain link, or nil when it had none.
    public let chainHead: String?
    /// When it was deleted.
    public let deletedAt: Timestamp
}
