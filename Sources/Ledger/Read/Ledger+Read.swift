import Foundation
import Schedules

extension Ledger {
    // MARK: - Runs

    /// Lists every run, by name.
    ///
    /// - returns: one summary per run, from the `runs` view.
    /// - throws: `LedgerError` when the store fails.
    public func runs() throws -> [RunSummary] {
        try store.read("list runs") { tx in try tx.runListing().map { try judged(tx, $0) } }
    }

    /// A run's summary and its stored settings, without counting its rows, so it costs
    /// the same for a run of ten million steps as for one of ten: what a trainer reads
    /// before it resumes.
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run, `.corrupt` naming a stored
    ///   time edited outside lrledger.
    public func summaryAndSettings(ofRun name: String) throws -> (summary: RunSummary, settings: RunSettings) {
        try store.read("read run \(name)") { tx in
            guard let listing = try tx.runListing(named: name) else { throw runNotFound(name) }
            return (try judged(tx, listing), RunSettings(stored: listing.settings))
        }
    }

    /// Everything about one run: summary, settings, segments, schedule versions,
    /// latest checkpoint (with its state bytes), counts and events.
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run, `.corrupt` naming a stored
    ///   time edited outside lrledger, or the store's failure.
    public func run(named name: String) throws -> RunDetail {
        try store.read("read run \(name)") { tx in
            guard let listing = try tx.runListing(named: name) else { throw runNotFound(name) }
            let head = try tx.chainLinks(runID: listing.id, last: 1).last
            let counts = try tx.rowCounts(runID: listing.id)
            return RunDetail(
                summary: try judged(tx, listing), settings: RunSettings(stored: listing.settings),
                segments: try tx.segments(runID: listing.id).map { try $0.publicSegment(run: name) },
                schedules: try Self.scheduleVersions(tx, runID: listing.id, run: name),
                latestCheckpoint: try tx.latestCheckpoint(runID: listing.id)?.checkpoint(run: name),
                checkpointCount: Int(counts.checkpoints), loggedRows: counts.rates, supersededRows: counts.superseded,
                events: try tx.events(runID: listing.id).map { try $0.event(run: name) }, chainHead: head?.digest,
                chainLength: head?.seq ?? 0)
        }
    }

    /// A run's summary, segments and schedule versions, without counting its rows or
    /// reading its checkpoints: what `history` and `plot` need to print its rates in
    /// their dtypes and mark its restarts and schedule changes.
    ///
    /// ```swift
    /// let outline = try ledger.outline(ofRun: "demo")
    /// print(outline.summary.dtype, outline.segments.count, outline.schedules.count)
    /// ```
    ///
    /// - parameter name: the run's name.
    /// - throws: `LedgerError` `.runNotFound` naming the run.
    public func outline(ofRun name: String) throws -> RunOutline {
        try store.read("read run \(name)") { tx in
            guard let listing = try tx.runListing(named: name) else { throw runNotFound(name) }
            return RunOutline(
                summary: try judged(tx, listing),
                segments: try tx.segments(runID: listing.id).map { try $0.publicSegment(run: name) },
                schedules: try Self.scheduleVersions(tx, runID: listing.id, run: name))
        }
    }

    // MARK: - History

    /// Streams the run's canonical logged rates in step order, one callback per row,
    /// without loading them all in memory.
    ///
    /// ```swift
    /// try ledger.history(run: "demo", from: 100, to: 199) { row in
    ///     print(row.step, row.rate)
    /// }
    /// ```
    ///
    /// - parameter run: the run's name.
    /// - parameter from: the first step to include, or nil for the start.
    /// - parameter to: the last step to include (inclusive), or nil for the end.
    /// - parameter body: called for each row; an error it throws stops the stream and
    ///   is rethrown unchanged.
    /// - throws: `LedgerError` `.runNotFound` naming the run, or what `body` throws.
    public func history(run: String, from: Int64? = nil, to: Int64? = nil, _ body: (RateRow) throws -> Void) throws {
        try store.read("read the history of run \(run)") { tx in
            let runID = try runID(tx, named: run)
            var resolver = SegmentResolver(
                segments: try tx.segments(runID: runID).map { (start: $0.startStep, id: $0.id) })
            let dtypes = LatestRecorded(
                try tx.scheduleVersions(runID: runID).map {
                    (start: $0.fromStep, id: $0.id, value: try Self.dtype($0.dtype, run: run))
                }
            ).intervals.map { (from: $0.start, dtype: $0.value) }
            var dtypeIndex = 0
            try tx.rates(runID: runID, from: from ?? Int64.min, to: to ?? Int64.max) { batch in
                for row in batch {
                    while dtypeIndex + 1 < dtypes.count, dtypes[dtypeIndex + 1].from <= row.step {
                        dtypeIndex += 1
                    }
                    try body(
                        RateRow(
                            step: row.step, rate: row.rate, loss: row.hasLoss ? row.loss : nil,
                            segment: resolver.segment(at: row.step) ?? 0,
                            dtype: dtypes.isEmpty ? .float32 : dtypes[dtypeIndex].dtype))
                }
            }
        }
    }

    // MARK: - Helpers

    /// The run's id, or `.runNotFound` naming it.
    func runID(_ tx: any LedgerTransaction, named name: String) throws -> Int64 {
        guard let run = try tx.run(named: name) else { throw runNotFound(name) }
        return run.id
    }

    func runNotFound(_ name: String) -> LedgerError {
        LedgerError(.runNotFound, "no run named \(name) in \(location); list the runs to see their names")
    }

    /// Every schedule version of the run, in the order they take effect.
    static func scheduleVersions(_ tx: any LedgerTransaction, runID: Int64, run name: String) throws
        -> [ScheduleVersion]
    {
        try tx.scheduleVersions(runID: runID).sorted { ($0.fromStep, $0.id) < ($1.fromStep, $1.id) }.map { version in
            ScheduleVersion(
                id: version.id, fromStep: version.fromStep, config: version.config,
                dtype: try Self.dtype(version.dtype, run: name), sha256: version.sha256 ?? "",
                createdAt: try Timestamp.stored(version.createdAt, run: name, column: "schedule_version.created_at"),
                checksumMatches: SHA256Hex.digest(version.config) == version.sha256)
        }
    }

    /// A listed run, its status judged by liveness.
    func judged(_ tx: any LedgerTransaction, _ listing: StoredRunListing) throws -> RunSummary {
        let stored = RunStatus(rawValue: listing.status)
        let (status, heartbeat) = try judgedStatus(tx, runID: listing.id, stored: stored)
        return RunSummary(
            name: listing.name, status: status, step: listing.step, targetSteps: listing.targetSteps,
            schedule: listing.schedule ?? "", dtype: try Self.dtype(listing.dtype, run: listing.name),
            createdAt: try Timestamp.stored(listing.createdAt, run: listing.name, column: "run.created_at"),
            updatedAt: try Timestamp.stored(listing.updatedAt, run: listing.name, column: "run.updated_at"),
            lastHeartbeat: try heartbeat.map {
                try Timestamp.stored($0, run: listing.name, column: "segment.heartbeat_at")
            })
    }

    static func dtype(_ text: String?, run: String) throws -> DType {
        guard let text, let dtype = DType(rawValue: text) else {
            throw LedgerError(
                .corrupt,
                "run \(run) has a schedule dtype '\(text ?? "NULL")', not float32 or float64; it was edited outside lrledger"
            )
        }
        return dtype
    }
}
