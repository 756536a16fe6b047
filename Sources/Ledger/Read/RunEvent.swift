/// Something that happened to a run: created, attached, crash detected, rewound,
/// schedule changed, closed, renamed, or a note a user added.
public struct RunEvent: Sendable, Hashable {
    /// What kind of thing happened. New kinds may be added: compare with the constants,
    /// and keep a default case when switching.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The kind as stored, such as `crash_detected`.
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        public init(stringLiteral value: String) { self.rawValue = value }

        public var description: String { rawValue }

        /// The run was created (its first segment opened at step 0).
        public static let created = Kind(rawValue: "created")
        /// A process attached and opened a segment.
        public static let attached = Kind(rawValue: "attached")
        /// A segment left open by a process that is gone was closed as crashed.
        public static let crashDetected = Kind(rawValue: "crash_detected")
        /// An attach rewound the counter to the latest checkpoint.
        public static let rewound = Kind(rawValue: "rewound")
        /// Rows logged past the committed step moved to the audit trail.
        public static let superseded = Kind(rawValue: "superseded")
        /// A new schedule version took effect.
        public static let scheduleChanged = Kind(rawValue: "schedule_changed")
        /// A damaged checkpoint was discarded so a resume could use an earlier one.
        public static let checkpointDiscarded = Kind(rawValue: "checkpoint_discarded")
        /// A segment ended.
        public static let closed = Kind(rawValue: "closed")
        /// The run was renamed.
        public static let renamed = Kind(rawValue: "renamed")
        /// A run was imported from another tool's record of it.
        public static let imported = Kind(rawValue: "imported")
        /// A user's note; the message is its text.
        public static let note = Kind(rawValue: "note")
    }

    /// The event's id, in the order events happened.
    public let id: Int64
    /// The segment concerned, if any.
    public let segmentID: Int64?
    /// When it happened.
    public let at: Timestamp
    /// What happened.
    public let kind: Kind
    /// The step concerned, if any.
    public let step: Int64?
    /// One sentence saying what happened.
    public let message: String

    public init(id: Int64, segmentID: Int64?, at: Timestamp, kind: Kind, step: Int64?, message: String) {
        self.id = id
        self.segmentID = segmentID
        self.at = at
        self.kind = kind
        self.step = step
        self.message = message
    }
}
