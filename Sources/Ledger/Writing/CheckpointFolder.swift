import Crypto
import Foundation

/// The folder where a trainer keeps its checkpoint files: checks a file against the
/// size and SHA-256 the ledger holds for it, and removes files the ledger dropped.
///
/// An attach given a folder (`AttachRequest.checkpointFolder`) verifies each file
/// checkpoint before it resumes from it; one that is missing, of another size or with
/// another digest is discarded and the attach falls back to the one before it, a
/// recorded rewind, so a damaged file never becomes a crash loop.
///
/// ```swift
/// let folder = CheckpointFolder(path: "checkpoints")
/// let file = try folder.describe("ckpt-000100.npz")   // size and SHA-256, read from disk
/// try writer.commit(step: 100, file: file, trainerState: #"{"epoch": 3}"#)
/// ```
public struct CheckpointFolder: Sendable, Hashable {
    /// The folder, as given (relative to the working directory or absolute).
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Why a referenced file cannot be used.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case missing
        case unreadable(String)
        case sizeDiffers(expected: Int64, found: Int64)
        case digestDiffers(expected: String, found: String)

        public var description: String {
            switch self {
            case .missing: "the file does not exist"
            case .unreadable(let reason): "the file cannot be read (\(reason))"
            case .sizeDiffers(let expected, let found): "the file has \(found) bytes, not the \(expected) committed"
            case .digestDiffers(let expected, let found):
                "the file's SHA-256 is \(found), not the \(expected) committed"
            }
        }
    }

    /// The full path of a file named relative to the folder, refusing names that leave it.
    ///
    /// - throws: `LedgerError` `.invalidArgument` for an empty, absolute or `..` path.
    public func location(of relative: String) throws -> String {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0"),
            !parts.contains(where: { $0 == ".." || $0.isEmpty })
        else {
            throw LedgerError(
                .invalidArgument,
                "checkpoint file \(relative.debugDescription) must be a path inside the checkpoint folder \(path), without .. or a leading /"
            )
        }
        return path.hasSuffix("/") ? path + relative : path + "/" + relative
    }

    /// Reads the file and returns its reference: path, size and SHA-256.
    ///
    /// - throws: `LedgerError` `.invalidArgument` when the file is missing or unreadable.
    public func describe(_ relative: String) throws -> CheckpointFile {
        let full = try location(of: relative)
        switch Self.digest(of: full) {
        case .success(let (size, digest)):
            return CheckpointFile(path: relative, size: size, sha256: digest)
        case .failure(let problem):
            throw LedgerError(.invalidArgument, "checkpoint file \(full): \(problem)")
        }
    }

    /// Checks a referenced file against its committed size and SHA-256.
    ///
    /// - returns: nil when the file is the one committed, else what is wrong with it.
    public func problem(with file: CheckpointFile) -> Problem? {
        guard let full = try? location(of: file.path) else { return .unreadable("its path leaves the folder") }
        switch Self.digest(of: full) {
        case .failure(let problem):
            return problem
        case .success(let (size, digest)):
            if size != file.size { return .sizeDiffers(expected: file.size, found: size) }
            if digest != file.sha256 { return .digestDiffers(expected: file.sha256, found: digest) }
            return nil
        }
    }

    /// Removes a file the ledger no longer references; a missing file is not an error.
    ///
    /// - returns: true when a file was removed.
    @discardableResult
    public func remove(_ relative: String) -> Bool {
        guard let full = try? location(of: relative) else { return false }
        return unlink(full) == 0
    }

    /// Size and SHA-256 of a file, streamed in 1 MiB blocks.
    static func digest(of path: String) -> Result<(Int64, String), Problem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.unreadable("not a regular file"))
        }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            size += Int64(count)
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return .success((size, SHA256Hex.hex(hasher.finalize())))
    }
}
