/// A checkpoint: the model/optimizer state committed with the step counter.
///
/// The state is opaque to the ledger. It is kept inline (`state`, for small states such
/// as the built-in trainer's) or as a file in the trainer's checkpoint folder (`file`,
/// for real models), with `state` empty. Either way `sha256` is the digest of the
/// state's bytes, checked before a resume.
public struct Checkpoint: Sendable, Hashable {
    /// The step counter committed with the state: the next update uses `schedule(step)`.
    public let step: Int64
    /// The state bytes, exactly as committed; empty for a file checkpoint.
    public let state: [UInt8]
    /// Lowercase hex SHA-256 of the state (of the file, for a file checkpoint).
    public let sha256: String
    /// When it was committed.
    public let createdAt: Timestamp
    /// The file holding the state, or nil when it is inline.
    public let file: CheckpointFile?
    /// The trainer's small JSON committed with the checkpoint (epoch, data position), if any.
    public let trainerState: String?

    public init(
        step: Int64, state: [UInt8], sha256: String, createdAt: Timestamp, file: CheckpointFile? = nil,
        trainerState: String? = nil
    ) {
        self.step = step
        self.state = state
        self.sha256 = sha256
        self.createdAt = createdAt
        self.file = file
        self.trainerState = trainerState
    }

    /// The size of the state in bytes, wherever it is kept.
    public var byteCount: Int64 {
        file?.size ?? Int64(state.count)
    }
}
