import Foundation
import Schedules

extension Ledger {
    // MARK: - Audit of imported runs

    /// Audits a run made by `importRun`: compares every value the source logged, in source
    /// order, with the schedule's rate at its step, and names each place the run left the
    /// schedule (`ImportedRateDiagnosis`).
    ///
    /// The schedule's rate is computed bit for bit in its dtype, and both rates are compared
    /// at `ImportedPrecision.comparisonDType(schedule:)`: float32 when the schedule or the
    /// source is float32. Every source row is checked, not only the canonical history, so a
    /// step logged twice with two rates is found. The schedule's SHA-256 is checked too, and
    /// the canonical history's block summaries against its rows. An
    /// imported run has no hash chain and no checkpoints.
    func auditImported(_ tx: any LedgerTransaction, runID: Int64, name: String, source: ImportSource) throws
        -> AuditReport
    {
        var findings = FindingCollector()
        let versions = try Self.scheduleVersions(tx, runID: runID, run: name)
        var schedule: (any LearningRateSchedule)?
        for version in versions {
            if SHA256Hex.digest(version.config) != version.sha256 {
                findings.add(
                    .scheduleTampered, step: version.fromStep,
                    "the schedule in force from step \(version.fromStep) (schedule_version \(version.id)) no longer matches its SHA-256: it was edited outside lrledger"
                )
            }
            do {
                schedule = try StoredSchedule.decode(
                    config: version.config, dtype: version.dtype.rawValue, runName: name)
            } catch let error as LedgerError {
                findings.add(.scheduleUnusable, step: version.fromStep, "the schedule cannot be used: \(error.message)")
            }
        }
        let segments = try tx.segments(runID: runID)
        var rows: Int64 = 0
        if let schedule {
            let dtype = source.precision.comparisonDType(schedule: schedule.dtype)
            let round: (Double) -> Double = dtype == .float32 ? { Double(Float($0)) } : { $0 }
            var diagnosis = ImportedRateDiagnosis { round(schedule.rate(at: $0)) }
            func add(_ departures: [ImportedDeparture]) {
                for departure in departures {
                    findings.add(departure.kind, step: departure.step, departure.message(dtype: dtype))
                }
            }
            try tx.importedValues(runID: runID) { row in
                rows += 1
                add(diagnosis.observe(step: row.step, logged: round(row.rate), earlier: row.earlier.map(round)))
            }
            add(diagnosis.finish())
        }
        // The canonical history charts read: its block summaries against its rows.
        var blocks = RateBlockCheck(stored: try tx.rateBlocks(runID: runID, from: .min, to: .max))
        try tx.rates(runID: runID, from: .min, to: .max) { batch in
            for row in batch { blocks.row(step: row.step, rate: row.rate, loss: row.hasLoss ? row.loss : nil) }
        }
        blocks.finish()
        return AuditReport(
            run: name, rowsChecked: rows, segmentsChecked: segments.count, schedulesChecked: versions.count,
            checkpointsChecked: 0, supersededRows: 0, findings: findings.finished() + blocks.findings.finished(),
            importedFrom: source)
    }
}
