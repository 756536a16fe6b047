/// A change a user makes to a run as a whole, outside training: deleting it, renaming it,
/// or adding a note to it.
///
/// `Ledger.checkChange(_:)` makes every check the change's method makes, reading only;
/// `deleteRun(named:)`, `renameRun(_:to:)` and `addNote(toRun:_:)` make them in their
/// transaction and write nothing when they refuse.
///
/// ```swift
/// let ledger = try Ledger(path: "lrledger.sqlite")
/// try ledger.checkChange(.rename(run: "demo", to: "demo-lr0.1"))   // optional: reads only
/// try ledger.renameRun("demo", to: "demo-lr0.1")
/// ```
public enum RunChange: Sendable, Hashable {
    /// Delete the run and everything that belongs to it, keeping a `deleted_run` record.
    case delete(run: String)
    /// Give the run a new name, recorded in its events and its hash chain.
    case rename(run: String, to: String)
    /// Add a note to the run's events.
    case note(run: String, text: String)

    /// The run the change is about.
    public var run: String {
        switch self {
        case .delete(let run), .rename(let run, _), .note(let run, _): run
        }
    }

    /// What the change does, for messages: `delete run demo`.
    var action: String {
        switch self {
        case .delete(let run): "delete run \(run)"
        case .rename(let run, let new): "rename run \(run) to \(new)"
        case .note(let run, _): "add a note to run \(run)"
        }
    }
}
