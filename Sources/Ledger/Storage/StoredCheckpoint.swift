/// A checkpoint as a store holds it; any field but the step may have been edited.
struct StoredCheckpoint {
    var step: Int64
    var state: [UInt8]
    var sha256: String?
    var segmentID: Int64?
    var createdAt: String
    var file: String?
    var fileSize: Int64?
    var trainerState: String?

    /// The checkpoint as the public API shows it.
    ///
    /// - parameter run: the run's name, for the message of a time that does not parse.
    /// - throws: `LedgerError` `.corrupt` naming a time edited outside lrledger.
    func checkpoint(run: String) throws -> Checkpoint {
        Checkpoint(
            step: step, state: state, sha256: sha256 ?? "",
            createdAt: try Timestamp.stored(createdAt, run: run, column: "checkpoint.created_at"),
            file: file.map { CheckpointFile(path: $0, size: fileSize ?? -1, sha256: sha256 ?? "") },
            trainerState: trainerState)
    }
}
