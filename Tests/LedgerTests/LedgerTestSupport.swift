import Foundation
import Schedules
import Testing

@testable import Ledger

/// The schedule of Keras's documentation example, InverseTimeDecay(0.1, 1.0, 0.5) in float32.
func docSchedule(dtype: DType = .float32) throws -> InverseTimeDecay {
    try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5), dtype: dtype)
}

/// The rate of the doc schedule at `step`, computed independently from Keras's code:
/// `lr / (1 + rate * (step / steps))`, one float32 operation at a time.
func docRate(_ step: Int64) -> Double {
    let p = Float(step) / Float(1.0)
    return Double(Float(0.1) / (Float(1) + Float(0.5) * p))
}

/// An attach request for `run` with the doc schedule.
func request(_ run: String, target: Int64 = 1_000_000, schedule: (any LearningRateSchedule)? = nil) throws
    -> AttachRequest
{
    AttachRequest(run: run, schedule: schedule, defaultSchedule: try docSchedule(), targetSteps: target)
}

/// Logs the doc schedule's rate for steps `range` and commits at the range's end
/// with the step as 8 little-endian bytes of state.
func logAndCommit(_ writer: RunWriter, _ range: Range<Int64>, checkpoint: Bool = true) throws {
    for step in range {
        writer.log(step: step, rate: docRate(step))
    }
    try writer.commit(step: range.upperBound, state: checkpoint ? stepState(range.upperBound) : nil)
}

/// A checkpoint state that encodes its step.
func stepState(_ step: Int64) -> [UInt8] {
    withUnsafeBytes(of: step.littleEndian) { Array($0) }
}

/// Every canonical row of a run, through the history API.
func historyRows(_ ledger: Ledger, _ run: String) throws -> [RateRow] {
    var rows: [RateRow] = []
    try ledger.history(run: run) { rows.append($0) }
    return rows
}

/// The built LedgerCrashProbe executable, next to the test bundle.
func probeExecutable() throws -> URL {
    var candidates: [URL] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(argument0.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        candidates.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for directory in candidates {
        let url = directory.appendingPathComponent("LedgerCrashProbe")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw LedgerError(.invalidArgument, "LedgerCrashProbe not found next to the tests in \(candidates.map(\.path))")
}

/// A LedgerCrashProbe child whose stdout lines are collected as they arrive.
final class ProbeProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial = Data()
    private var stderrText = Data()

    /// - parameter executable: what to run, LedgerCrashProbe by default (or a wrapper
    ///   such as unshare that execs it; `pid` is then the wrapper's, which exec keeps).
    init(_ arguments: [String], executable: URL? = nil) throws {
        process.executableURL = try executable ?? probeExecutable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.receive(handle.availableData)
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            self.stderrText.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }

    private func receive(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        partial.append(data)
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
    }

    /// The lines printed so far.
    var output: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    /// What the child wrote on stderr so far.
    var errorOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrText, as: UTF8.self)
    }

    /// Waits until a printed line satisfies `predicate`; nil after `timeout` seconds.
    func waitForLine(timeout: Double = 60, where predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = output.first(where: predicate) { return line }
            if !process.isRunning, output.first(where: predicate) == nil { return nil }
            usleep(2_000)
        }
        return nil
    }

    /// Sends SIGKILL and waits for the child to be gone.
    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Makes an empty ledger at `path` (opening one writes nothing; its first write makes
/// the file), for tests that look at a new ledger's file.
@discardableResult
func makeLedger(_ path: String, configuration: LedgerConfiguration = LedgerConfiguration()) throws -> Ledger {
    let ledger = try Ledger(path: path, configuration: configuration)
    try ledger.withSQLiteConnection { _ in }
    return ledger
}
