/// How precisely a source kept a logged value, which decides how exactly the audit can
/// compare it with a schedule's rate.
public enum SourcePrecision: String, Sendable, Hashable, CaseIterable {
    /// A 32-bit float: TensorBoard's `simple_value`, or a float32 tensor.
    case float32
    /// A 64-bit float: MLflow's `value` column, or a float64 tensor.
    case float64
    /// Decimal text (a CSV field), read as the nearest 64-bit float. Text printed from a
    /// float32 reads back to that float32 exactly when rounded to float32.
    case decimal

    /// The coarser of two precisions: float32 wins over the others.
    public func coarser(_ other: SourcePrecision) -> SourcePrecision {
        self == .float32 || other == .float32 ? .float32 : (self == .decimal ? .decimal : other)
    }
}
