import Foundation
import Schedules

extension Ledger {
    // MARK: - Segments and schedules for an attach

    /// Inserts this process's segment, with the identity that tells hosts, boots and PID
    /// namespaces apart and the log interval it promises; returns its id.
    func openSegment(
        _ tx: any LedgerTransaction, identity: ProcessIdentity, runID: Int64, start: Int64, rewoundFrom: Int64?,
        logEvery: Int64?, now: String
    ) throws -> Int64 {
        try tx.insertSegment(
            SegmentOpening(
                runID: runID, identity: identity, startStep: start, now: now, rewoundFrom: rewoundFrom,
                logEvery: logEvery))
    }

    /// The run's schedule versions, decoded and resolved the way every reader resolves
    /// them (`LatestRecorded`): the one place that reads which schedule is in force where.
    func scheduleVersions(_ tx: any LedgerTransaction, runName: String, runID: Int64) throws
        -> LatestRecorded<any LearningRateSchedule>
    {
        LatestRecorded(
            try tx.scheduleVersions(runID: runID).map { version in
                (
                    start: version.fromStep, id: version.id,
                    value: try StoredSchedule.decode(config: version.config, dtype: version.dtype, runName: runName)
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
    func scheduleTimeline(_ tx: any LedgerTransaction, runName: String, runID: Int64, from step: Int64) throws
        -> any LearningRateSchedule
    {
        let versions = try scheduleVersions(tx, runName: runName, runID: runID)
        let current = try scheduleInForce(versions, runName: runName, at: step)
        guard versions.nextStart(after: step) != nil else { return current }
        return ScheduleTimeline(versions: versions, at: step)
    }
}
