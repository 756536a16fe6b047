/// One logged value read from another tool's record of a run: the step it was logged at,
/// the value, and when it was written, in the order the source holds them.
///
/// Sources are read as they are: a step that appears twice, or a step lower than the one
/// before (a run that restarted), is passed on unchanged, since it is evidence of what
/// happened to the run.
public struct SourceRecord: Sendable, Hashable {
    /// The step the value was logged at (TensorBoard's event step, MLflow's metric step, a
    /// CSV file's step column).
    public let step: Int64
    /// The value as the source kept it, widened to `Double`.
    public let value: Double
    /// How precisely the source kept `value`.
    public let precision: SourcePrecision
    /// Seconds since the epoch when the value was written, where the source says.
    public let wallTime: Double?

    public init(step: Int64, value: Double, precision: SourcePrecision, wallTime: Double?) {
        self.step = step
        self.value = value
        self.precision = precision
        self.wallTime = wallTime
    }
}
