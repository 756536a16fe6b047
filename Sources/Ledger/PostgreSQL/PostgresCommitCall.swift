import PostgresNIO

/// A writer's commit as one statement: a call of `lrledger_commit` (migration 0002),
/// which makes the writes of `StoredCommit` behind the ledger's write lock and its two
/// fences, in a transaction of its own. One round trip, where the same writes sent one
/// by one in a transaction cost nine.
enum PostgresCommitCall {
    /// SQLSTATE of the fence on the writer's segment (closed by another process).
    static let segmentClosedState = "LRS01"
    /// SQLSTATE of the fence on the run's step counter (moved by another process).
    static let stepMovedState = "LRS02"

    /// The statement; its one row holds the files of the checkpoints pruned.
    static func query(_ commit: StoredCommit) -> PostgresQuery {
        let rows = commit.rows
        let steps = PostgresBinaryArray.bigints(count: rows.count) { rows[$0].step }
        let rates = PostgresBinaryArray.doubles(count: rows.count) { rows[$0].rate }
        let losses = PostgresBinaryArray.doubles(count: rows.count) { rows[$0].loss }
        let hasLosses = PostgresBinaryArray.booleans(count: rows.count) { rows[$0].hasLoss }
        let checkpoint = commit.checkpoint
        let state = checkpoint.map { ByteBuffer(bytes: $0.state) }
        let link = commit.link
        return """
            SELECT lrledger_commit(\(PostgresMigrations.writeLock), \(commit.runID), \(commit.segmentID), \(commit.now),
                \(commit.expectedStep), \(commit.step), \(steps)::bigint[], \(rates)::float8[], \(losses)::float8[],
                \(hasLosses)::bool[], \(checkpoint != nil), \(state)::bytea, \(checkpoint?.sha256)::text,
                \(checkpoint?.file)::text, \(checkpoint?.fileSize)::bigint, \(checkpoint?.trainerState)::text,
                \(Int64(commit.keepCheckpoints)), \(link.seq), \(link.fromStep), \(link.rowCount),
                \(link.firstRowStep)::bigint, \(link.lastRowStep)::bigint, \(link.rowsSHA256)::text,
                \(link.checkpointSHA256)::text, \(link.keepCheckpoints)::bigint, \(link.scheduleVersionID)::bigint,
                \(link.digest))
            """
    }

    /// Whether the commit is stored: its chain link, by sequence number and digest.
    static func storedQuery(_ commit: StoredCommit) -> PostgresQuery {
        """
        SELECT EXISTS (SELECT 1 FROM chain_link WHERE run_id = \(commit.runID) AND seq = \(commit.link.seq)
            AND digest = \(commit.link.digest))
        """
    }

    /// Ends the server process of a session whose connection was lost, when it still
    /// runs, waiting up to five seconds for it to exit; the row holds how many did not.
    static func endLostSession(applicationName: String) -> PostgresQuery {
        """
        SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
        WHERE application_name = \(applicationName) AND pid <> pg_backend_pid()
        """
    }
}
