extension ConfigReader {
    /// A required array of numbers, such as PiecewiseConstantDecay's `boundaries`.
    public mutating func numbers(_ key: String) throws -> [KerasNumber] {
        let value = try required(key)
        guard case .array(let items) = value else {
            throw invalid(
                key, "must be an array of numbers, got \(value.typeName) \(value.compactText)", code: .wrongType)
        }
        return try items.enumerated().map { index, item in
            guard case .number = item else {
                throw invalid(
                    key, "must be an array of numbers: \(key)[\(index)] is \(item.typeName) \(item.compactText)",
                    code: .wrongType)
            }
            return try number(key, from: item)
        }
    }

    /// An optional number that may also be null, such as CosineDecay's `warmup_target`;
    /// nil when absent or null.
    public mutating func optionalNumber(_ key: String) throws -> KerasNumber? {
        guard let value = try value(key), value != .null else { return nil }
        return try number(key, from: value)
    }
}

/// The checks every schedule makes on its arguments, with messages in one style:
/// `invalid CosineDecay config: decay_steps must be > 0, got 0`.
extension ConfigReader {
    /// A reader with no config, for the checks of a schedule built in Swift.
    init(className: String) {
        self.init(className: className, config: JSONObject())
    }

    /// An initial learning rate as Keras's `initial_learning_rate` needs it: written as a
    /// float (an integer would make Keras compute in integers).
    func floatRate(_ key: String, _ number: KerasNumber) throws -> Double {
        guard case .float(let value) = number else {
            throw invalid(
                key,
                "must be written as a float (\(number).0, not \(number)): with an integer \(key) Keras computes in integers"
            )
        }
        return value
    }

    /// A learning rate (initial, end, warmup target or a PiecewiseConstantDecay value):
    /// finite in the dtype it is used in, and >= 0.
    func checkRate(_ key: String, _ value: Double, in dtype: DType, label: String? = nil) throws {
        let label = label ?? key
        guard value.isFinite, dtype.round(value).isFinite else {
            if value.isFinite {
                throw invalid(key, "must be finite in \(dtype): \(value) overflows \(dtype)", label: label)
            }
            throw invalid(key, "must be finite, got \(value)", label: label)
        }
        guard value >= 0 else {
            throw invalid(key, "must be >= 0, got \(KerasNumber.float(value))", label: label)
        }
    }

    /// A step count such as `decay_steps`: finite and > 0 as the schedule computes with it.
    func positiveSteps(_ key: String, _ number: KerasNumber, in dtype: DType) throws -> Double {
        let cast = try number.checkedCast(key, in: dtype, reader: self)
        guard cast > 0 else {
            if number.doubleValue > 0 {
                throw invalid(key, "must be > 0: \(number) rounds to 0 in float32")
            }
            throw invalid(key, "must be > 0, got \(number)")
        }
        return cast
    }

    /// A factor that must be > 0, such as `t_mul`: finite and > 0 after Keras's float32 cast.
    func positive(_ key: String, _ number: KerasNumber, in dtype: DType) throws -> Double {
        try positiveSteps(key, number, in: dtype)
    }

    /// A hyper-parameter that must be finite and >= 0 as the schedule computes with it.
    func nonNegative(_ key: String, _ number: KerasNumber, in dtype: DType) throws -> Double {
        let cast = try number.checkedCast(key, in: dtype, reader: self)
        guard cast >= 0 else {
            throw invalid(key, "must be >= 0, got \(number)")
        }
        return cast
    }

    /// `invalid(_:_:)` for an entry of an array key: the field is the key, the message
    /// names the entry (`values[2]`).
    func invalid(_ key: String, _ message: String, label: String) -> ScheduleError {
        guard label != key else { return invalid(key, message) }
        return ScheduleError(.invalidValue, field: key, "invalid \(className) config: \(label) \(message)")
    }

    /// Refuses a hyper-parameter that TensorFlow would hold as a subnormal float32 and pass to
    /// the C library's `pow` or `log`: with denormals treated as zero, glibc then reads the
    /// bits of a zero as a subnormal number and returns a value no formula gives.
    func normalInFloat32(_ key: String, _ number: KerasNumber) throws {
        guard case .float(let value) = number, Float(value).isSubnormal else { return }
        throw invalid(
            key,
            "must be 0 or at least \(Float.leastNormalMagnitude) (float32's least normal number), got \(number): TensorFlow flushes smaller numbers to zero in some operations and not others"
        )
    }
}
