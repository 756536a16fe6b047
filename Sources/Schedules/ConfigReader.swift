/// Reads a Keras `get_config()` object key by key, with messages that name the class,
/// the key and the value, and refuses keys the schedule does not take.
public struct ConfigReader {
    public let className: String
    let config: JSONObject
    private var used: Set<String> = []

    public init(className: String, config: JSONObject) {
        self.className = className
        self.config = config
    }

    /// An error about `key` in this class's config.
    public func invalid(_ key: String, _ message: String, code: ScheduleError.Code = .invalidValue) -> ScheduleError {
        ScheduleError(code, field: key, "invalid \(className) config: \(key) \(message)")
    }

    mutating func value(_ key: String) throws -> JSONValue? {
        used.insert(key)
        return config[key]
    }

    mutating func required(_ key: String) throws -> JSONValue {
        guard let value = try value(key) else {
            throw ScheduleError(.missingKey, field: key, "invalid \(className) config: missing key \(key)")
        }
        return value
    }

    /// A required number, integer or float.
    public mutating func number(_ key: String) throws -> KerasNumber {
        try number(key, from: try required(key))
    }

    /// An optional number, `defaultValue` when absent.
    public mutating func number(_ key: String, default defaultValue: KerasNumber) throws -> KerasNumber {
        guard let value = try value(key) else { return defaultValue }
        return try number(key, from: value)
    }

    func number(_ key: String, from value: JSONValue) throws -> KerasNumber {
        guard case .number(let number) = value else {
            throw invalid(key, "must be a number, got \(value.typeName) \(value.compactText)", code: .wrongType)
        }
        if number.isFractional {
            return .float(number.doubleValue)
        }
        guard let integer = number.int64Value else {
            throw invalid(key, "is out of range, got \(number.literal)")
        }
        return .int(integer)
    }

    /// An optional boolean.
    public mutating func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let value = try value(key) else { return defaultValue }
        guard case .bool(let bool) = value else {
            throw invalid(key, "must be true or false, got \(value.typeName) \(value.compactText)", code: .wrongType)
        }
        return bool
    }

    /// The optional `name`: a string or null; `defaultValue` when absent.
    public mutating func name(default defaultValue: String) throws -> String? {
        guard let value = try value("name") else { return defaultValue }
        switch value {
        case .null: return nil
        case .string(let string): return string
        default:
            throw invalid(
                "name", "must be a string or null, got \(value.typeName) \(value.compactText)", code: .wrongType)
        }
    }

    /// Refuses any key that was not read. Call after reading every key the class takes.
    public func finish() throws {
        if let unknown = config.keys.first(where: { !used.contains($0) }) {
            throw ScheduleError(
                .unknownKey, field: unknown,
                "invalid \(className) config: unknown key \(unknown) (\(className) takes \(used.sorted().joined(separator: ", ")))"
            )
        }
    }
}

extension KerasNumber {
    /// Checks that the value the schedule computes with is finite, naming the key.
    func checkedCast(_ key: String, in dtype: DType, reader: ConfigReader) throws -> Double {
        let cast = castValue(in: dtype)
        guard cast.isFinite else {
            if doubleValue.isFinite {
                throw reader.invalid(
                    key, "must be finite: \(description) overflows float32, which Keras rounds it through")
            }
            throw reader.invalid(key, "must be finite, got \(description)")
        }
        return cast
    }
}
