import Foundation
import GRDB
import GRDBSQLite

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
        _ db: Database, runName: String, runID: Int64, committed: Int64, discarding: Set<Int64> = []
    ) throws {
        var chain = try ChainVerifier(
            db, runID: runID, runName: runName, committed: committed, window: Self.resumeChainWindow,
            discarding: discarding)
        let statement = try db.cachedStatement(
            sql: "SELECT step, rate, loss FROM rate_log WHERE run_id = ? AND step >= ? ORDER BY step")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        sqlite3_bind_int64(handle, 2, chain.firstStep)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.stepError(db) }
            let loss: Double? = sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 2)
            chain.row(step: sqlite3_column_int64(handle, 0), rate: sqlite3_column_double(handle, 1), loss: loss)
        }
        chain.finish()
        let findings = chain.findings.finished()
        guard let first = findings.first else { return }
        let more = findings.count > 1 ? " (and \(findings.count - 1) more findings)" : ""
        throw LedgerError(
            .historyTampered,
            "run \(runName) cannot resume: \(first.message)\(more); audit the run (lrledger audit \(runName)) and restore the database from a backup\(first.kind == .checkpointChecksumMismatch ? ", or resume from the newest intact checkpoint, discarding the damaged ones (recorded)" : "")"
        )
    }

    /// Refuses a resume from a checkpoint the chain did not commit (inserted, or its step
    /// edited), and one that would silently rewind because the checkpoint of the chain's
    /// latest checkpointed commit is gone.
    ///
    /// - throws: `LedgerError` `.historyTampered` naming the step.
    func checkCheckpointInChain(
        _ db: Database, runName: String, runID: Int64, resumingFrom checkpoint: Checkpoint?,
        discarding: Set<Int64> = []
    ) throws {
        let legacyEnd =
            try Int64.fetchOne(
                db, sql: "SELECT to_step FROM chain_link WHERE run_id = ? AND kind = 'legacy'", arguments: [runID])
            ?? -1
        if let checkpoint, checkpoint.step > legacyEnd {
            let chained =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = ? AND kind = 'commit' AND to_step = ?
                            AND checkpoint_sha256 = ?)
                        """, arguments: [runID, checkpoint.step, checkpoint.sha256]) ?? false
            guard chained else {
                throw LedgerError(
                    .historyTampered,
                    "run \(runName) cannot resume: the checkpoint at step \(checkpoint.step) is not one the chain keeps: it was inserted, or its step edited, outside lrledger; audit the run (lrledger audit \(runName)) and restore the database from a backup"
                )
            }
        }
        guard
            let latest = try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, to_step FROM chain_link WHERE run_id = ? AND kind = 'commit'
                        AND checkpoint_sha256 IS NOT NULL ORDER BY seq DESC LIMIT 1
                    """, arguments: [runID])
        else { return }
        let step: Int64 = try latest.value("to_step")
        let exists = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM checkpoint WHERE run_id = ? AND step = ?)", arguments: [runID, step])
        // A damaged checkpoint deleted on request is recorded in a later attach's link.
        let discardedSince = try String.fetchAll(
            db,
            sql: """
                SELECT discarded_checkpoints FROM chain_link WHERE run_id = ? AND kind = 'attach' AND seq > ?
                    AND discarded_checkpoints != ''
                """, arguments: [runID, try latest.value("seq", as: Int64.self)]
        ).contains { $0.split(separator: ",").contains { $0.hasPrefix("\(step):") } }
        if exists != true, !discardedSince, !discarding.contains(step) {
            throw LedgerError(
                .historyTampered,
                "run \(runName) cannot resume: the checkpoint at step \(step), committed by chain link \(try latest.value("seq", as: Int64.self)), is missing: it was deleted outside lrledger; audit the run (lrledger audit \(runName)) and restore the database from a backup"
            )
        }
    }
}
