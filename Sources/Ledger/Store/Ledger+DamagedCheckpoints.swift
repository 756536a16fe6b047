import Foundation
import GRDB

extension Ledger {
    // MARK: - Damaged checkpoints

    /// The run's newest checkpoints whose bytes no longer match their SHA-256, newest
    /// first, down to (not including) the newest intact one: what an attach asked to
    /// `discardDamagedCheckpoints` deletes before resuming.
    func damagedCheckpoints(_ db: Database, runID: Int64) throws -> [(step: Int64, sha256: String)] {
        var damaged: [(step: Int64, sha256: String)] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT step, state, sha256 FROM checkpoint WHERE run_id = ? ORDER BY step DESC",
            arguments: [runID])
        while let row = try rows.next() {
            let sha: String = (try row.value("sha256", as: String?.self)) ?? ""
            let state = (try row.value("state", as: Data?.self)) ?? Data()
            guard SHA256Hex.digest(state) != sha else { break }
            damaged.append((try row.value("step"), sha))
        }
        return damaged
    }

    /// The newest checkpoint below `step`, its state checked against its SHA-256.
    func latestCheckpoint(_ db: Database, runName: String, runID: Int64, below step: Int64) throws -> Checkpoint? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT step, state, sha256, created_at FROM checkpoint WHERE run_id = ? AND step < ?
                    ORDER BY step DESC LIMIT 1
                    """, arguments: [runID, step])
        else { return nil }
        let state = [UInt8]((try row.value("state", as: Data?.self)) ?? Data())
        let sha: String = try row.value("sha256")
        guard SHA256Hex.digest(state) == sha else {
            throw LedgerError(
                .checkpointCorrupt, "run \(runName)'s checkpoint at step \(step) no longer matches its SHA-256")
        }
        return Checkpoint(
            step: try row.value("step"), state: state, sha256: sha, createdAt: try row.value("created_at"))
    }

    /// Deletes the damaged checkpoints an attach resumes past, recording each in the
    /// run's events (the attach's chain link lists them too).
    func discardCheckpoints(
        _ db: Database, _ damaged: [(step: Int64, sha256: String)], runID: Int64, runName: String, segmentID: Int64,
        now: String
    ) throws {
        for checkpoint in damaged {
            try db.execute(
                sql: "DELETE FROM checkpoint WHERE run_id = ? AND step = ?", arguments: [runID, checkpoint.step])
            try RunEvents.record(
                db, run: runID, segment: segmentID, at: now, kind: "checkpoint_discarded", step: checkpoint.step,
                message:
                    "the checkpoint at step \(checkpoint.step) no longer matched its SHA-256 \(checkpoint.sha256); discarded on request to resume from an earlier one"
            )
            logger.warning(
                "discarded a damaged checkpoint", metadata: ["run": "\(runName)", "step": "\(checkpoint.step)"])
        }
    }
}
