/// Reads and writes schedules in Keras's own JSON.
///
/// Accepted forms, as a Keras user has them:
/// - `keras.optimizers.schedules.serialize(schedule)`:
///   `{"module": "keras.optimizers.schedules", "class_name": "InverseTimeDecay", "config": {...}, "registered_name": null}`
/// - the same without `module` and `registered_name`: `{"class_name": ..., "config": {...}}`.
/// - a plain number, an optimizer's constant `learning_rate`: a `ConstantLearningRate`.
///
/// Unknown classes and unknown keys are refused (Keras would silently return a string
/// for an unknown class). `decode(scheduleOrOptimizer:dtype:)` also takes a whole
/// optimizer config and reads the schedule under its `learning_rate`.
///
/// ```swift
/// let schedule = try ScheduleCodec.decode(#"{"class_name": "InverseTimeDecay", "config": {...}}"#)
/// let text = schedule.canonicalJSON
/// ```
public enum ScheduleCodec {
    /// Keras's module name in the `serialize()` form.
    public static let kerasModule = "keras.optimizers.schedules"

    /// Every schedule class this build knows, by Keras class name.
    public static let classes: [String: any LearningRateSchedule.Type] = [
        InverseTimeDecay.className: InverseTimeDecay.self,
        ExponentialDecay.className: ExponentialDecay.self,
        PiecewiseConstantDecay.className: PiecewiseConstantDecay.self,
        PolynomialDecay.className: PolynomialDecay.self,
        CosineDecay.className: CosineDecay.self,
        CosineDecayRestarts.className: CosineDecayRestarts.self,
    ]

    /// Decodes a schedule from JSON text.
    ///
    /// - parameter json: Keras's `serialize()` form, or `{"class_name", "config"}`.
    /// - parameter dtype: the dtype to compute in; float32 unless the user asked otherwise.
    /// - throws: `ScheduleError` naming what is wrong.
    public static func decode(_ json: String, dtype: DType = .float32) throws -> any LearningRateSchedule {
        try decode(JSONValue(parsing: json), dtype: dtype)
    }

    /// Decodes a schedule from a parsed JSON value. See `decode(_:dtype:)`.
    public static func decode(_ value: JSONValue, dtype: DType = .float32) throws -> any LearningRateSchedule {
        if case .number(let number) = value {
            return try ConstantLearningRate(learningRate: number.doubleValue, dtype: dtype)
        }
        guard case .object(let object) = value else {
            throw ScheduleError(
                .wrongType,
                "a schedule must be a JSON object with class_name and config, or a constant rate, got \(value.typeName)"
            )
        }
        let allowed: Set<String> = ["module", "class_name", "config", "registered_name"]
        if let unknown = object.keys.first(where: { !allowed.contains($0) }) {
            throw ScheduleError(
                .unknownKey, field: unknown,
                "unknown key \(unknown) in schedule JSON (expected module, class_name, config, registered_name)")
        }
        guard let classValue = object["class_name"] else {
            throw ScheduleError(.missingKey, field: "class_name", "schedule JSON has no class_name")
        }
        guard case .string(let className) = classValue else {
            throw ScheduleError(
                .wrongType, field: "class_name", "class_name must be a string, got \(classValue.compactText)")
        }
        guard let type = classes[className] else {
            let known = classes.keys.sorted().joined(separator: ", ")
            throw ScheduleError(
                .unknownClass, field: "class_name", "unknown schedule class_name '\(className)' (known: \(known))")
        }
        if let module = object["module"], module != .string(kerasModule), module != .null {
            throw ScheduleError(
                .invalidValue, field: "module", "module must be \"\(kerasModule)\", got \(module.compactText)")
        }
        if let registered = object["registered_name"], registered != .null, registered != .string(className) {
            throw ScheduleError(
                .invalidValue, field: "registered_name",
                "registered_name must be null for Keras's built-in \(className), got \(registered.compactText)")
        }
        guard let configValue = object["config"] else {
            throw ScheduleError(.missingKey, field: "config", "schedule JSON has no config")
        }
        guard case .object(let config) = configValue else {
            throw ScheduleError(
                .wrongType, field: "config", "config must be a JSON object, got \(configValue.typeName)")
        }
        return try type.init(kerasConfig: config, dtype: dtype)
    }
}
