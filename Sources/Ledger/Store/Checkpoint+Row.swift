import Foundation
import GRDB

extension Checkpoint {
    /// The columns `init(row:)` reads, for `SELECT \(Checkpoint.columns) FROM checkpoint ...`.
    static let columns = "step, state, sha256, created_at, file, file_size, trainer_state"

    /// A checkpoint from a row of `columns`.
    init(row: Row) throws {
        let sha256: String = try row.value("sha256")
        let path: String? = try row.value("file")
        let file = try path.map { path in
            CheckpointFile(path: path, size: try row.value("file_size", as: Int64?.self) ?? -1, sha256: sha256)
        }
        self.init(
            step: try row.value("step"), state: [UInt8]((try row.value("state", as: Data?.self)) ?? Data()),
            sha256: sha256, createdAt: try row.value("created_at"), file: file,
            trainerState: try row.value("trainer_state"))
    }

    /// The run's checkpoints, newest first.
    static func fetchAll(_ db: Database, runID: Int64) throws -> [Checkpoint] {
        try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM checkpoint WHERE run_id = ? ORDER BY step DESC", arguments: [runID]
        ).map(Checkpoint.init(row:))
    }

    /// The run's latest checkpoint, or nil.
    static func fetchLatest(_ db: Database, runID: Int64) throws -> Checkpoint? {
        try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM checkpoint WHERE run_id = ? ORDER BY step DESC LIMIT 1",
            arguments: [runID]
        ).map(Checkpoint.init(row:))
    }
}
