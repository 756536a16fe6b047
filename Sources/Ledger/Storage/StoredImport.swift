/// One value of an imported source, in the source's order: the evidence an imported
/// run's audit reads (a step logged twice, or going back, is kept).
struct ImportedValue {
    var seq: Int64
    var step: Int64
    var rate: Double
    var wallTime: Double?
}

/// An imported value as the audit reads it back, with the value the source logged for
/// the same step just before it, if any.
struct ImportedValueCheck {
    var step: Int64
    var rate: Double
    var earlier: Double?
}
