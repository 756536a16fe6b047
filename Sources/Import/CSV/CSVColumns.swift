/// The columns of a CSV file that hold the step, the rate and the wall time, chosen by
/// name from its header.
///
/// Defaults, tried in order (exact name first, then ignoring case):
/// - step: `step`, `Step`, `_step` (Weights & Biases), `global_step`, `iteration`, `epoch`
///   (Keras's `CSVLogger`, one row per epoch);
/// - rate: `lr`, `learning_rate`, `value`/`Value` (TensorBoard and MLflow exports), then the
///   one column whose name ends with `lr` or `learning_rate` (`train/lr`, `run - lr`);
/// - wall time: `wall_time`, `Wall time`, `_timestamp`, `timestamp` (optional).
public struct CSVColumns: Sendable, Hashable {
    /// The header row as read.
    public let header: [String]
    /// The step column's name and index.
    public let step: String
    public let stepIndex: Int
    /// The rate column's name and index.
    public let rate: String
    public let rateIndex: Int
    /// The wall-time column's index, when there is one.
    public let wallTimeIndex: Int?

    /// Step column names tried when none is given.
    public static let defaultStepNames = ["step", "Step", "_step", "global_step", "iteration", "epoch"]
    /// Rate column names tried when none is given.
    public static let defaultRateNames = ["lr", "learning_rate", "value", "Value"]
    /// Wall-time column names.
    public static let wallTimeNames = ["wall_time", "Wall time", "_timestamp", "timestamp"]

    /// Chooses the columns.
    ///
    /// - throws: `ImportError` `.badCSV` naming the file, what is missing and the columns
    ///   the header has.
    public init(header: [String], step: String?, rate: String?, path: String) throws {
        self.header = header
        let listed = header.map { "'\($0)'" }.joined(separator: ", ")
        func find(_ names: [String]) -> Int? {
            for name in names { if let index = header.firstIndex(of: name) { return index } }
            for name in names {
                if let index = header.firstIndex(where: { $0.lowercased() == name.lowercased() }) { return index }
            }
            return nil
        }
        guard let stepIndex = find(step.map { [$0] } ?? Self.defaultStepNames) else {
            let wanted = step.map { "no column '\($0)'" } ?? "no step column (step, Step, _step, global_step, epoch)"
            throw ImportError(
                .badCSV, "\(path) has \(wanted); its columns are \(listed); name the step column", setting: .stepColumn)
        }
        var rateIndex = find(rate.map { [$0] } ?? Self.defaultRateNames)
        if rateIndex == nil, rate == nil {
            let candidates = header.indices.filter { index in
                let name = header[index].lowercased()
                return index != stepIndex && (name.hasSuffix("lr") || name.hasSuffix("learning_rate"))
            }
            if candidates.count == 1 { rateIndex = candidates[0] }
        }
        guard let rateIndex else {
            let wanted = rate.map { "no column '\($0)'" } ?? "no single rate column (lr, learning_rate, value)"
            throw ImportError(
                .badCSV, "\(path) has \(wanted); its columns are \(listed); name the rate column", setting: .rateColumn)
        }
        self.step = header[stepIndex]
        self.stepIndex = stepIndex
        self.rate = header[rateIndex]
        self.rateIndex = rateIndex
        let wall = find(Self.wallTimeNames)
        self.wallTimeIndex = wall == stepIndex || wall == rateIndex ? nil : wall
    }
}
