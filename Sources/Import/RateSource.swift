/// A reader of one logged series (a learning rate) from another tool's files.
///
/// A source reads its file from the start on each call to `read(_:)`, handing each record
/// to `body` in the order the file holds them and keeping none: memory stays constant
/// whatever the file's size. Any problem with the file throws an `ImportError` naming it.
public protocol RateSource {
    /// What is read, for messages and the ledger: `tag learning_rate of events.out...`.
    var description: String { get }
    /// The name of the series read: the CSV column, TensorBoard tag or MLflow key.
    var series: String { get }

    /// Reads every record, in source order.
    ///
    /// - parameter body: called for each record; what it throws stops the read and is
    ///   rethrown unchanged.
    /// - throws: `ImportError` for a problem with the file, or what `body` throws.
    func read(_ body: (SourceRecord) throws -> Void) throws
}
