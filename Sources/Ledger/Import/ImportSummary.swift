/// What `Ledger.importRun(_:schedule:source:records:)` stored.
public struct ImportSummary: Sendable, Hashable {
    /// The run made.
    public let run: String
    /// Values read from the source (rows of `imported_row`).
    public let rows: Int64
    /// Rows of the canonical history (`rate_history`): one per step, the value logged last.
    public let canonicalRows: Int64
    /// Segments inferred: one, plus one per place the source's step went back or repeated.
    public let segments: Int
    /// The run's step counter: one past the last step logged.
    public let step: Int64
    /// How precisely the source kept its values, as recorded.
    public let precision: ImportedPrecision

    public init(
        run: String, rows: Int64, canonicalRows: Int64, segments: Int, step: Int64, precision: ImportedPrecision
    ) {
        self.run = run
        self.rows = rows
        self.canonicalRows = canonicalRows
        self.segments = segments
        self.step = step
        self.precision = precision
    }
}
