import Foundation

/// Runs a program with a time limit, for tests that must not hang when the program does.
enum BoundedProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// The program was still running at the time limit and was killed.
        let timedOut: Bool
        /// The program ended on a signal (a crash, or the kill at the time limit).
        let signaled: Bool
    }

    /// Runs the built `lrledger ARGS...`, killing it after `timeout` seconds.
    static func lrledger(
        _ arguments: [String], timeout: Double = 60, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        try run(LRLedgerProcess.binary, arguments, timeout: timeout, in: directory, environment: environment)
    }

    /// Runs `executable ARGS...` with standard input closed, killing it after `timeout` seconds.
    static func run(
        _ executable: URL, _ arguments: [String], timeout: Double, in directory: URL? = nil,
        environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LRLEDGER_DB")
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // Drain both pipes while waiting, so a chatty program cannot stall on a full pipe.
        let output = Output()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { output.setOut(out.fileHandleForReading.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: group) { output.setErr(err.fileHandleForReading.readDataToEndOfFile()) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline {
            usleep(5_000)
        }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus, stdout: output.outText, stderr: output.errText, timedOut: timedOut,
            signaled: process.terminationReason == .uncaughtSignal)
    }

    private final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data()
        private var err = Data()

        func setOut(_ data: Data) { lock.withLock { out = data } }
        func setErr(_ data: Data) { lock.withLock { err = data } }
        var outText: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
        var errText: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
    }
}

extension BoundedProcess.Result {
    /// The lines of standard error that are not log lines: what the user is told.
    var errorLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { $0.hasPrefix("Error: ") }
    }

    /// Signs of a crash rather than a refusal: a signal, a Swift runtime trap, a backtrace.
    var crashSigns: [String] {
        var signs: [String] = []
        if signaled && !timedOut { signs.append("ended on a signal") }
        for marker in ["Fatal error", "Stack dump", "Backtrace", "Crash", "💣", "Illegal instruction", "Segmentation"]
        where stderr.contains(marker) {
            signs.append("stderr contains \(marker)")
        }
        return signs
    }
}
