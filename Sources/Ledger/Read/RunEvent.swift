/// Something that happened to a run: created, attached, crash detected, rewound,
/// schedule changed, closed, renamed, or a note a user added.
public struct RunEvent: Sendable, Hashable {
    /// The row id in `run_event`.
    public let id: Int64
    /// The segment concerned, if any.
    public let segmentID: Int64?
    /// When it happened.
    public let at: String
    /// `created`, `attached`, `crash_detected`, `rewound`, `superseded`,
    /// `schedule_changed`, `closed`, `renamed` or `note` (whose message is the note's text).
    public let kind: String
    /// The step concerned, if any.
    public let step: Int64?
    /// One sentence saying what happened.
    public let message: String

    public init(id: Int64, segmentID: Int64?, at: String, kind: String, step: Int64?, message: String) {
        self.id = id
        self.segmentID = segmentID
        self.at = at
        self.kind = kind
        self.step = step
        self.message = message
    }
}
