import Schedules

/// Reads one request's fields with messages that name the operation and the field, and
/// refuses fields the operation does not take.
struct MessageReader {
    let op: String
    let object: JSONObject
    private var used: Set<String> = ["op"]

    init(op: String, object: JSONObject) {
        self.op = op
        self.object = object
    }

    func malformed(_ field: String, _ problem: String) -> ProtocolError {
        ProtocolError(.malformed, "\(op): \(field) \(problem)")
    }

    mutating func value(_ field: String) -> JSONValue? {
        used.insert(field)
        guard let value = object[field], value != .null else { return nil }
        return value
    }

    mutating func required(_ field: String) throws -> JSONValue {
        guard let value = value(field) else { throw malformed(field, "is missing") }
        return value
    }

    mutating func string(_ field: String) throws -> String? {
        guard let value = value(field) else { return nil }
        guard case .string(let text) = value else { throw malformed(field, "must be a string, got \(value.typeName)") }
        return text
    }

    mutating func int(_ field: String) throws -> Int64? {
        guard let value = value(field) else { return nil }
        return try Self.integer(value, field: field, reader: self)
    }

    mutating func requiredInt(_ field: String) throws -> Int64 {
        try Self.integer(try required(field), field: field, reader: self)
    }

    mutating func bool(_ field: String, default defaultValue: Bool) throws -> Bool {
        guard let value = value(field) else { return defaultValue }
        guard case .bool(let flag) = value else {
            throw malformed(field, "must be true or false, got \(value.typeName)")
        }
        return flag
    }

    mutating func array(_ field: String) throws -> [JSONValue]? {
        guard let value = value(field) else { return nil }
        guard case .array(let values) = value else { throw malformed(field, "must be an array, got \(value.typeName)") }
        return values
    }

    static func integer(_ value: JSONValue, field: String, reader: MessageReader) throws -> Int64 {
        guard case .number(let number) = value, let integer = number.int64Value else {
            throw reader.malformed(field, "must be an integer, got \(value.typeName) \(value.compactText.prefix(40))")
        }
        return integer
    }

    /// Refuses fields that were never read.
    func finish() throws {
        if let unknown = object.keys.first(where: { !used.contains($0) }) {
            throw ProtocolError(.malformed, "\(op): unknown field \(unknown.debugDescription)")
        }
    }
}
