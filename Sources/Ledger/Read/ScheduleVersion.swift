import Schedules

/// A schedule config in force from a step on.
public struct ScheduleVersion: Sendable, Hashable {
    /// The row id in `schedule_version`.
    public let id: Int64
    /// The first step it applies to.
    public let fromStep: Int64
    /// Canonical Keras JSON.
    public let config: String
    /// The dtype it computes in.
    public let dtype: DType
    /// The recorded lowercase hex SHA-256 of `config`.
    public let sha256: String
    /// When it was recorded.
    public let createdAt: Timestamp
    /// False when `config` no longer matches `sha256` (edited outside lrledger).
    public let checksumMatches: Bool

    public init(
        id: Int64, fromStep: Int64, config: String, dtype: DType, sha256: String, createdAt: Timestamp,
        checksumMatches: Bool
    ) {
        self.id = id
        self.fromStep = fromStep
        self.config = config
        self.dtype = dtype
        self.sha256 = sha256
        self.createdAt = createdAt
        self.checksumMatches = checksumMatches
    }
}
