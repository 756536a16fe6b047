import Foundation
import Logging

/// Tells a person how training goes: a live line on a terminal, a log line every few
/// seconds elsewhere (a supervisor's journal, a file).
public final class TrainingProgress: @unchecked Sendable {
    private let logger: Logger
    private let liveLine: Bool
    private let interval: Duration
    private let clock = ContinuousClock()
    private var lastReport: ContinuousClock.Instant
    private var lastStep: Int64 = 0
    private var lineShown = false

    /// - parameter logger: where log lines go.
    /// - parameter liveLine: draw a self-updating line on standard error (use when it is a terminal).
    /// - parameter interval: how often to report.
    public init(logger: Logger, liveLine: Bool, interval: Duration = .seconds(5)) {
        self.logger = logger
        self.liveLine = liveLine
        self.interval = liveLine ? .milliseconds(200) : interval
        self.lastReport = clock.now
    }

    /// Standard error is a terminal: show a live line there.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Starts the steps-per-second measure at `step`.
    public func start(at step: Int64) {
        lastStep = step
        lastReport = clock.now
    }

    /// Called often from the training loop; reports only when the interval has passed.
    public func update(step: Int64, target: Int64, rate: String, loss: Double?) {
        let now = clock.now
        let elapsed = now - lastReport
        guard elapsed >= interval else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let speed = seconds > 0 ? Double(step - lastStep) / seconds : 0
        lastReport = now
        lastStep = step
        let lossText = loss.map { String(format: "%.4f", $0) } ?? "-"
        if liveLine {
            let percent = target > 0 ? Double(step) * 100 / Double(target) : 100
            let line = String(
                format: "step %lld/%lld (%.1f%%)  rate %@  loss %@  %.0f steps/s", step, target, percent, rate,
                lossText, speed)
            Self.writeToStandardError("\r\u{1B}[K" + line)
            lineShown = true
        } else {
            logger.info(
                "training",
                metadata: [
                    "step": "\(step)", "target": "\(target)", "rate": "\(rate)", "loss": "\(lossText)",
                    "steps_per_second": "\(Int(speed))",
                ])
        }
    }

    /// Clears the live line before other output.
    public func finish() {
        if lineShown {
            Self.writeToStandardError("\r\u{1B}[K")
            lineShown = false
        }
    }

    /// Writes with `write(2)`: a closed pipe (with SIGPIPE ignored) fails quietly, where
    /// `FileHandle.write` would trap and stop the training.
    private static func writeToStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
