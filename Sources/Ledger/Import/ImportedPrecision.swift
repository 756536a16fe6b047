import Schedules

/// How precisely the source of an imported run kept its values, which decides how exactly
/// the audit compares them with the schedule.
public enum ImportedPrecision: String, Sendable, Hashable {
    /// 32-bit floats (TensorBoard's `simple_value`, float32 tensors).
    case float32
    /// 64-bit floats (MLflow, float64 tensors).
    case float64
    /// Decimal text (CSV), read as the nearest 64-bit float.
    case decimal

    /// The precision the audit compares at for a schedule computed in `dtype`: float32 when
    /// either the schedule or the source is float32, float64 otherwise.
    ///
    /// A float32 rate that went through decimal text (Python's `repr`, a CSV writer) or a
    /// float64 (MLflow keeps `float(tensor)`) reads back to the same float32 when rounded
    /// to float32, so it still matches bit for bit; a float64 schedule's rate logged as a
    /// float32 can only be checked to float32.
    public func comparisonDType(schedule dtype: DType) -> DType {
        dtype == .float32 || self == .float32 ? .float32 : .float64
    }
}
