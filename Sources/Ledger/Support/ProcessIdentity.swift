import Foundation

/// Who a writer is: pid, host, the process's start time, the boot and the PID namespace,
/// so a segment can be checked for liveness even after its pid was reused, and a writer
/// in another container (same host name, another PID namespace) is never judged by a pid
/// that means something else here.
struct ProcessIdentity: Sendable, Equatable {
    /// The process id.
    let pid: Int32
    /// The host name, as `gethostname` gives it.
    let host: String
    /// Field 22 of `/proc/<pid>/stat`: the start time in clock ticks after boot; nil
    /// where `/proc` is not available.
    let startTicks: Int64?
    /// `/proc/sys/kernel/random/boot_id`: differs between machines and between boots of
    /// one machine; nil where `/proc` is not available.
    let bootID: String?
    /// The target of `/proc/self/ns/pid` (such as `pid:[4026531836]`): pids mean the same
    /// process only within one PID namespace; nil where `/proc` is not available.
    let pidNamespace: String?

    /// This process.
    static let current = ProcessIdentity(
        pid: getpid(), host: currentHost(), startTicks: startTicks(of: getpid()), bootID: currentBootID(),
        pidNamespace: currentPIDNamespace())

    /// Whether a process recorded with `host`, `bootID` and `pidNamespace` can be judged
    /// from here by its pid: same host name, same boot, same PID namespace. A record that
    /// lacks the boot id or namespace this process has (written where `/proc` was not
    /// mounted, or before they were recorded) cannot be: the heartbeat and lease decide,
    /// so a live writer is never taken for dead by a pid that means another process here.
    func sharesPIDs(host: String, bootID: String?, pidNamespace: String?) -> Bool {
        host == self.host && bootID == self.bootID && pidNamespace == self.pidNamespace
    }

    /// The boot id of the running kernel, or nil.
    static func currentBootID() -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The PID namespace of this process, or nil.
    static func currentPIDNamespace() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
    }

    /// When the running kernel booted, in milliseconds since 1970 (`btime` in
    /// `/proc/stat`), or nil.
    static func bootTimeMilliseconds() -> Int64? {
        guard let data = FileManager.default.contents(atPath: "/proc/stat") else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("btime ") {
            return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)).map { $0 * 1000 }
        }
        return nil
    }

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
