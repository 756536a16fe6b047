/// A checkpoint kept as a file: what the ledger commits with the step counter when a
/// trainer's state is too large to keep inline (a Keras or PyTorch model).
///
/// The file lives in the trainer's checkpoint folder; `path` is relative to it, so the
/// folder can move with its ledger. The trainer writes the file under a temporary name,
/// syncs it and renames it before it commits the reference; a resume checks `size` and
/// `sha256` before the state is loaded (see `CheckpointFolder`).
public struct CheckpointFile: Sendable, Hashable {
    /// The file's path relative to the checkpoint folder: no `..`, not absolute.
    public let path: String
    /// The file's size in bytes.
    public let size: Int64
    /// Lowercase hex SHA-256 of the file's bytes.
    public let sha256: String

    public init(path: String, size: Int64, sha256: String) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}
