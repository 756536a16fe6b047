/// The kinds of files `lrledger import` reads.
public enum ImportFormat: String, Sendable, Hashable, CaseIterable {
    /// A CSV export (MLflow, Weights & Biases, TensorBoard) or Keras's `CSVLogger` file.
    case csv
    /// A TensorBoard event file (`events.out.tfevents.*`), or a folder of them.
    case tensorboard
    /// MLflow's SQLite tracking store (`mlflow.db`).
    case mlflow

    /// The format a path's name suggests: `.csv`; an event file name or a folder
    /// (a TensorBoard log folder); `.db`, `.sqlite` or `.sqlite3` (MLflow's store); nil
    /// when the name says nothing.
    ///
    /// - parameter path: the file or folder.
    /// - parameter isDirectory: whether the path is a folder.
    public static func guess(path: String, isDirectory: Bool) -> ImportFormat? {
        if isDirectory { return .tensorboard }
        let name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if name.hasSuffix(".csv") { return .csv }
        if name.contains("tfevents") { return .tensorboard }
        if name.hasSuffix(".db") || name.hasSuffix(".sqlite") || name.hasSuffix(".sqlite3") { return .mlflow }
        return nil
    }
}
