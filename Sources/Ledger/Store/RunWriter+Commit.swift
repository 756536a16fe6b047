import Foundation
import GRDB
import GRDBSQLite

extension RunWriter {
    // MARK: - Commit

    /// Commits progress: the buffered rows for steps before `step`, the step counter
    /// set to `step`, the checkpoint `state` (when given, pruning the oldest beyond the
    /// configured count) and the segment's heartbeat, in one SQLite transaction.
    ///
    /// `step` is the number of updates applied so far: the next update uses
    /// `schedule.rate(at: step)`. Rows logged for `step` or later stay buffered for a
    /// later commit. After a crash at any instant, the ledger holds either this whole
    /// commit or none of it. When the commit fails, nothing of it is written and the
    /// rows stay buffered, so it can be retried.
    ///
    /// Committing without a state on a run that has checkpoints moves the counter past
    /// the latest checkpoint: a later resume rewinds to that checkpoint (moving the
    /// rows after it to the audit trail), and `audit` reports the difference.
    ///
    /// - parameter step: the new step counter; at least the committed one.
    /// - parameter state: the model/optimizer state after `step` updates, or nil.
    /// - returns: what the commit wrote and dropped.
    /// - throws: `LedgerError` with `.invalidArgument` (step going back, steps logged
    ///   out of order, a NaN rate, a closed writer), `.segmentLost` (another process
    ///   closed this segment or moved the counter), `.databaseFull`, `.busy`, `.io`.
    @discardableResult
    public func commit(step: Int64, state: [UInt8]?) throws -> CommitReceipt {
        try commit(step: step, checkpoint: state.map { .inline($0) }, trainerState: nil)
    }

    /// Commits progress with a checkpoint kept as a file: as `commit(step:state:)`, with
    /// the file's reference (path, size, SHA-256) and the trainer's small JSON state in
    /// place of inline bytes.
    ///
    /// Write the file under a temporary name, sync it and rename it before calling this:
    /// the ledger only records the reference. Files of checkpoints dropped beyond the
    /// kept count are named in the receipt, for the caller to remove after the commit.
    ///
    /// ```swift
    /// let file = try folder.describe("ckpt-000500.npz")
    /// let receipt = try writer.commit(step: 500, file: file, trainerState: #"{"epoch":2}"#)
    /// receipt.droppedFiles.forEach { folder.remove($0) }
    /// ```
    ///
    /// - parameter step: the new step counter; at least the committed one.
    /// - parameter file: the checkpoint file's reference.
    /// - parameter trainerState: a small JSON text handed back on resume, or nil.
    /// - throws: as `commit(step:state:)`.
    @discardableResult
    public func commit(step: Int64, file: CheckpointFile, trainerState: String?) throws -> CommitReceipt {
        try commit(step: step, checkpoint: .file(file), trainerState: trainerState)
    }

    /// A checkpoint as committed: inline bytes or a file reference.
    enum CheckpointPayload {
        case inline([UInt8])
        case file(CheckpointFile)

        /// Lowercase hex SHA-256 of the state, wherever it is kept.
        var sha256: String {
            switch self {
            case .inline(let bytes): SHA256Hex.digest(bytes)
            case .file(let file): file.sha256
            }
        }
    }

