import Foundation

extension Ledger {
    // MARK: - Managing runs

    /// Makes every check the change's method makes before it writes, reading only, and
    /// throws the error it would throw. Works on a read-only ledger.
    ///
    /// - throws: `LedgerError` with `.runNotFound`, `.runBusy` (a live writer holds the
    ///   run), `.runExists` or `.similarRunExists` (a rename's new name), `.invalidArgument`.
    public func checkChange(_ change: RunChange) throws {
        try store.read(change.action) { tx in _ = try checkedRun(tx, change) }
    }

    /// Deletes the run and everything that belongs to it (its rate log and audit trail,
    /// segments, schedule versions, checkpoints, chain links and events) in one
    /// transaction, and keeps a `deleted_run` record saying what it was and who deleted
    /// it when. Checkpoint files a trainer kept in its own folder are left where they are.
    ///
    /// ```swift
    /// let deleted = try ledger.deleteRun(named: "typo-run")
    /// print("deleted \(deleted.rateRows) logged rates")
    /// ```
    ///
    /// - throws: `LedgerError` `.runNotFound`, `.runBusy` (a live writer holds the run;
    ///   the message names its pid and host), `.readOnly`, `.busy`, `.databaseFull`.
    @discardableResult
    public func deleteRun(named name: String) throws -> DeletedRun {
        let change = RunChange.delete(run: name)
        let deleted = try inChangeTransaction(change) { tx, run in
            try delete(tx, run: run)
        }
        logger.debug(
            "deleted run",
            metadata: ["run": "\(name)", "step": "\(deleted.step)", "rate_rows": "\(deleted.rateRows)"])
        return deleted
    }

    /// Renames the run. The rename is a `renamed` event and a link of the run's hash
    /// chain holding the old name, so `audit` vouches for the history under both names.
    ///
    /// The new name follows the rules for creating a run: a valid name (`RunName`), no
    /// run of that name, and none whose name differs from it only by case or a small edit
    /// (the run being renamed excepted, so fixing a name's case is allowed).
    ///
    /// - throws: `LedgerError` `.runNotFound`, `.runBusy`, `.runExists`,
    ///   `.similarRunExists`, `.invalidArgument`, `.readOnly`, `.busy`, `.databaseFull`.
    public func renameRun(_ name: String, to newName: String) throws {
        let change = RunChange.rename(run: name, to: newName)
        try inChangeTransaction(change) { tx, run in
            let now = Timestamp.now().description
            try tx.renameRun(id: run.id, to: newName, now: now)
            let me = ProcessIdentity.current
            try tx.recordEvent(
                runID: run.id, segmentID: nil, at: now, kind: .renamed, step: run.step,
                message: "renamed from \(name) to \(newName) by pid \(me.pid) on host \(me.host)")
            _ = try ChainCursor.load(tx, runID: run.id).appendRename(
                tx, runID: run.id, from: name, step: run.step, now: now)
        }
        logger.debug("renamed run", metadata: ["run": "\(newName)", "from": "\(name)"])
    }

    /// Adds a note to the run's events (kind `note`, at the run's committed step): why it
    /// was stopped, what was changed outside it, what its results mean.
    ///
    /// A note is text about the run, not part of its history: it is not a chain link.
    ///
    /// - throws: `LedgerError` `.runNotFound`, `.runBusy`, `.invalidArgument` (an empty
    ///   note, or one holding control characters other than line breaks and tabs),
    ///   `.readOnly`, `.busy`, `.databaseFull`.
    public func addNote(toRun name: String, _ text: String) throws {
        try inChangeTransaction(.note(run: name, text: text)) { tx, run in
            try tx.recordEvent(
                runID: run.id, segmentID: nil, at: Timestamp.now().description, kind: .note, step: run.step,
                message: text)
        }
    }

    // MARK: - Rules

