import Schedules

/// Decodes schedule configs as stored in `schedule_version`.
enum StoredSchedule {
    /// Decodes a stored config with its dtype.
    ///
    /// - throws: `LedgerError` `.scheduleTampered` naming the run and the reason.
    static func decode(config: String, dtype: String?, runName: String) throws -> any LearningRateSchedule {
        guard let dtype, let type = DType(rawValue: dtype) else {
            throw LedgerError(
                .scheduleTampered,
                "run \(runName) has a stored schedule with dtype '\(dtype ?? "NULL")', not float32 or float64")
        }
        do {
            return try ScheduleCodec.decode(config, dtype: type)
        } catch let error as ScheduleError {
            throw LedgerError(
                .scheduleTampered, "run \(runName) has a stored schedule that no longer decodes: \(error.message)")
        }
    }
}
