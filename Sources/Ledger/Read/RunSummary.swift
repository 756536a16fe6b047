import Schedules

/// One run as listed by `Ledger.runs()`: a row of the `runs` view.
public struct RunSummary: Sendable, Hashable {
    /// The run's unique name.
    public let name: String
    /// `running`, `interrupted`, `finished`, `failed` or `crashed`; as read through the
    /// ledger, judged by the liveness of the open segment's holder (`running?` while it
    /// cannot be checked but its heartbeat is within the lease, `crashed` once it is gone).
    public let status: RunStatus
    /// The open segment's last heartbeat, when a segment is open.
    public let lastHeartbeat: Timestamp?
    /// The committed step counter: the next update uses `schedule(step)`.
    public let step: Int64
    /// The target step count the last attach asked for.
    public let targetSteps: Int64
    /// The schedule in force now, as canonical Keras JSON.
    public let schedule: String
    /// The schedule's dtype.
    public let dtype: DType
    /// When the run was created.
    public let createdAt: Timestamp
    /// When the run last changed.
    public let updatedAt: Timestamp

    public init(
        name: String, status: RunStatus, step: Int64, targetSteps: Int64, schedule: String, dtype: DType,
        createdAt: Timestamp, updatedAt: Timestamp, lastHeartbeat: Timestamp? = nil
    ) {
        self.lastHeartbeat = lastHeartbeat
        self.name = name
        self.status = status
        self.step = step
        self.targetSteps = targetSteps
        self.schedule = schedule
        self.dtype = dtype
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
