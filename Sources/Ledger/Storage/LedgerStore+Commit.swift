extension LedgerStore {
    /// A commit as one write transaction of the store's own writes, in `StoredCommit`'s
    /// order: the form for a store whose transactions cost no round trips (SQLite).
    func commit(_ commit: StoredCommit, _ action: @autoclosure () -> String) throws -> [String] {
        try write(action()) { tx in
            guard try tx.touchSegment(id: commit.segmentID, now: commit.now) else { throw CommitRefusal.segmentClosed }
            guard try tx.advanceRun(id: commit.runID, from: commit.expectedStep, to: commit.step, now: commit.now)
            else { throw CommitRefusal.stepMoved }
            if !commit.rows.isEmpty {
                try tx.insertRates(runID: commit.runID, rows: commit.rows)
            }
            var dropped: [String] = []
            if let checkpoint = commit.checkpoint {
                try tx.insertCheckpoint(checkpoint, runID: commit.runID)
                dropped = try tx.pruneCheckpoints(runID: commit.runID, keep: commit.keepCheckpoints)
            }
            try tx.insertChainLink(commit.link, runID: commit.runID, at: commit.now)
            return dropped
        }
    }
}
