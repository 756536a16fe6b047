/// A damaged checkpoint an attach passed over and deleted, resuming from an earlier one
/// (or from the run's start): a file checkpoint whose file is missing or damaged, or an
/// inline state that no longer matches its SHA-256 when the attach asked to discard it.
public struct DiscardedCheckpoint: Sendable, Hashable {
    /// The step the checkpoint was committed at.
    public let step: Int64
    /// The SHA-256 committed for its state.
    public let sha256: String
    /// The file reference as committed, or nil for an inline state.
    public let file: CheckpointFile?
    /// What is wrong with it.
    public let problem: CheckpointFolder.Problem
}
