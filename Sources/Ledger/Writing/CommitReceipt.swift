/// What one commit wrote: the new step counter, how many logged rows it stored, and the
/// files of checkpoints it dropped beyond the kept count (to remove after the commit).
public struct CommitReceipt: Sendable, Hashable {
    /// The step counter now committed.
    public let step: Int64
    /// Rate rows written by this commit.
    public let rows: Int
    /// Files (relative to the checkpoint folder) of file checkpoints this commit dropped.
    public let droppedFiles: [String]
}
