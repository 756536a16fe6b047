import Foundation

/// The process recorded as holding an open segment, and the rules that say whether
/// it is still alive. Writers (`attach`) and readers (`runs`, `run(named:)`) judge by
/// the same rules.
struct SegmentHolder {
    /// What can be told about the holder from here.
    enum Liveness: Equatable {
        /// Its pid can be checked from here and the process is running: alive for sure.
        case alive
        /// Its pid cannot be checked from here (another host, boot or PID namespace) and
        /// its heartbeat is within the lease: presumed alive.
        case presumedAlive(heartbeatAgeMilliseconds: Int64?)
        /// Gone: its pid can be checked and the process is not running, its boot has
        /// ended, or its heartbeat is older than the lease.
        case dead

        /// Whether an attach must treat the holder as alive.
        var holdsRun: Bool { self != .dead }
    }

    let segmentID: Int64
    let pid: Int32
    let host: String
    let processStart: Int64?
    let bootID: String?
    let pidNamespace: String?
    let startedAt: String
    let heartbeatAt: String

    /// Whether the holder may still be writing.
    ///
    /// - Same host name, boot and PID namespace, this process: alive while its
    ///   `RunWriter` exists.
    /// - Same host name, boot and PID namespace, another pid: alive when the pid exists
    ///   and, where `/proc` tells, started at the recorded time (so a reused pid does not
    ///   count).
    /// - Same host name, another boot, last heartbeat before this machine booted: its
    ///   boot has ended, so it is dead.
    /// - Otherwise (another host, another PID namespace where a pid means another process,
    ///   or a record without boot id or namespace): presumed alive until its heartbeat is
    ///   older than `leaseTimeout` seconds.
    func liveness(store: String?, leaseTimeout: Double, nowMilliseconds: Int64) -> Liveness {
        let me = ProcessIdentity.current
        if me.sharesPIDs(host: host, bootID: bootID, pidNamespace: pidNamespace) {
            if pid == me.pid, processStart == me.startTicks {
                guard let store else { return .alive }
                return LiveWriters.shared.contains(LiveWriters.key(store: store, segment: segmentID))
                    ? .alive : .dead
            }
            guard ProcessIdentity.exists(pid: pid) else { return .dead }
            if let processStart, let actual = ProcessIdentity.startTicks(of: pid) {
                return actual == processStart ? .alive : .dead
            }
            return .alive
        }
        guard let heartbeat = Timestamp.milliseconds(parsing: heartbeatAt) else {
            return .presumedAlive(heartbeatAgeMilliseconds: nil)
        }
        if host == me.host, let bootID, bootID != me.bootID, let booted = ProcessIdentity.bootTimeMilliseconds(),
            heartbeat < booted
        {
            return .dead
        }
        let age = nowMilliseconds - heartbeat
        return Double(age) < leaseTimeout * 1000 ? .presumedAlive(heartbeatAgeMilliseconds: age) : .dead
    }

    /// A one-line description for messages: pid, host and start time.
    var description: String {
        "pid \(pid) on host \(host)\(pidNamespace.map { " in PID namespace \($0)" } ?? "") (segment \(segmentID), started \(startedAt), last heartbeat \(heartbeatAt))"
    }
}
