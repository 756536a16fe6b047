import Foundation
import GRDB

extension Ledger {
    // MARK: - Managing runs

    /// Makes every check the change's method makes before it writes, reading only, and
    /// throws the error it would throw. Works on a read-only ledger.
    ///
    /// - throws: `LedgerError` with `.runNotFound`, `.runBusy` (a live writer holds the
    ///   run), `.runExists` or `.similarRunExists` (a rename's new name), `.invalidArgument`.
    public func checkChange(_ change: RunChange) throws {
        try LedgerError.translating(path: path, change.action) {
            try pool.read { db in _ = try checkedRun(db, change) }
        }
    }

    /// `checkChange(_:)` on the ledger at `path`, opened read-only: nothing is written and
    /// no file is created, so a command that is refused leaves every file as it was.
    ///
    /// - throws: `LedgerError`: as `openReadOnly(path:busyTimeout:logger:)` and `checkChange(_:)`.
    public static func checkChange(
        path: String, busyTimeout: Double = LedgerConfiguration().busyTimeout, _ change: RunChange
    ) throws {
        try Ledger.openReadOnly(path: path, busyTimeout: busyTimeout).checkChange(change)
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
        let deleted = try inChangeTransaction(change) { db, runID in
            try delete(db, runID: runID, name: name)
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
        try inChangeTransaction(change) { db, runID in
            let now = Timestamp.now()
            let step = try Int64.fetchOne(db, sql: "SELECT step FROM run WHERE id = ?", arguments: [runID]) ?? 0
            try db.execute(
                sql: "UPDATE run SET name = ?, updated_at = ? WHERE id = ?", arguments: [newName, now, runID])
            let me = ProcessIdentity.current
            try RunEvents.record(
                db, run: runID, segment: nil, at: now, kind: "renamed", step: step,
                message: "renamed from \(name) to \(newName) by pid \(me.pid) on host \(me.host)")
            _ = try ChainCursor.load(db, runID: runID).appendRename(db, runID: runID, from: name, step: step, now: now)
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
        try inChangeTransaction(.note(run: name, text: text)) { db, runID in
            let step = try Int64.fetchOne(db, sql: "SELECT step FROM run WHERE id = ?", arguments: [runID])
            try RunEvents.record(
                db, run: runID, segment: nil, at: Timestamp.now(), kind: "note", step: step, message: text)
        }
    }

    // MARK: - Rules

    /// Runs `body` in an IMMEDIATE transaction after the change's checks, with the run's id.
    @discardableResult
    private func inChangeTransaction<T>(_ change: RunChange, _ body: (Database, Int64) throws -> T) throws -> T {
        let pool = try writablePool(for: change.action)
        return try LedgerError.translating(path: path, change.action) {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db, try checkedRun(db, change))
                    return .commit
                }
                guard let result else { throw LedgerError(.sqlite, "\(change.action) did not complete") }
                return result
            }
        }
    }

    /// The run's id, after every check the change needs; throws the refusal.
    private func checkedRun(_ db: Database, _ change: RunChange) throws -> Int64 {
        if case .note(_, let text) = change, let problem = Self.noteProblem(text) {
            throw LedgerError(.invalidArgument, "cannot add the note to run \(change.run): \(problem)")
        }
        guard
            let runID = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE name = ?", arguments: [change.run])
        else {
            throw LedgerError(.runNotFound, "cannot \(change.action): there is no run named \(change.run) in \(path)")
        }
        if case .rename(let name, let newName) = change {
            try checkNewName(db, newName, renaming: name)
        }
        do {
            _ = try deadSegmentHolders(db, runName: change.run, runID: runID)
        } catch let error as LedgerError where error.code == .runBusy {
            throw LedgerError(.runBusy, "cannot \(change.action): \(error.message)")
        }
        return runID
    }

    /// Refuses a new name that is invalid, taken, or close to another run's.
    private func checkNewName(_ db: Database, _ newName: String, renaming name: String) throws {
        if newName == name {
            throw LedgerError(.invalidArgument, "run \(name) already has that name; give a different new name")
        }
        if let problem = RunName.problem(newName) {
            throw LedgerError(.invalidArgument, "cannot rename run \(name): \(problem)")
        }
        let names = try String.fetchAll(
            db, sql: "SELECT name FROM run WHERE name <> ? ORDER BY name", arguments: [name])
        if names.contains(newName) {
            throw LedgerError(
                .runExists,
                "cannot rename run \(name) to \(newName): a run of that name already exists in \(path); choose another name"
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

    /// Deletes the run's rows, child tables first, after recording it in `deleted_run`.
    private func delete(_ db: Database, runID: Int64, name: String) throws -> DeletedRun {
        func count(_ table: String) throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE run_id = ?", arguments: [runID]) ?? 0
        }
        guard
            let run = try Row.fetchOne(
                db,
                sql: """
                    SELECT status, step, target_steps, settings, created_at,
                        (SELECT config FROM schedule_version WHERE run_id = run.id AND from_step <= run.step
                            ORDER BY id DESC LIMIT 1) AS schedule,
                        (SELECT dtype FROM schedule_version WHERE run_id = run.id AND from_step <= run.step
                            ORDER BY id DESC LIMIT 1) AS dtype,
                        (SELECT digest FROM chain_link WHERE run_id = run.id ORDER BY seq DESC LIMIT 1) AS chain_head
                    FROM run WHERE id = ?
                    """, arguments: [runID])
        else { throw LedgerError(.runNotFound, "cannot delete run \(name): there is no run named \(name) in \(path)") }
        let me = ProcessIdentity.current
        let deleted = DeletedRun(
            name: name, status: try run.value("status"), step: try run.value("step"),
            rateRows: try count("rate_log"), supersededRows: try count("rate_log_superseded"),
            segments: try count("segment"), checkpoints: try count("checkpoint"),
            chainHead: try run.value("chain_head"), deletedAt: Timestamp.now())
        try db.execute(
            sql: """
                INSERT INTO deleted_run (name, status, step, target_steps, schedule, dtype, settings, created_at,
                    rate_rows, superseded_rows, segments, checkpoints, chain_head, deleted_at, pid, host)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                name, deleted.status, deleted.step, try run.value("target_steps", as: Int64.self),
                try run.value("schedule", as: String?.self), try run.value("dtype", as: String?.self),
                try run.value("settings", as: String.self), try run.value("created_at", as: String.self),
                deleted.rateRows, deleted.supersededRows, deleted.segments, deleted.checkpoints, deleted.chainHead,
                deleted.deletedAt, Int64(me.pid), me.host,
            ])
        for table in [
            "rate_log", "rate_log_superseded", "checkpoint", "chain_link", "run_event", "schedule_version", "segment",
        ] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [runID])
        }
        try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [runID])
        return deleted
    }
}
