import Foundation

/// Why a workload could not be built or could not take a step.
///
/// The message is one sentence a user can act on; `field` names the setting concerned
/// (its JSON key, such as `batch_size`) when there is one. New codes may be added;
/// switch over `code` with a default.
public struct WorkloadError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// A setting is out of range or inconsistent with another.
        case invalidSetting
        /// The settings JSON is not valid JSON or lacks a key.
        case invalidJSON
        /// The data differ from the data the run started with.
        case dataChanged
        /// The learning rate given to `step(rate:)` is not finite.
        case invalidRate
        /// The loss became non-finite: the rate is too high for the model.
        case diverged
        /// The model's state would be larger than the ledger can store in one checkpoint.
        case stateTooLarge
    }

    public let code: Code
    /// The settings key concerned, if any (`batch_size`, `momentum`, ...).
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
