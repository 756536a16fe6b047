import GRDB

/// Writes `run_event` rows: what happened to a run and why, for audits and `show`.
enum RunEvents {
    static func record(
        _ db: Database, run: Int64, segment: Int64?, at time: String, kind: String, step: Int64?, message: String
    ) throws {
        try db.execute(
            sql: "INSERT INTO run_event (run_id, segment_id, at, kind, step, message) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [run, segment, time, kind, step, message])
    }
}
