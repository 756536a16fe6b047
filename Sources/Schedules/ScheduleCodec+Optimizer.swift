extension ScheduleCodec {
    /// Decodes a schedule from the JSON a Keras user has in hand: a schedule in any form
    /// `decode(_:dtype:)` accepts, or a whole optimizer config with the schedule under
    /// `learning_rate`.
    ///
    /// Optimizer forms, as Keras writes them:
    /// - `optimizer.get_config()`: `{"name": "sgd", "learning_rate": {schedule}, "momentum": 0.0, ...}`
    /// - `keras.optimizers.serialize(optimizer)`:
    ///   `{"module": "keras.optimizers", "class_name": "SGD", "config": {... "learning_rate": {schedule}}, ...}`
    ///
    /// The optimizer's other settings are not read. The schedule is returned as its own
    /// config: storing it keeps only the schedule.
    ///
    /// ```swift
    /// let optimizer = #"{"name": "sgd", "learning_rate": {"class_name": "CosineDecay", "config": {...}}, "momentum": 0.9}"#
    /// let schedule = try ScheduleCodec.decode(scheduleOrOptimizer: optimizer)  // the CosineDecay
    /// ```
    ///
    /// - parameter json: a schedule's JSON or an optimizer's.
    /// - parameter dtype: the dtype to compute in; float32 unless the user asked otherwise.
    /// - throws: `ScheduleError` naming what is wrong. An optimizer whose `learning_rate`
    ///   is a plain number gives a `ConstantLearningRate`.
    public static func decode(scheduleOrOptimizer json: String, dtype: DType = .float32) throws
        -> any LearningRateSchedule
    {
        let value = try JSONValue(parsing: json)
        guard let learningRate = try optimizerLearningRate(value) else {
            return try decode(value, dtype: dtype)
        }
        return try decode(learningRate, dtype: dtype)
    }

    /// The `learning_rate` of an optimizer config, or nil when `value` is not an optimizer's.
    static func optimizerLearningRate(_ value: JSONValue) throws -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        let optimizer: JSONObject
        let optimizerName: String
        if case .string(let className) = object["class_name"] {
            // serialize(optimizer): a class that is not a schedule, with the settings in config.
            guard classes[className] == nil, case .object(let config) = object["config"],
                config["learning_rate"] != nil
            else { return nil }
            optimizer = config
            optimizerName = className
        } else if object["class_name"] == nil, object["learning_rate"] != nil {
            optimizer = object
            if case .string(let name) = object["name"] { optimizerName = name } else { optimizerName = "the optimizer" }
        } else {
            return nil
        }
        guard let learningRate = optimizer["learning_rate"] else { return nil }
        switch learningRate {
        case .object, .number:
            return learningRate
        default:
            throw ScheduleError(
                .wrongType, field: "learning_rate",
                "\(optimizerName)'s learning_rate must be a schedule object with class_name and config, or a number, got \(learningRate.typeName) \(learningRate.compactText)"
            )
        }
    }
}
