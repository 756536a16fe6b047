import Foundation

/// A run's settings: the JSON object a trainer stores when it creates the run (model,
/// seed, batch size, ...), for it to compare when it resumes.
///
/// The ledger keeps the text exactly as given, and hashes it into the run's chain; it
/// does not read the keys. Build settings from text or from any `Encodable` value, and
/// read them back into a `Decodable` one.
///
/// ```swift
/// struct Setup: Codable, Equatable { var model: String; var seed: Int }
/// let request = AttachRequest(
///     run: "demo", defaultSchedule: schedule, targetSteps: 10_000,
///     settings: try RunSettings(encoding: Setup(model: "softmax", seed: 7)))
/// let writer = try ledger.attach(request)
/// let stored = try writer.settings.decode(Setup.self)  // the settings the run was created with
/// ```
public struct RunSettings: Sendable, Hashable, CustomStringConvertible {
    /// The JSON object's text, as stored. Two settings are equal when their texts are.
    public let json: String

    /// No settings: `{}`.
    public static let empty = RunSettings(stored: "{}")

    /// Settings from the text of a JSON object, kept as given.
    ///
    /// ```swift
    /// let settings = try RunSettings(json: #"{"model":"softmax","seed":7}"#)
    /// ```
    ///
    /// - parameter json: the text of a JSON object.
    /// - throws: `LedgerError` `.invalidArgument` when `json` is not valid JSON or not an
    ///   object (an array, a string, a number, ...).
    public init(json: String) throws {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey].map { " (\($0))" } ?? ""
            throw LedgerError(
                .invalidArgument,
                "run settings must be a JSON object such as {\"seed\":7}, but \(Self.excerpt(json)) is not valid JSON\(detail)"
            )
        }
        guard value is [String: Any] else {
            throw LedgerError(
                .invalidArgument,
                "run settings must be a JSON object such as {\"seed\":7}, not \(Self.kind(of: value)): \(Self.excerpt(json))"
            )
        }
        self.json = json
    }

    /// Settings encoded from a value with `JSONEncoder`, keys sorted, as compact text.
    ///
    /// - parameter value: a value that encodes as a JSON object (a struct or a dictionary).
    /// - throws: `LedgerError` `.invalidArgument` when the value cannot be encoded, or
    ///   encodes as something other than an object.
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw LedgerError(
                .invalidArgument, "cannot encode \(T.self) as run settings: \(Self.reason(error))")
        }
        try self.init(json: String(decoding: data, as: UTF8.self))
    }

    /// Settings as a store read them back, not checked again, so nothing read is lost.
    init(stored json: String) {
        self.json = json
    }

    /// Decodes the settings with `JSONDecoder`.
    ///
    /// - parameter type: the type to decode.
    /// - returns: the decoded value.
    /// - throws: `LedgerError` `.invalidArgument` naming the type and the key that is
    ///   missing or has the wrong type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw LedgerError(
                .invalidArgument, "cannot read run settings \(Self.excerpt(json)) as \(T.self): \(Self.reason(error))")
        }
    }

    /// The JSON text.
    public var description: String { json }

    // MARK: - Messages

    /// What kind of JSON value `value` is, as a message says it.
    private static func kind(of value: Any) -> String {
        switch value {
        case is [Any]: return "an array"
        case is String: return "a string"
        case is NSNull: return "null"
        default: return "a number or a boolean"
        }
    }

    /// The text, cut short for a one-line message.
    private static func excerpt(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: " ")
        return oneLine.count <= 80 ? "'\(oneLine)'" : "'\(oneLine.prefix(77))...'"
    }

    /// One line saying why an encoding or decoding failed, naming the key.
    private static func reason(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            guard !keys.isEmpty else { return "the top level" }
            let names = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return "\"" + names.joined(separator: ".") + "\""
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "the key \(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(let expected, let context):
            return "the value at \(path(context.codingPath)) is not \(expected)"
        case DecodingError.valueNotFound(let expected, let context):
            return "the value at \(path(context.codingPath)) is null, not \(expected)"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) (at \(path(context.codingPath)))"
        case EncodingError.invalidValue(_, let context):
            return "\(context.debugDescription) (at \(path(context.codingPath)))"
        default:
            return "\(error)"
        }
    }
}
