/// A mark on a chart's step axis: a restart (labelled with how the previous process
/// ended) or a schedule change (labelled with the new schedule).
struct MarkJSON: Encodable, Sendable {
    /// `restart` or `schedule_change`.
    let kind: String
    let step: Int64
    let label: String
}
