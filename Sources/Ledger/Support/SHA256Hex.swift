import Crypto
import Foundation

/// Lowercase hex SHA-256 digests, as the ledger stores them; the Trainer's checkpoint
/// fingerprints use the same encoder.
package enum SHA256Hex {
    /// The digest of `bytes`.
    package static func digest<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The digest of a string's UTF-8 bytes.
    package static func digest(_ text: String) -> String {
        digest(Array(text.utf8))
    }

    /// `bytes` as lowercase hexadecimal, two digits a byte.
    package static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(max(bytes.underestimatedCount * 2, 64))
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