    /// Runs `body` in one write transaction after the change's checks, with the run.
    @discardableResult
    private func inChangeTransaction<T>(_ change: RunChange, _ body: (any LedgerTransaction, StoredRun) throws -> T)
        throws -> T
    {
        try checkBeforeFirstWrite { try checkChange(change) }
        return try store.write(change.action) { tx in try body(tx, try checkedRun(tx, change)) }
    }

    /// The run, after every check the change needs; throws the refusal.
    private func checkedRun(_ tx: any LedgerTransaction, _ change: RunChange) throws -> StoredRun {
        if case .note(_, let text) = change, let problem = Self.noteProblem(text) {
            throw LedgerError(.invalidArgument, "cannot add the note to run \(change.run): \(problem)")
        }
        guard let run = try tx.run(named: change.run) else {
            throw LedgerError(
                .runNotFound, "cannot \(change.action): there is no run named \(change.run) in \(location)")
        }
        if case .rename(let name, let newName) = change {
            try checkNewName(tx, newName, renaming: name)
        }
        do {
            _ = try deadSegmentHolders(tx, runName: change.run, runID: run.id)
        } catch let error as LedgerError where error.code == .runBusy {
            throw LedgerError(.runBusy, "cannot \(change.action): \(error.message)")
        }
        return run
    }

    /// Refuses a new name that is invalid, taken, or close to another run's.
    private func checkNewName(_ tx: any LedgerTransaction, _ newName: String, renaming name: String) throws {
        if newName == name {
            throw LedgerError(.invalidArgument, "run \(name) already has that name; give a different new name")
        }
        if let problem = RunName.problem(newName) {
            throw LedgerError(.invalidArgument, "cannot rename run \(name): \(problem)")
        }
        let names = try tx.runNames().filter { $0 != name }
        if names.contains(newName) {
            throw LedgerError(
                .runExists,
                "cannot rename run \(name) to \(newName): a run of that name already exists in \(location); choose another name"
            )
        }
        let similar = names.filter { RunNameSimilarity.areSimilar($0, newName) }
        if !similar.isEmpty {
            let listed = similar.prefix(3).joined(separator: ", ")
            throw LedgerError(
                .similarRunExists,
                "cannot rename run \(name) to \(newName): \(similar.count == 1 ? "run" : "runs") \(listed) \(similar.count == 1 ? "exists" : "exist") with a name that differs only by case or a small edit, which a later resume could mistake for a typo; choose a more distinct name"
            )
        }
    }

    /// Why `text` cannot be a note, or nil.
    static func noteProblem(_ text: String) -> String? {
        if text.allSatisfy(\.isWhitespace) { return "the note is empty" }
        if text.unicodeScalars.count > 10_000 { return "the note is longer than 10000 characters" }
        for scalar in text.unicodeScalars where scalar != "\n" && scalar != "\t" {
            let category = scalar.properties.generalCategory
            if category == .control || (0x202A...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value)
            {
                return
                    "it holds the control character U+\(String(scalar.value, radix: 16, uppercase: true)); write plain text (line breaks and tabs are kept)"
            }
        }
        return nil
    }

    /// Deletes the run with everything that belongs to it, after recording it in `deleted_run`.
    private func delete(_ tx: any LedgerTransaction, run: StoredRun) throws -> DeletedRun {
        let counts = try tx.rowCounts(runID: run.id)
        // The schedule version in force at the committed step, as stored.
        let schedule = try tx.scheduleVersions(runID: run.id).last { $0.fromStep <= run.step }
        let me = ProcessIdentity.current
        let deleted = DeletedRun(
            name: run.name, status: run.status, step: run.step, rateRows: counts.rates,
            supersededRows: counts.superseded, segments: counts.segments, checkpoints: counts.checkpoints,
            chainHead: try tx.chainLinks(runID: run.id, last: 1).last?.digest, deletedAt: Timestamp.now())
        try tx.deleteRun(
            id: run.id,
            record: DeletedRunRecord(
                deleted: deleted, targetSteps: run.targetSteps, schedule: schedule?.config, dtype: schedule?.dtype,
                settings: run.settings, createdAt: run.createdAt, pid: me.pid,
                host: me.host))
        return deleted
    }
}
