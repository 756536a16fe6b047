import Foundation

/// Why checkpoint bytes could not be restored.
///
/// The message is one sentence a user can act on. New codes may be added; switch over
/// `code` with a default.
public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The bytes do not start with the checkpoint magic: not an lrledger checkpoint.
        case badMagic
        /// The format version is one this build cannot read (written by a newer build).
        case unsupportedVersion
        /// The bytes end before the length the header announces.
        case truncated
        /// There are bytes after the checksum.
        case trailingBytes
        /// The trailing SHA-256 does not match the content: the bytes were altered.
        case checksumMismatch
        /// The header names a workload kind this build does not know.
        case unknownKind
        /// The checksum holds but a field has an impossible value.
        case corrupt
        /// A valid checkpoint of a different run: other settings, data set or model.
        case mismatch
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
