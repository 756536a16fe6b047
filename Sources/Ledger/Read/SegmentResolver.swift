/// Finds the segment that logged a canonical row: the run's latest segment (greatest
/// id) among those starting at or before the row's step (see `LatestRecorded`).
///
/// Built for rows read in increasing step order: `segment(at:)` advances a cursor.
struct SegmentResolver {
    private let intervals: [(start: Int64, id: Int64, value: Void)]
    private var index = -1

    /// - parameter segments: the run's segments as (start step, id), in any order.
    init(segments: [(start: Int64, id: Int64)]) {
        intervals = LatestRecorded(segments.map { (start: $0.start, id: $0.id, value: ()) }).intervals
    }

    /// The segment of the row at `step`, or nil when no segment starts at or before it.
    /// Steps must not decrease between calls.
    mutating func segment(at step: Int64) -> Int64? {
        while index + 1 < intervals.count, intervals[index + 1].start <= step {
            index += 1
        }
        return index >= 0 ? intervals[index].id : nil
    }
}
