/// Why a segment ended, as stored in `segments.end_reason`.
public enum EndReason: String, Sendable, Hashable, CaseIterable {
    /// The run reached its target.
    case finished
    /// Stopped on request (SIGTERM, SIGINT) after a final commit.
    case interrupted
    /// The process died without closing its segment; set by the next attach.
    case crashed
    /// The trainer gave up on an error.
    case failed
}
