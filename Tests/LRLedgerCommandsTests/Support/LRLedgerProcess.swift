import Foundation

/// Runs the built `lrledger` binary as a user would, and captures what it prints.
///
/// The binary is found next to the test bundle (SwiftPM builds it there because the
/// test target depends on it), or at `LRLEDGER_BIN` when set.
enum LRLedgerProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["LRLEDGER_BIN"] {
            return URL(fileURLWithPath: path)
        }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = me.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lrledger")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return me.deletingLastPathComponent().appendingPathComponent("lrledger")
    }()

    /// Runs `lrledger ARGS...` in `directory` and waits for it.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: String? = nil
    ) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment)
        let out = process.standardOutput as! Pipe
        let err = process.standardError as! Pipe
        // Read both pipes concurrently so a large output cannot fill one and stall the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `lrledger ARGS...` without waiting; stdout and stderr are pipes.
    static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws
        -> Process
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LRLEDGER_DB")
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
