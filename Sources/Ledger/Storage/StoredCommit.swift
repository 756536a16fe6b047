/// One writer's commit, as the rules hand it to a store: every write it makes, and the
/// two fences it must pass, so a store may send it whole (PostgreSQL: one round trip)
/// or make its writes in turn in one transaction (SQLite).
///
/// In one write transaction, in this order: refresh the heartbeat of the open segment
/// `segmentID` (refused with `CommitRefusal.segmentClosed` when another process closed
/// it); move the run's step counter from `expectedStep` to `step` (refused with
/// `.stepMoved` when it is no longer `expectedStep`); insert `rows` (a step already
/// stored throws `DuplicateStep`); store `checkpoint` and prune the oldest beyond
/// `keepCheckpoints`; append `link` to the run's chain.
struct StoredCommit {
    var runID: Int64
    var segmentID: Int64
    var now: String
    var expectedStep: Int64
    var step: Int64
    /// Valid only during the `commit` call.
    var rows: UnsafeBufferPointer<LoggedRate>
    var checkpoint: StoredCheckpoint?
    var keepCheckpoints: Int
    var link: ChainLink
}

/// A commit a store refused at one of its fences: nothing of it was written.
enum CommitRefusal: Error {
    /// The writer's segment was closed by another process (a takeover).
    case segmentClosed
    /// The run's step counter is no longer the one the writer committed last.
    case stepMoved
}
