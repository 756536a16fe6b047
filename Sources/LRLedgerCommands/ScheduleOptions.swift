import ArgumentParser
import Foundation
import Schedules

extension DType: ExpressibleByArgument {}

/// The schedule options of `lrledger train`: Keras JSON, or InverseTimeDecay's arguments.
struct ScheduleOptions: ParsableArguments {
    @Option(
        help:
            "The schedule in Keras JSON (serialize() output, {\"class_name\", \"config\"}, or an optimizer's get_config() with the schedule under learning_rate), or @FILE to read it."
    )
    var schedule: String?

    @Option(parsing: .unconditional, help: "InverseTimeDecay's initial_learning_rate (default 0.1).")
    var initialLearningRate: String?

    @Option(parsing: .unconditional, help: "InverseTimeDecay's decay_steps (default 1.0).")
    var decaySteps: String?

    @Option(parsing: .unconditional, help: "InverseTimeDecay's decay_rate (default 0.5).")
    var decayRate: String?

    @Flag(inversion: .prefixedNo, help: "Apply the decay in discrete intervals of decay_steps (default: off).")
    var staircase: Bool?

    @Option(help: "The dtype to compute in: float32 (Keras's default) or float64.")
    var dtype: DType?

    var isEmpty: Bool {
        schedule == nil && initialLearningRate == nil && decaySteps == nil && decayRate == nil && staircase == nil
            && dtype == nil
    }

    func validate() throws {
        let flagsGiven = initialLearningRate != nil || decaySteps != nil || decayRate != nil || staircase != nil
        if schedule != nil && flagsGiven {
            throw ValidationError(
                "give the schedule either as --schedule JSON or with --initial-learning-rate/--decay-steps/--decay-rate/--staircase, not both"
            )
        }
    }

    /// The schedule asked for, or nil when no schedule option was given.
    func makeSchedule() throws -> (any LearningRateSchedule)? {
        if isEmpty { return nil }
        let dtype = dtype ?? .float32
        if let schedule {
            return try ScheduleCodec.decode(scheduleOrOptimizer: try Self.readJSON(schedule), dtype: dtype)
        }
        let initial = try initialLearningRate.map { try KerasNumber(parsing: $0, field: "initial_learning_rate") }
        return try InverseTimeDecay(
            initialLearningRate: initial?.doubleValue ?? 0.1,
            decaySteps: try decaySteps.map { try KerasNumber(parsing: $0, field: "decay_steps") } ?? .float(1.0),
            decayRate: try decayRate.map { try KerasNumber(parsing: $0, field: "decay_rate") } ?? .float(0.5),
            staircase: staircase ?? false, dtype: dtype)
    }

    /// The JSON text of a `--schedule` value: itself, or the contents of `@FILE`.
    ///
    /// At most `maximumFileSize` bytes are read, so a device such as `/dev/zero` is
    /// refused as too large; a pipe (`@/dev/stdin`, `@<(gen)`) is read like a file.
    static func readJSON(_ value: String) throws -> String {
        guard value.hasPrefix("@") else { return value }
        let path = String(value.dropFirst())
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: path)
        else {
            throw ScheduleError(
                .invalidValue, field: "schedule",
                "cannot read the schedule file '\(path)': no such file, or it is a directory")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw ScheduleError(
                .invalidValue, field: "schedule",
                "cannot read the schedule file '\(path)': \(error.localizedDescription)")
        }
        guard data.count <= maximumFileSize else {
            throw ScheduleError(
                .invalidValue, field: "schedule",
                "the schedule file '\(path)' is larger than \(maximumFileSize / 1024) KiB; a Keras schedule config is a few hundred bytes"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The largest `@FILE` a `--schedule` reads.
    static let maximumFileSize = 1 << 20
}
