import Crypto
import Ledger

/// The binary envelope every workload state is stored in, and hashing helpers.
///
/// Layout (all integers little-endian, all floating-point values IEEE 754 bit patterns):
///
/// ```
/// offset  size  field
///      0     8  magic "LRLSTATE"
///      8     2  format version (1)
///     10     1  workload kind (0 = none, 1 = softmax)
///     11     1  reserved, 0
///     12     8  payload length P
///     20     P  payload (the workload's own fields, see its +Checkpoint file)
///   20+P    32  SHA-256 of bytes 0..<20+P
/// ```
///
/// A state holds no times, process ids or paths: equal training states give equal
/// bytes, so the SHA-256 of a checkpoint identifies a model state across machines.
public enum CheckpointFormat {
    /// The first eight bytes of every checkpoint.
    public static let magic: [UInt8] = Array("LRLSTATE".utf8)
    /// The format version this build writes and the only one it reads.
    public static let formatVersion: UInt16 = 1

    static let headerSize = 20
    static let checksumSize = 32

    /// Returns the lowercase hexadecimal SHA-256 of `bytes`.
    ///
    /// - parameter bytes: Any bytes, such as an encoded state or a data file.
    public static func sha256Hex(of bytes: [UInt8]) -> String {
        SHA256Hex.digest(bytes)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        SHA256Hex.hex(bytes)
    }

    /// Wraps a workload's payload in the header and trailing checksum.
    static func seal(kind: ModelKind, payload: [UInt8]) -> [UInt8] {
        var writer = CheckpointWriter(capacity: headerSize + payload.count + checksumSize)
        writer.append(raw: magic)
        writer.append(formatVersion)
        writer.append(kind.checkpointCode)
        writer.append(UInt8(0))
        writer.append(UInt64(payload.count))
        writer.append(raw: payload)
        var bytes = writer.bytes
        bytes.append(contentsOf: SHA256.hash(data: bytes))
        return bytes
    }

    /// Validates the envelope and returns the workload kind and a reader over its payload.
    ///
    /// Checks, in order: magic, version, length (truncated or trailing bytes), checksum,
    /// reserved byte, kind. So a truncated blob says "truncated" rather than "checksum".
    ///
    /// - throws: `CheckpointError` naming the first problem found.
    static func open(_ bytes: [UInt8]) throws -> (kind: ModelKind, payload: CheckpointReader) {
        let magicCount = min(bytes.count, magic.count)
        guard bytes.prefix(magicCount).elementsEqual(magic.prefix(magicCount)) else {
            throw CheckpointError(
                .badMagic, "the bytes are not an lrledger checkpoint (they do not start with \"LRLSTATE\")")
        }
        guard bytes.count >= headerSize else {
            throw CheckpointError(
                .truncated,
                "the checkpoint is truncated: \(bytes.count) bytes, shorter than its \(headerSize)-byte header")
        }
        var header = CheckpointReader(bytes[magic.count..<headerSize])
        let version = try header.readUInt16()
        let kindCode = try header.readUInt8()
        let reserved = try header.readUInt8()
        let payloadLength = try header.readUInt64()
        guard version == formatVersion else {
            throw CheckpointError(
                .unsupportedVersion,
                "the checkpoint has format version \(version) but this build reads only version \(formatVersion); "
                    + "use the lrledger version that wrote it")
        }
        let available = UInt64(bytes.count - headerSize)
        guard payloadLength <= available, available - payloadLength >= UInt64(checksumSize) else {
            let expected = payloadLength.addingReportingOverflow(UInt64(headerSize + checksumSize))
            let expectedText = expected.overflow ? "more" : "\(expected.partialValue)"
            throw CheckpointError(
                .truncated,
                "the checkpoint is truncated: \(bytes.count) bytes, but its header announces \(expectedText)")
        }
        let end = headerSize + Int(payloadLength)
        guard bytes.count == end + checksumSize else {
            throw CheckpointError(
                .trailingBytes,
                "the checkpoint has \(bytes.count - end - checksumSize) unexpected bytes after its checksum")
        }
        let stored = bytes[end...]
        guard SHA256.hash(data: bytes[..<end]).elementsEqual(stored) else {
            throw CheckpointError(
                .checksumMismatch,
                "the checkpoint's SHA-256 checksum does not match its content: the bytes were altered")
        }
        guard reserved == 0 else {
            throw CheckpointError(.corrupt, "the checkpoint's reserved header byte is \(reserved), not 0")
        }
        guard let kind = ModelKind(checkpointCode: kindCode) else {
            throw CheckpointError(
                .unknownKind, "the checkpoint holds workload kind \(kindCode), which this build does not know")
        }
        return (kind, CheckpointReader(bytes[headerSize..<end]))
    }
}
