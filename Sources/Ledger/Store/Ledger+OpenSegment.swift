import Foundation
import GRDB
import Schedules

extension Ledger {
    // MARK: - Segments and schedules for an attach

    /// Inserts this process's segment, with the identity that tells hosts, boots and PID
    /// namespaces apart and the log interval it promises; returns its id.
    func openSegment(_ db: Database, runID: Int64, start: Int64, rewoundFrom: Int64?, logEvery: Int64?, now: String)
        throws -> Int64
    {
        let me = ProcessIdentity.current
        try db.execute(
            sql: """
                INSERT INTO segment (run_id, pid, host, process_start, boot_id, pid_namespace, start_step, started_at,
                    heartbeat_at, rewound_from, log_every)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, me.pid, me.host, me.startTicks, me.bootID, me.pidNamespace, start, now, now, rewoundFrom,
                logEvery,
            ])
        return db.lastInsertedRowID
    }

    /// The run's schedule versions, decoded and resolved the way every reader resolves
    /// them (`LatestRecorded`): the one place that reads which schedule is in force where.
    func scheduleVersions(_ db: Database, runName: String, runID: Int64) throws
        -> LatestRecorded<any LearningRateSchedule>
    {
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, from_step, config, dtype FROM schedule_version WHERE run_id = ?", arguments: [runID])
        return LatestRecorded(
            try rows.map { row in
                (
                    start: try row.value("from_step", as: Int64.self), id: try row.value("id", as: Int64.self),
                    value: try StoredSchedule.decode(
                        config: try row.value("config"), dtype: try row.value("dtype"), runName: runName)
                )
            })
    }

    /// The schedule version in force at `step`: the latest recorded among those taking
    /// effect at or before it (a change recorded on a rewind overrides the later ones it
    /// rewound past).
    func scheduleInForce(_ versions: LatestRecorded<any LearningRateSchedule>, runName: String, at step: Int64)
        throws -> any LearningRateSchedule
    {
        guard let current = versions.entry(at: step) else {
            throw LedgerError(
                .scheduleTampered,
                "run \(runName) has no schedule in force at step \(step); its schedule rows were edited outside lrledger"
            )
        }
        return current.value
    }

    /// The schedule a segment resuming at `step` trains on: the version in force there,
    /// or a `ScheduleTimeline` when a later version takes effect after it.
    func scheduleTimeline(_ db: Database, runName: String, runID: Int64, from step: Int64) throws
        -> any LearningRateSchedule
    {
        let versions = try scheduleVersions(db, runName: runName, runID: runID)
        let current = try scheduleInForce(versions, runName: runName, at: step)
        guard versions.nextStart(after: step) != nil else { return current }
        return ScheduleTimeline(versions: versions, at: step)
    }
}
