/// Why training could not start or go on.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Resume was asked to change the workload settings.
        case settingsMismatch
        /// The stored checkpoint does not restore (damaged, or not this run's).
        case checkpointUnusable
        /// The run has committed steps but no checkpoint to continue the model from.
        case missingCheckpoint
        /// A request value is out of range.
        case invalidRequest
    }

    public let code: Code
    public let message: String
    /// The workload setting concerned (`model`, say), when one is: a command line names
    /// its own option for it.
    public let setting: String?

    public init(_ code: Code, _ message: String, setting: String? = nil) {
        self.code = code
        self.message = message
        self.setting = setting
    }

    public var description: String { message }
}
