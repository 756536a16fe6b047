/// Resolves which record governs a step when records take effect from a step on and a
/// later record overrides earlier ones: the record with the greatest id among those
/// starting at or before the step.
///
/// This is how both segments and schedule versions are read. Each attach moves every
/// row at or past its start step out of the canonical history, so a canonical row was
/// logged by the latest segment starting at or before it; a schedule change recorded
/// on a rewind overrides, from its step on, the changes recorded before the rewind.
///
/// ```swift
/// let timeline = LatestRecorded([(start: 0, id: 1, value: "A"), (start: 1000, id: 2, value: "B"),
///                                (start: 900, id: 3, value: "C")])
/// timeline.entry(at: 950)?.value   // "C"
/// timeline.entry(at: 1200)?.value  // "C": id 3 is later than id 2
/// ```
struct LatestRecorded<Value> {
    // Sendable when its values are (see the extension below).
    /// Piecewise-constant intervals: from each `start` on, until the next one, `id` governs.
    private(set) var intervals: [(start: Int64, id: Int64, value: Value)] = []

    init(_ records: [(start: Int64, id: Int64, value: Value)]) {
        let sorted = records.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        var best: (start: Int64, id: Int64, value: Value)?
        for record in sorted {
            if best == nil || record.id > best!.id { best = record }
            let entry = (start: record.start, id: best!.id, value: best!.value)
            if let last = intervals.last, last.start == record.start {
                intervals[intervals.count - 1] = entry
            } else if let last = intervals.last, last.id == entry.id {
                continue
            } else {
                intervals.append(entry)
            }
        }
    }

    /// The record governing `step`, or nil when none starts at or before it.
    func entry(at step: Int64) -> (start: Int64, id: Int64, value: Value)? {
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].start <= step { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : intervals[low - 1]
    }

    /// Where the next interval after `step` begins, or nil.
    func nextStart(after step: Int64) -> Int64? {
        intervals.first { $0.start > step }?.start
    }
}
extension LatestRecorded: Sendable where Value: Sendable {}
