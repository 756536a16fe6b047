/// Where an imported run's rates came from, recorded with it in `imported_run`.
public struct ImportSource: Sendable, Hashable {
    /// `csv`, `tensorboard` or `mlflow`.
    public let format: String
    /// The file or folder read, as given.
    public let path: String
    /// The series read: the CSV column, TensorBoard tag or MLflow metric key.
    public let series: String
    /// The MLflow run id; nil for other formats.
    public let sourceRun: String?
    /// How precisely the source kept its values (the coarsest of them).
    public let precision: ImportedPrecision

    public init(format: String, path: String, series: String, sourceRun: String? = nil, precision: ImportedPrecision) {
        self.format = format
        self.path = path
        self.series = series
        self.sourceRun = sourceRun
        self.precision = precision
    }

    /// `tensorboard tag learning_rate of logs/train`, for events and messages.
    public var summary: String {
        let what =
            switch format {
            case "csv": "column"
            case "tensorboard": "tag"
            default: "key"
            }
        return "\(format) \(what) \(series)\(sourceRun.map { " of MLflow run \($0)" } ?? "") in \(path)"
    }
}
