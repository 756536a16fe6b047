import Foundation
import GRDB

/// The process recorded as holding an open segment, and the rules that say whether
/// it is still alive.
struct SegmentHolder {
    let segmentID: Int64
    let pid: Int32
    let host: String
    let processStart: Int64?
    let startedAt: String
    let heartbeatAt: String

    init(row: Row) throws {
        segmentID = try row.value("id")
        pid = Int32(truncatingIfNeeded: try row.value("pid", as: Int64.self))
        host = try row.value("host")
        processStart = try row.value("process_start")
        startedAt = try row.value("started_at")
        heartbeatAt = try row.value("heartbeat_at")
    }

    /// Whether the holder may still be writing.
    ///
    /// - Same host, this process: alive while its `RunWriter` exists.
    /// - Same host, another pid: alive when the pid exists and, where `/proc` tells,
    ///   started at the recorded time (so a reused pid does not count).
    /// - Another host: alive unless its heartbeat is older than `leaseTimeout` seconds.
    func isAlive(database: FileIdentity?, leaseTimeout: Double, nowMilliseconds: Int64) -> Bool {
        let me = ProcessIdentity.current
        if host == me.host {
            if pid == me.pid, processStart == me.startTicks {
                guard let database else { return true }
                return LiveWriters.shared.contains(LiveWriters.key(database: database, segment: segmentID))
            }
            guard ProcessIdentity.exists(pid: pid) else { return false }
            if let processStart, let actual = ProcessIdentity.startTicks(of: pid) {
                return actual == processStart
            }
            return true
        }
        guard let heartbeat = Timestamp.milliseconds(parsing: heartbeatAt) else { return true }
        return Double(nowMilliseconds - heartbeat) < leaseTimeout * 1000
    }

    /// A one-line description for messages: pid, host and start time.
    var description: String {
        "pid \(pid) on host \(host) (segment \(segmentID), started \(startedAt), last heartbeat \(heartbeatAt))"
    }
}
