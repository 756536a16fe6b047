import Crypto
import Foundation

/// Lowercase hex SHA-256 digests, as the ledger stores them.
enum SHA256Hex {
    /// The digest of `bytes`.
    static func digest<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The digest of a string's UTF-8 bytes.
    static func digest(_ text: String) -> String {
        digest(Array(text.utf8))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
