/// How a call to `Trainer.run()` ended.
public struct TrainingOutcome: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The run reached its target.
        case finished
        /// A graceful shutdown (SIGTERM/SIGINT) stopped it after a commit.
        case interrupted
        /// The run had already reached its target; nothing was trained or written.
        case alreadyFinished
    }

    public let kind: Kind
    /// The committed step counter when the call ended.
    public let step: Int64
    /// Steps trained by this call.
    public let trainedSteps: Int64
}