    private func commit(step: Int64, checkpoint: CheckpointPayload?, trainerState: String?) throws -> CommitReceipt {
        lock.lock()
        defer { lock.unlock() }
        try checkOpen("commit step \(step)")
        if let violation = orderViolation {
            throw LedgerError(
                .invalidArgument,
                "cannot commit run \(runName): step \(violation.step) was logged after step \(violation.previous) (or before the committed step \(committedStep)); steps must increase — call discardBuffer() and log again"
            )
        }
        guard step >= committedStep else {
            throw LedgerError(
                .invalidArgument,
                "cannot commit step \(step) of run \(runName): the committed step is already \(committedStep), and steps never go back"
            )
        }
        var count = 0
        while count < buffer.count, buffer[count].step < step {
            if buffer[count].rate.isNaN {
                throw LedgerError(
                    .invalidArgument,
                    "cannot commit run \(runName): the rate logged at step \(buffer[count].step) is NaN; log the rate the update used"
                )
            }
            count += 1
        }
        try checkPromisedSteps(count: count, upTo: step)
        let checksum = checkpoint.map(\.sha256)
        let link = makeCommitLink(count: count, step: step, checksum: checksum)
        let now = Timestamp.now()
        let expectedStep = committedStep
        var dropped: [String] = []
        try LedgerError.translating(path: path, "commit step \(step) of run \(runName)") {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try touchSegment(db, now: now)
                    try db.cachedStatement(sql: "UPDATE run SET step = ?, updated_at = ? WHERE id = ? AND step = ?")
                        .execute(arguments: [step, now, runID, expectedStep])
                    guard db.changesCount == 1 else {
                        throw LedgerError(
                            .segmentLost,
                            "cannot commit step \(step) of run \(runName): another process changed its step counter (expected \(expectedStep)); stop this writer and attach again"
                        )
                    }
                    if count > 0 {
                        try insertRows(db, count: count)
                    }
                    if let checkpoint, let checksum {
                        dropped = try insertCheckpoint(
                            db, step: step, checkpoint: checkpoint, checksum: checksum, trainerState: trainerState,
                            now: now)
                    }
                    try link.insert(db, runID: runID, at: now)
                    return .commit
                }
            }
        }
        buffer.removeSubrange(0..<count)
        committedStep = step
        chain.nextSeq += 1
        chain.previous = link.digest
        return CommitReceipt(step: step, rows: count, droppedFiles: dropped)
    }

    /// Updates the segment's heartbeat without committing, so a writer on another
    /// host stays presumed alive during a long stretch between commits.
    ///
    /// - throws: `LedgerError` `.segmentLost` when another process closed this segment.
    public func heartbeat() throws {
        lock.lock()
        defer { lock.unlock() }
        try checkOpen("refresh the heartbeat")
        let now = Timestamp.now()
        try LedgerError.translating(path: path, "refresh the heartbeat of run \(runName)") {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try touchSegment(db, now: now)
                    return .commit
                }
            }
        }
    }

    /// Drops every buffered row and forgets an out-of-order `log`, so logging can
    /// start again from the committed step.
    public func discardBuffer() {
        lock.lock()
        defer { lock.unlock() }
        buffer.removeAll(keepingCapacity: true)
        orderViolation = nil
        lastLoggedStep = committedStep - 1
    }

    // MARK: - Close

    /// Ends the segment: its end step becomes the committed step, the run's status
    /// the reason (`finished`, `interrupted`, `failed`, or `crashed` if the caller
    /// says so). Rows still buffered are dropped; commit first to keep them.
    ///
    /// - parameter reason: why the segment ends.
    /// - throws: `LedgerError` `.segmentLost` when another process closed the segment,
    ///   `.invalidArgument` when already closed, or an SQLite error code.
    public func close(reason: EndReason) throws {
        lock.lock()
        defer { lock.unlock() }
        try checkOpen("close the segment")
        if !buffer.isEmpty {
            logger.warning(
                "closing with uncommitted rows; they are dropped",
                metadata: ["run": "\(runName)", "rows": "\(buffer.count)", "step": "\(committedStep)"])
        }
        let now = Timestamp.now()
        let step = committedStep
        var closedChain = chain
        try LedgerError.translating(path: path, "close segment \(segmentID) of run \(runName)") {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: """
                            UPDATE segment SET end_step = ?, ended_at = ?, heartbeat_at = ?, end_reason = ?
                            WHERE id = ? AND end_reason IS NULL
                            """,
                        arguments: [step, now, now, reason.rawValue, segmentID])
                    guard db.changesCount == 1 else { throw lostSegment("close") }
                    try db.execute(
                        sql: "UPDATE run SET status = ?, updated_at = ? WHERE id = ?",
                        arguments: [RunStatus(reason).rawValue, now, runID])
                    try RunEvents.record(
                        db, run: runID, segment: segmentID, at: now, kind: "closed", step: step,
                        message: "segment \(segmentID) ended at step \(step): \(reason.rawValue)")
                    closedChain = try chain.appendEvent(
                        db, runID: runID, kind: "close", segmentID: segmentID, from: step, to: step, now: now)
                    return .commit
                }
            }
        }
        isClosed = true
        chain = closedChain
        buffer.removeAll()
        if let liveKey { LiveWriters.shared.remove(liveKey) }
        logger.info(
            "closed segment",
            metadata: [
                "run": "\(runName)", "segment": "\(segmentID)", "step": "\(step)", "reason": "\(reason.rawValue)",
            ])
    }

    // MARK: - Statements

    /// Refreshes the heartbeat, checking that the segment is still open.
    private func touchSegment(_ db: Database, now: String) throws {
        try db.cachedStatement(sql: "UPDATE segment SET heartbeat_at = ? WHERE id = ? AND end_reason IS NULL")
            .execute(arguments: [now, segmentID])
        guard db.changesCount == 1 else { throw lostSegment("write") }
    }

    private func lostSegment(_ action: String) -> LedgerError {
        LedgerError(
            .segmentLost,
            "cannot \(action) run \(runName): segment \(segmentID) was closed by another process, which took this writer for dead (a heartbeat older than the lease timeout, or a reused pid); stop this writer and attach again"
        )
    }

    /// Inserts the first `count` buffered rows with one prepared statement, binding
    /// and stepping through SQLite's C API: the hot path.
    private func insertRows(_ db: Database, count: Int) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO rate_log (run_id, step, rate, loss) VALUES (?, ?, ?, ?)")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        let failure: Int32? = buffer.withUnsafeBufferPointer { rows in
            for index in 0..<count {
                let row = rows[index]
                sqlite3_bind_int64(handle, 2, row.step)
                sqlite3_bind_double(handle, 3, row.rate)
                if row.hasLoss {
                    sqlite3_bind_double(handle, 4, row.loss)
                } else {
                    sqlite3_bind_null(handle, 4)
                }
                let code = sqlite3_step(handle)
                sqlite3_reset(handle)
                if code != SQLITE_DONE { return code }
            }
            return nil
        }
        sqlite3_clear_bindings(handle)
        if failure != nil {
            let connection = db.sqliteConnection
            let extended = connection.map { sqlite3_extended_errcode($0) } ?? SQLITE_ERROR
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            if extended & 0xff == SQLITE_CONSTRAINT {
                throw LedgerError(
                    .invalidArgument,
                    "cannot commit run \(runName): a logged step is already in its history (\(message ?? "constraint failed")); log each step once",
                    sqliteCode: extended)
            }
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
        }
    }

    /// Stores the checkpoint and deletes the oldest beyond `keepCheckpoints`, returning
    /// the files of the deleted ones.
    private func insertCheckpoint(
        _ db: Database, step: Int64, checkpoint: CheckpointPayload, checksum: String, trainerState: String?,
        now: String
    ) throws -> [String] {
        let state: [UInt8]
        let file: CheckpointFile?
        switch checkpoint {
        case .inline(let bytes): (state, file) = (bytes, nil)
        case .file(let reference): (state, file) = ([], reference)
        }
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO checkpoint
                    (run_id, step, state, sha256, segment_id, created_at, file, file_size, trainer_state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [runID, step, Data(state), checksum, segmentID, now, file?.path, file?.size, trainerState])
        let beyondKept = """
            FROM checkpoint WHERE run_id = ? AND step < (
                SELECT step FROM checkpoint WHERE run_id = ? ORDER BY step DESC LIMIT 1 OFFSET ?)
            """
        let arguments: StatementArguments = [runID, runID, keepCheckpoints - 1]
        let dropped = try String.fetchAll(
            db.cachedStatement(sql: "SELECT file \(beyondKept) AND file IS NOT NULL"), arguments: arguments)
        try db.cachedStatement(sql: "DELETE \(beyondKept)").execute(arguments: arguments)
        return dropped
    }
}
