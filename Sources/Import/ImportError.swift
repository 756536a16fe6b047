/// Why a source could not be read: one line naming the problem and the file.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, so new kinds are not breaking changes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file does not exist, is a folder that holds no source, or cannot be read.
        public static let unreadable = Code("unreadable")
        /// The format cannot be guessed from the path, or is unknown.
        public static let unknownFormat = Code("unknownFormat")
        /// A CSV file lacks a column, or a field is not a number.
        public static let badCSV = Code("badCSV")
        /// An event file's record is cut short.
        public static let truncated = Code("truncated")
        /// An event file's record fails its CRC32C.
        public static let badChecksum = Code("badChecksum")
        /// An event file's record is not an `Event` protocol buffer.
        public static let badEvent = Code("badEvent")
        /// The series asked for (tag, key, column, run) is not there, or more than one fits.
        public static let seriesNotFound = Code("seriesNotFound")
        /// The file is not an MLflow tracking store.
        public static let notMLflow = Code("notMLflow")
        /// A step is negative or not an integer, or a value is not finite.
        public static let badValue = Code("badValue")
        /// The source holds no value of the series.
        public static let empty = Code("empty")
    }

    /// Which of the reader's settings chooses among what the source holds, when the
    /// problem is that nothing was chosen or the choice is not there: a front end names
    /// its own way to set it (the command line adds its flag).
    public struct Setting: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The TensorBoard tag of the series.
        public static let tag = Setting("tag")
        /// The MLflow metric key of the series.
        public static let key = Setting("key")
        /// The MLflow run that logged the series.
        public static let mlflowRun = Setting("mlflowRun")
        /// The CSV column that holds the step.
        public static let stepColumn = Setting("stepColumn")
        /// The CSV column that holds the rate.
        public static let rateColumn = Setting("rateColumn")
    }

    /// What kind of problem.
    public let code: Code
    /// One line naming the problem and the file.
    public let message: String
    /// The setting that resolves the problem, if one does.
    public let setting: Setting?

    public init(_ code: Code, _ message: String, setting: Setting? = nil) {
        self.code = code
        self.message = message
        self.setting = setting
    }

    public var description: String { message }
}
