import Foundation

extension RunWriter {
    // MARK: - Commit

    /// Commits progress: the buffered rows for steps before `step`, the step counter
    /// set to `step`, the checkpoint `state` (when given, pruning the oldest beyond the
    /// configured count) and the segment's heartbeat, in one transaction.
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
        let now = Timestamp.now().description
        let expectedStep = committedStep
        let stored = checkpoint.map { checkpoint in
            var stored = StoredCheckpoint(
                step: step, state: [], sha256: checksum, segmentID: segmentID, createdAt: now, file: nil, fileSize: nil,
                trainerState: trainerState)
            switch checkpoint {
            case .inline(let bytes): stored.state = bytes
            case .file(let reference): (stored.file, stored.fileSize) = (reference.path, reference.size)
            }
            return stored
        }
        let dropped: [String]
        do {
            dropped = try buffer.withUnsafeBufferPointer { rows in
                try store.commit(
                    StoredCommit(
                        runID: runID, segmentID: segmentID, now: now, expectedStep: expectedStep, step: step,
                        rows: UnsafeBufferPointer(rebasing: rows[0..<count]), checkpoint: stored,
                        keepCheckpoints: keepCheckpoints, link: link),
                    "commit step \(step) of run \(runName)")
            }
        } catch CommitRefusal.segmentClosed {
            throw lostSegment("write")
        } catch CommitRefusal.stepMoved {
            throw LedgerError(
                .segmentLost,
                "cannot commit step \(step) of run \(runName): another process changed its step counter (expected \(expectedStep)); stop this writer and attach again"
            )
        } catch let duplicate as DuplicateStep {
            throw LedgerError(
                .invalidArgument,
                "cannot commit run \(runName): a logged step is already in its history (\(duplicate.detail)); log each step once"
            )
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
        let now = Timestamp.now().description
        try store.write("refresh the heartbeat of run \(runName)") { tx in try touchSegment(tx, now: now) }
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
    ///   `.invalidArgument` when already closed, or the store's failure (`.storeFailure`, `.busy`, `.databaseFull`, `.io`).
    public func close(reason: EndReason) throws {
        lock.lock()
        defer { lock.unlock() }
        try checkOpen("close the segment")
        if !buffer.isEmpty {
            logger.warning(
                "closing with uncommitted rows; they are dropped",
                metadata: ["run": "\(runName)", "rows": "\(buffer.count)", "step": "\(committedStep)"])
        }
        let now = Timestamp.now().description
        let step = committedStep
        var closedChain = chain
        try store.write("close segment \(segmentID) of run \(runName)") { tx in
            guard try tx.closeSegment(id: segmentID, endStep: step, endedAt: now, reason: reason) else {
                throw lostSegment("close")
            }
            try tx.setRunStatus(id: runID, RunStatus(reason), now: now)
            try tx.recordEvent(
                runID: runID, segmentID: segmentID, at: now, kind: .closed, step: step,
                message: "segment \(segmentID) ended at step \(step): \(reason.rawValue)")
            closedChain = try chain.appendEvent(
                tx, runID: runID, kind: "close", segmentID: segmentID, from: step, to: step, now: now)
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

    // MARK: - Writes

    /// Refreshes the heartbeat, checking that the segment is still open: the fence that
    /// keeps a writer whose segment another process closed from ever committing.
    private func touchSegment(_ tx: any LedgerTransaction, now: String) throws {
        guard try tx.touchSegment(id: segmentID, now: now) else { throw lostSegment("write") }
    }

    private func lostSegment(_ action: String) -> LedgerError {
        LedgerError(
            .segmentLost,
            "cannot \(action) run \(runName): segment \(segmentID) was closed by another process, which took this writer for dead (a heartbeat older than the lease timeout, or a reused pid); stop this writer and attach again"
        )
    }
}
