import Ledger
import Schedules

/// Why the attach protocol refused a request: the `error` object of a response.
///
/// `code` is a stable snake_case word a client can switch on; new codes may be added,
/// so clients keep a default branch. `message` is one sentence naming the problem.
///
/// ```json
/// {"ok": false, "op": "commit", "error": {"code": "checkpoint_mismatch", "message": "..."}}
/// ```
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A kind of refusal; a struct so new kinds are not breaking changes.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The line is not JSON, or a field is missing, of the wrong type or unknown.
        public static let malformed = Code(rawValue: "malformed")
        /// The client speaks a protocol version this build does not.
        public static let unsupportedProtocol = Code(rawValue: "unsupported_protocol")
        /// A request that needs an attached segment came before `attach` or after `close`.
        public static let notAttached = Code(rawValue: "not_attached")
        /// `attach` came while a segment is attached; close it first.
        public static let alreadyAttached = Code(rawValue: "already_attached")
        /// Logged steps do not increase, or start before the committed step.
        public static let stepsOutOfOrder = Code(rawValue: "steps_out_of_order")
        /// A value is out of range (a negative step, a non-finite rate, ...).
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// A committed checkpoint file is missing, unreadable, or not the bytes described.
        public static let checkpointMismatch = Code(rawValue: "checkpoint_mismatch")
        /// The schedule given at attach is refused (unknown class, invalid value).
        public static let invalidSchedule = Code(rawValue: "invalid_schedule")

        /// The ledger's own refusal, with its code in snake_case (`run_busy`, `segment_lost`, ...).
        public static func ledger(_ code: LedgerError.Code) -> Code {
            var word = ""
            for character in code.description {
                if character.isUppercase {
                    word += "_" + character.lowercased()
                } else {
                    word.append(character)
                }
            }
            return Code(rawValue: word)
        }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The protocol's form of any error a request raised.
    init(_ error: any Error) {
        switch error {
        case let error as ProtocolError: self = error
        case let error as LedgerError: self.init(.ledger(error.code), error.message)
        case let error as ScheduleError: self.init(.invalidSchedule, error.message)
        default: self.init(.invalidValue, "\(error)")
        }
    }
}
