/// A file checkpoint an attach passed over because its file is missing or damaged; the
/// run resumed from an earlier checkpoint (or from its start) instead.
public struct DiscardedCheckpoint: Sendable, Hashable {
    /// The step the checkpoint was committed at.
    public let step: Int64
    /// The reference as committed.
    public let file: CheckpointFile
    /// What is wrong with the file.
    public let problem: CheckpointFolder.Problem
}
