/// Prints rates as the shortest decimal that reads back to the exact value in a dtype.
public enum RateText {
    /// `0.06666667` for the float32 value nearest 1/15, `inf`, `-inf` or `nan` for
    /// those values.
    ///
    /// - parameter rate: a value of `dtype`, widened to `Double`.
    public static func string(_ rate: Double, dtype: DType) -> String {
        if rate.isNaN { return "nan" }
        if rate.isInfinite { return rate < 0 ? "-inf" : "inf" }
        switch dtype {
        case .float32: return Float(rate).description
        case .float64: return rate.description
        }
    }
}
