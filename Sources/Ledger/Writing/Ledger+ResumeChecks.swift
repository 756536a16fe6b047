import Foundation

extension Ledger {
    // MARK: - Resume checks

    /// How many of a run's last chain links a resume recomputes, with their rows.
    static let resumeChainWindow = 32

    /// Refuses a resume from a history an audit would flag in the facts the resume rests
    /// on: the last `resumeChainWindow` chain links recomputed with their rows (the
    /// schedule versions and their dtype and from_step, the segments, the checkpoint
    /// SHA-256s and the step counter they vouch for), the rows those links wrote, and the
    /// run's counter and status against the chain. Costs the same whatever the length
    /// of the history; `audit` checks all of it.
    ///
    /// - throws: `LedgerError` `.historyTampered` with the first finding.
    /// - parameter discarding: damaged checkpoints the attach was asked to resume past.
    func checkResumableHistory(
        _ tx: any LedgerTransaction, runName: String, runID: Int64, committed: Int64, discarding: Set<Int64> = []
    ) throws {
        var chain = try ChainVerifier(
            tx, runID: runID, runName: runName, committed: committed, window: Self.resumeChainWindow,
            discarding: discarding)
        try tx.rates(runID: runID, from: chain.firstStep, to: Int64.max) { batch in
            for row in batch { chain.row(step: row.step, rate: row.rate, loss: row.hasLoss ? row.loss : nil) }
        }
        chain.finish()
        let findings = chain.findings.finished()
        guard let first = findings.first else { return }
        let more = findings.count > 1 ? " (and \(findings.count - 1) more findings)" : ""
        throw LedgerError(
            .historyTampered,
            "run \(runName) cannot resume: \(first.message)\(more); audit the run and restore the database from a backup\(first.kind == .checkpointChecksumMismatch ? ", or resume from the newest intact checkpoint, discarding the damaged ones (recorded)" : "")"
        )
    }

    /// Refuses a resume from a checkpoint the chain did not commit (inserted, or its step
    /// edited), and one that would silently rewind because the checkpoint of the chain's
    /// latest checkpointed commit is gone.
    ///
    /// - throws: `LedgerError` `.historyTampered` naming the step.
    func checkCheckpointInChain(
        _ tx: any LedgerTransaction, runName: String, runID: Int64, resumingFrom checkpoint: Checkpoint?,
        discarding: Set<Int64> = []
    ) throws {
        let legacyEnd = try tx.legacyChainEnd(runID: runID) ?? -1
        if let checkpoint, checkpoint.step > legacyEnd {
            let chained = try tx.hasCheckpointCommit(
                runID: runID, step: checkpoint.step, sha256: checkpoint.sha256, segmentID: nil)
            guard chained else {
                throw LedgerError(
                    .historyTampered,
                    "run \(runName) cannot resume: the checkpoint at step \(checkpoint.step) is not one the chain keeps: it was inserted, or its step edited, outside lrledger; audit the run and restore the database from a backup"
                )
            }
        }
        guard let latest = try tx.latestCheckpointCommit(runID: runID) else { return }
        let step = latest.toStep
        let exists = try tx.hasCheckpoint(runID: runID, step: step)
        // A damaged checkpoint deleted on request is recorded in a later attach's link.
        let discardedSince = try tx.discardingAttaches(runID: runID, after: latest.seq).contains { link in
            link.discardedCheckpoints.contains { $0.step == step }
        }
        if !exists, !discardedSince, !discarding.contains(step) {
            throw LedgerError(
                .historyTampered,
                "run \(runName) cannot resume: the checkpoint at step \(step), committed by chain link \(latest.seq), is missing: it was deleted outside lrledger; audit the run and restore the database from a backup"
            )
        }
    }
}
