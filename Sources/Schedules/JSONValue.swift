/// A JSON document as read from a Keras config, keeping what generic decoders lose:
/// the literal text of each number (so `1` and `1.0` stay different) and the order of
/// object keys.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): number.isFractional ? "a float" : "an integer"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON number, kept as the literal text it was written as.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written in the JSON text.
    public let literal: String

    public init(literal: String) {
        self.literal = literal
    }

    /// True when the literal has a fraction or an exponent, which Python's `json`
    /// reads as a float rather than an int.
    public var isFractional: Bool {
        literal.contains { $0 == "." || $0 == "e" || $0 == "E" }
    }

    /// The value as a 64-bit integer, when it is written as one and fits.
    public var int64Value: Int64? {
        isFractional ? nil : Int64(literal)
    }

    /// The value as the nearest double (may be infinite for huge literals).
    public var doubleValue: Double {
        Double(literal) ?? .nan
    }

    public var description: String { literal }
}

/// A JSON object: key/value pairs in the order they were written. Keys are unique.
public struct JSONObject: Sendable, Hashable {
    public private(set) var entries: [(key: String, value: JSONValue)]

    public init(_ entries: [(key: String, value: JSONValue)] = []) {
        self.entries = entries
    }

    public subscript(key: String) -> JSONValue? {
        entries.first { $0.key == key }?.value
    }

    public var keys: [String] { entries.map(\.key) }

    /// Appends a key, or replaces its value in place when it is already present.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key, value))
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
