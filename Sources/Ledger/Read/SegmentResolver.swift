/// Finds the segment that logged a canonical row: the run's segment with the
/// greatest start step at or before the row's step, the latest among equals (each
/// attach moves every row at or past its start step to the audit trail).
///
/// Built for rows read in increasing step order: `segment(at:)` advances a cursor.
struct SegmentResolver {
    private let starts: [(start: Int64, id: Int64)]
    private var index = -1

    /// - parameter segments: the run's segments as (start step, id), in any order.
    init(segments: [(start: Int64, id: Int64)]) {
        starts = segments.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// The segment of the row at `step`, or nil when no segment starts at or before it.
    /// Steps must not decrease between calls.
    mutating func segment(at step: Int64) -> Int64? {
        while index + 1 < starts.count, starts[index + 1].start <= step {
            index += 1
        }
        return index >= 0 ? starts[index].id : nil
    }
}
