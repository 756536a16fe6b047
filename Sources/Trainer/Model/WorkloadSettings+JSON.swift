import Foundation
import Schedules

extension WorkloadSettings: Codable {
    enum CodingKeys: String, CodingKey {
        case model
        case seed
        case batchSize = "batch_size"
        case momentum
        case dataPath = "data_path"
        case dataFingerprint = "data_fingerprint"
    }

    /// Decodes and validates; absent optional keys and explicit nulls both mean nil.
    ///
    /// - throws: `WorkloadError` `.invalidSetting` for a value out of range, or a
    ///   `DecodingError` for a missing key or a wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            model: try container.decode(ModelKind.self, forKey: .model),
            seed: try container.decode(UInt64.self, forKey: .seed),
            batchSize: try container.decode(Int.self, forKey: .batchSize),
            momentum: try container.decode(Double.self, forKey: .momentum),
            dataPath: try container.decodeIfPresent(String.self, forKey: .dataPath),
            dataFingerprint: try container.decodeIfPresent(String.self, forKey: .dataFingerprint))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(seed, forKey: .seed)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(dataPath, forKey: .dataPath)
        try container.encode(dataFingerprint, forKey: .dataFingerprint)
    }

    /// The stable JSON form to store with a run: one line, keys sorted, every key
    /// present (nil as `null`), numbers in their shortest exact decimal form.
    ///
    /// ```json
    /// {"batch_size":32,"data_fingerprint":null,"data_path":null,"model":"softmax","momentum":0.9,"seed":42}
    /// ```
    ///
    /// Written by hand rather than by `JSONEncoder` so the text cannot change with a
    /// Foundation release and equal settings always give equal text.
    public func jsonText() -> String {
        func string(_ value: String?) -> String {
            value.map { JSONValue.string($0).compactText } ?? "null"
        }
        return "{\"batch_size\":\(batchSize),\"data_fingerprint\":\(string(dataFingerprint)),"
            + "\"data_path\":\(string(dataPath)),\"model\":\(string(model.rawValue)),"
            + "\"momentum\":\(momentum),\"seed\":\(seed)}"
    }

    /// Parses and validates settings stored by `jsonText()`.
    ///
    /// - parameter jsonText: A JSON object with the keys `jsonText()` writes.
    /// - throws: `WorkloadError` naming the problem (`.invalidJSON` or `.invalidSetting`).
    public init(jsonText: String) throws {
        do {
            self = try JSONDecoder().decode(WorkloadSettings.self, from: Data(jsonText.utf8))
        } catch let error as WorkloadError {
            throw error
        } catch DecodingError.keyNotFound(let key, _) {
            throw WorkloadError(
                .invalidJSON, field: key.stringValue, "workload settings lack the key \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let key = context.codingPath.last?.stringValue ?? "value"
            throw WorkloadError(.invalidJSON, field: key, "workload settings have a wrong value type for \"\(key)\"")
        } catch DecodingError.dataCorrupted(let context) {
            let key = context.codingPath.last?.stringValue
            if let key {
                throw WorkloadError(.invalidJSON, field: key, "workload settings have an invalid \"\(key)\"")
            }
            throw WorkloadError(.invalidJSON, "workload settings are not a valid JSON object")
        } catch {
            throw WorkloadError(.invalidJSON, "workload settings are not a valid JSON object")
        }
    }
}
