/// A run event as a store holds it: its time as stored text.
struct StoredEvent {
    var id: Int64
    var segmentID: Int64?
    var at: String
    var kind: RunEvent.Kind
    var step: Int64?
    var message: String

    /// The event as the public API shows it.
    ///
    /// - parameter run: the run's name, for the message of a time that does not parse.
    /// - throws: `LedgerError` `.corrupt` naming a time edited outside lrledger.
    func event(run: String) throws -> RunEvent {
        RunEvent(
            id: id, segmentID: segmentID, at: try Timestamp.stored(at, run: run, column: "run_event.at"), kind: kind,
            step: step, message: message)
    }
}
