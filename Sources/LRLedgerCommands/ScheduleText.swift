import Schedules

/// Stored schedule configs in words, for listings.
enum ScheduleText {
    /// `InverseTimeDecay: 0.1 / (1 + 0.5 * step / 1.0)`, or the stored JSON when it no
    /// longer decodes (audit says why).
    static func summary(_ json: String, _ dtype: DType) -> String {
        guard let schedule = try? ScheduleCodec.decode(json, dtype: dtype) else { return json }
        if let inverse = schedule as? InverseTimeDecay {
            return "InverseTimeDecay: \(inverse.formula)"
        }
        return schedule.summary
    }
}
