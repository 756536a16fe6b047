/// A checkpoint: the model/optimizer state committed with the step counter.
///
/// The state is opaque to the ledger; its SHA-256 is checked when the checkpoint is
/// read back for a resume.
public struct Checkpoint: Sendable, Hashable {
    /// The step counter committed with the state: the next update uses `schedule(step)`.
    public let step: Int64
    /// The state bytes, exactly as committed.
    public let state: [UInt8]
    /// Lowercase hex SHA-256 of `state`.
    public let sha256: String
    /// When it was committed (ISO-8601 UTC with milliseconds).
    public let createdAt: String

    public init(step: Int64, state: [UInt8], sha256: String, createdAt: String) {
        self.step = step
        self.state = state
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}
