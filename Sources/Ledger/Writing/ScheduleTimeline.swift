import Schedules

/// The schedules a segment trains on when a rewind took it below a recorded schedule
/// change: each step gets the version in force at that step, as `audit` checks it.
///
/// An attach hands one out as `RunWriter.schedule` only when another version takes
/// effect after the resume step; otherwise the writer gets the plain schedule. It
/// reports the dtype, config and class of the version in force at the resume step.
struct ScheduleTimeline: LearningRateSchedule {
    static let className = "ScheduleTimeline"

    let versions: LatestRecorded<any LearningRateSchedule>
    let first: any LearningRateSchedule

    init(versions: LatestRecorded<any LearningRateSchedule>, at step: Int64) {
        self.versions = versions
        self.first = versions.entry(at: step)?.value ?? versions.intervals[0].value
    }

    init(kerasConfig: JSONObject, dtype: DType) throws {
        throw ScheduleError(.unknownClass, field: "class_name", "ScheduleTimeline is not a Keras schedule")
    }

    var dtype: DType { first.dtype }
    var kerasConfig: JSONObject { first.kerasConfig }

    /// Each interval's start and the key of the version in force from it.
    var rateDefiningKey: String {
        versions.intervals.map { "\($0.start): \(type(of: $0.value).className) \($0.value.rateDefiningKey)" }
            .joined(separator: "; ")
    }

    func rate(at step: Int64) -> Double {
        (versions.entry(at: step)?.value ?? first).rate(at: step)
    }

    func rate(atFractionalStep step: Double) -> Double {
        (versions.entry(at: Int64(step.rounded(.down)))?.value ?? first).rate(atFractionalStep: step)
    }

    func rates(from start: Int64, into rates: inout [Double]) {
        let end = start + Int64(rates.count)
        if let schedule = versions.entry(at: start)?.value, (versions.nextStart(after: start) ?? end) >= end {
            schedule.rates(from: start, into: &rates)
            return
        }
        for index in rates.indices {
            rates[index] = rate(at: start + Int64(index))
        }
    }
}
