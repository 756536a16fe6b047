import Crypto
import Foundation

/// SHA-256 digests for the chain: of a commit's rows' raw bytes, and of a link's header.
///
/// Each row is 24 bytes, little-endian: the step (Int64), the rate's IEEE bits and the
/// loss's IEEE bits, with the values normalized as SQLite returns them (-0.0 reads back
/// as 0.0, and a missing or NaN loss, which SQLite stores as NULL, hashes as the quiet
/// NaN 0x7FF8000000000000). A writer hashes the rows it commits straight from memory,
/// in blocks; `audit` hashes the rows it reads back and must get the same digest.
///
/// ```swift
/// var rows = CommitDigest()
/// rows.append(step: 0, rate: 0.1, loss: nil)
/// let rowsSHA256 = rows.finalize()
/// let linkDigest = CommitDigest.digest(header: header.text)
/// ```
struct CommitDigest {
    /// Bytes per row.
    static let rowSize = 24
    private static let blockRows = 1024
    private static let missingLoss: UInt64 = 0x7FF8_0000_0000_0000

    private var hasher = SHA256()
    private var block = [UInt8](repeating: 0, count: CommitDigest.rowSize * CommitDigest.blockRows)
    private var buffered = 0

    /// Starts a digest of rows.
    init() {}

    /// The digest of a header's UTF-8 bytes.
    static func digest(header: String) -> String {
        SHA256Hex.digest(header)
    }

    /// Writes one row's 24 bytes at `pointer`.
    @inline(__always)
    static func encode(step: Int64, rate: Double, loss: Double?, at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: UInt64(bitPattern: step).littleEndian, as: UInt64.self)
        pointer.storeBytes(of: (rate == 0 ? 0 : rate.bitPattern).littleEndian, toByteOffset: 8, as: UInt64.self)
        let lossBits: UInt64
        if let loss, !loss.isNaN {
            lossBits = loss == 0 ? 0 : loss.bitPattern
        } else {
            lossBits = missingLoss
        }
        pointer.storeBytes(of: lossBits.littleEndian, toByteOffset: 16, as: UInt64.self)
    }

    /// Adds one row.
    mutating func append(step: Int64, rate: Double, loss: Double?) {
        if buffered == Self.blockRows { flush() }
        let offset = buffered * Self.rowSize
        block.withUnsafeMutableBytes { bytes in
            Self.encode(step: step, rate: rate, loss: loss, at: bytes.baseAddress! + offset)
        }
        buffered += 1
    }

    /// Adds rows already encoded with `encode(step:rate:loss:at:)`.
    mutating func append(encoded bytes: UnsafeRawBufferPointer) {
        flush()
        hasher.update(bufferPointer: bytes)
    }

    private mutating func flush() {
        guard buffered > 0 else { return }
        let count = buffered * Self.rowSize
        block.withUnsafeBytes { bytes in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        }
        buffered = 0
    }

    /// The lowercase hex digest.
    mutating func finalize() -> String {
        flush()
        return SHA256Hex.hex(hasher.finalize())
    }
}
