/// The records one transaction of a `LedgerStore` reads and writes: the whole
/// vocabulary the ledger's rules use to speak to storage.
///
/// Every method is one statement or a few, with no decision in it: the rules decide,
/// the store stores. Compare-and-set writes (`touchSegment`, `closeSegment`) return
/// whether they applied, so the rules can fence a writer that lost its segment; a
/// writer's commit, with its own fences, is one call of `LedgerStore.commit`. Runs, segments and schedule versions are named by the ids the
/// store gave them.
protocol LedgerTransaction {
    // MARK: Runs

    /// The run named `name`, or nil.
    func run(named name: String) throws -> StoredRun?
    /// The run with id `id`, or nil.
    func run(id: Int64) throws -> StoredRun?
    /// Every run, ordered by name, with the schedule in force at its committed step.
    func runListing() throws -> [StoredRunListing]
    /// The listing of one run, or nil.
    func runListing(named name: String) throws -> StoredRunListing?
    /// Every run's name, in order.
    func runNames() throws -> [String]
    /// Creates a run at step 0, `running`; returns its id.
    func insertRun(name: String, targetSteps: Int64, settings: String, now: String) throws -> Int64
    /// Sets the run's counter, status and target, as an attach does.
    func updateRun(id: Int64, step: Int64, status: RunStatus, targetSteps: Int64, now: String) throws
    /// Sets the run's status.
    func setRunStatus(id: Int64, _ status: RunStatus, now: String) throws
    /// Renames the run.
    func renameRun(id: Int64, to name: String, now: String) throws
    /// How many rows of each kind the run holds, for a deletion record and a run's detail. A
    /// store with block summaries counts the canonical rows from them (rows a summary
    /// misses, written around the rules, are what `audit` reports).
    func rowCounts(runID: Int64) throws -> StoredRowCounts
    /// Records the deletion and deletes the run with everything that belongs to it.
    func deleteRun(id: Int64, record: DeletedRunRecord) throws

    // MARK: Schedules

    /// The run's schedule versions, by id.
    func scheduleVersions(runID: Int64) throws -> [StoredScheduleVersion]
    /// Records a schedule version taking effect at `fromStep`; returns its id.
    @discardableResult
    func insertScheduleVersion(
        runID: Int64, fromStep: Int64, config: String, dtype: String, sha256: String, now: String
    ) throws -> Int64

    // MARK: Segments

    /// The run's segments, by id.
    func segments(runID: Int64) throws -> [StoredSegment]
    /// The run's open segments (no end reason), by id.
    func openSegments(runID: Int64) throws -> [StoredSegment]
    /// Opens a segment; returns its id.
    func insertSegment(_ opening: SegmentOpening) throws -> Int64
    /// Refreshes an open segment's heartbeat; false when the segment is closed.
    func touchSegment(id: Int64, now: String) throws -> Bool
    /// Closes an open segment; false when it was already closed. A nil `endedAt`
    /// takes its last heartbeat (a crashed writer's last sign of life).
    func closeSegment(id: Int64, endStep: Int64, endedAt: String?, reason: EndReason) throws -> Bool

    // MARK: Rates

