import Foundation

/// Who a writer is: pid, host and the process's start time, so a segment can be
/// checked for liveness even after its pid was reused.
struct ProcessIdentity: Sendable, Equatable {
    /// The process id.
    let pid: Int32
    /// The host name, as `gethostname` gives it.
    let host: String
    /// Field 22 of `/proc/<pid>/stat`: the start time in clock ticks after boot; nil
    /// where `/proc` is not available.
    let startTicks: Int64?

    /// This process.
    static let current = ProcessIdentity(
        pid: getpid(), host: currentHost(), startTicks: startTicks(of: getpid()))

    /// The host name of this machine, or `localhost` when it cannot be read.
    static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The start time of process `pid` (field 22 of `/proc/<pid>/stat`), or nil when
    /// the process does not exist or `/proc` is not available.
    static func startTicks(of pid: Int32) -> Int64? {
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return Int64(fields[19])
    }

    /// The fields of `/proc/<pid>/stat` from field 3 (the state) on, or nil.
    private static func statFields(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces or
        // parentheses: the fields that follow start after the last ')'.
        guard let close = data.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = data[data.index(after: close)...]
        return rest.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// Whether a process with this pid is running (it may belong to another user).
    ///
    /// A zombie (killed, not yet reaped by its parent) is not: it holds no file and
    /// writes nothing more, and a harness that kills a trainer and starts the next one
    /// before reaping the first must not be told the run is busy.
    static func exists(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        let state = statFields(of: pid)?.first
        return state != "Z" && state != "X"
    }
}
