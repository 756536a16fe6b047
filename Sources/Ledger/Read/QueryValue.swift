/// A value in a row returned by `Ledger.query(_:timeout:columns:row:)`: one of SQLite's
/// five storage classes, usable without importing GRDB.
public enum QueryValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// `NULL`, the integer, the real as Swift's shortest round-trip text, the text
    /// itself, or the blob as `x'0a1b…'` hex.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): value.description
        case .text(let value): value
        case .blob(let bytes):
            "x'"
                + bytes.map { byte in
                    let hex = String(byte, radix: 16)
                    return byte < 16 ? "0" + hex : hex
                }.joined() + "'"
        }
    }
}
