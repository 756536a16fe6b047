/// A run's status, as stored in `runs.status`.
///
/// `running` while a segment is open; otherwise how the last segment ended. A
/// struct rather than an enum, so statuses a newer lrledger adds still read.
public struct RunStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A process is attached (or died attached and no one has attached since).
    public static let running = RunStatus(rawValue: "running")
    /// Shown by readers, never stored: a segment is open and its holder cannot be checked
    /// from here (another host, boot or PID namespace), but its heartbeat is within the
    /// lease.
    public static let presumedRunning = RunStatus(rawValue: "running?")
    /// The last segment stopped on request.
    public static let interrupted = RunStatus(rawValue: "interrupted")
    /// The run reached its target.
    public static let finished = RunStatus(rawValue: "finished")
    /// The last segment gave up on an error.
    public static let failed = RunStatus(rawValue: "failed")
    /// The last segment's process died (stored once an attach closed its segment; shown by
    /// readers as soon as they can tell the holder is gone).
    public static let crashed = RunStatus(rawValue: "crashed")

    /// The status a segment's end reason leaves the run in.
    public init(_ reason: EndReason) {
        self.init(rawValue: reason.rawValue)
    }

    public var description: String { rawValue }
}