    /// Appends logged rates to the canonical history in one batch: the hot path. A store
    /// that keeps block summaries (`rateBlocks`) brings the touched blocks' up to date in
    /// the same transaction.
    ///
    /// - throws: `DuplicateStep` when a step is already in the history.
    func insertRates(runID: Int64, rows: UnsafeBufferPointer<LoggedRate>) throws
    /// Moves the canonical rows at or past `step` to the audit trail, attributed to the
    /// segment that logged them, as superseded by `segmentID`; returns how many moved. Block
    /// summaries are recomputed from the rows that remain.
    func supersedeRates(runID: Int64, from step: Int64, by segmentID: Int64, reason: String, now: String) throws -> Int
    /// Streams the canonical rows in `from...to`, in step order, a batch at a time (the
    /// hot path of audit, history and the resume checks: a call per batch, not per row).
    func rates(runID: Int64, from: Int64, to: Int64, _ body: (UnsafeBufferPointer<StoredRate>) throws -> Void)
        throws
    /// Whether the canonical history has a row at `step`.
    func hasRate(runID: Int64, step: Int64) throws -> Bool
    /// The canonical rows in `from...to` cut into buckets of `width` steps (bucket `i`
    /// starts at `from + i * width`), each reduced to its first and last step, its row
    /// count and its minimum and maximum rate and loss; empty buckets left out. A store
    /// with block summaries reduces the whole blocks of a bucket from them (see `rateBlocks`).
    func seriesBuckets(runID: Int64, from: Int64, to: Int64, width: Int64) throws -> [SeriesBucket]
    /// Deletes the canonical rows at or past `step` (an imported source that restarted),
    /// recomputing block summaries from the rows that remain.
    func deleteRates(runID: Int64, from step: Int64) throws
    /// The stored summaries of the blocks `from...to` of the canonical history, by block
    /// (see `StoredRateBlock`). A block may have no summary: its rows tell. A store that
    /// keeps none returns none.
    func rateBlocks(runID: Int64, from: Int64, to: Int64) throws -> [StoredRateBlock]
    /// The audit trail's rows, by step.
    func supersededRates(runID: Int64) throws -> [SupersededRate]
    /// The number of rows in the audit trail.
    func supersededCount(runID: Int64) throws -> Int64

    // MARK: Checkpoints

    /// The run's checkpoints, newest first.
    func checkpoints(runID: Int64) throws -> [StoredCheckpoint]
    /// The newest checkpoint, or nil.
    func latestCheckpoint(runID: Int64) throws -> StoredCheckpoint?
    /// Whether a checkpoint at `step` is kept.
    func hasCheckpoint(runID: Int64, step: Int64) throws -> Bool
    /// Deletes the checkpoint at `step`.
    func deleteCheckpoint(runID: Int64, step: Int64) throws

    // MARK: Events

    /// Records what happened to a run and why.
    func recordEvent(
        runID: Int64, segmentID: Int64?, at time: String, kind: RunEvent.Kind, step: Int64?, message: String)
        throws
    /// The run's events, in order.
    func events(runID: Int64) throws -> [StoredEvent]

    // MARK: Imported runs

    /// Records where an imported run came from.
    func insertImportSource(_ source: ImportSource, runID: Int64, rows: Int64, now: String) throws
    /// Where the run was imported from, or nil for a run this ledger recorded.
    func importSource(runID: Int64) throws -> ImportSource?
    /// Appends values of an imported source, in its order.
    func insertImportedValues(runID: Int64, values: UnsafeBufferPointer<ImportedValue>) throws
    /// Streams an imported run's values in source order, each with the value logged
    /// for its step just before it.
    func importedValues(runID: Int64, _ body: (ImportedValueCheck) throws -> Void) throws

    // MARK: Chain

    /// The run's chain links in order: all, or the last `last`.
    func chainLinks(runID: Int64, last: Int?) throws -> [ChainLink]
    /// Appends a link.
    func insertChainLink(_ link: ChainLink, runID: Int64, at time: String) throws
    /// The end step of the run's `legacy` link (history from before the chain), or nil.
    func legacyChainEnd(runID: Int64) throws -> Int64?
    /// Whether a commit link committed a checkpoint at `step` with `sha256` (by `segmentID`, when given).
    func hasCheckpointCommit(runID: Int64, step: Int64, sha256: String?, segmentID: Int64??) throws -> Bool
    /// The latest commit link that committed a checkpoint, or nil.
    func latestCheckpointCommit(runID: Int64) throws -> ChainLink?
    /// The `attach` links after `seq` that discarded checkpoints.
    func discardingAttaches(runID: Int64, after seq: Int64) throws -> [ChainLink]
    /// The latest link that opened a segment (`create` or `attach`), or nil.
    func latestOpeningLink(runID: Int64) throws -> ChainLink?
    /// The digest of link `seq`, or nil.
    func chainDigest(runID: Int64, seq: Int64) throws -> String?
    /// The old name of the first `rename` link after `seq`, or nil.
    func nameRenamed(runID: Int64, after seq: Int64) throws -> String?
}

/// A `LedgerTransaction.insertRates` refusal: a step is already in the history.
struct DuplicateStep: Error {
    /// The store's own words.
    let detail: String
}
