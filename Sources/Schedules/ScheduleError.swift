/// Why a schedule config, a step or a JSON text was refused.
///
/// The message is one sentence a user can act on: it names the field and the value
/// that was received. New codes may be added; switch over `code` with a default.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The text is not JSON.
        case invalidJSON
        /// `class_name` names no schedule this build knows.
        case unknownClass
        /// The config has a key the schedule does not take.
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value has the wrong JSON type.
        case wrongType
        /// A value has the right type but is out of range.
        case invalidValue
        /// A step token is not a valid optimizer step.
        case invalidStep
    }

    public let code: Code
    /// The config key concerned, if any (Keras's spelling, such as `decay_steps`).
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = OneLine.escaping(message)
    }

    public var description: String { message }
}
