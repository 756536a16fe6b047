import Foundation
import GRDB
import GRDBSQLite
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
    /// step logged twice with two rates is found. The schedule's SHA-256 is checked too. An
    /// imported run has no hash chain and no checkpoints.
    func auditImported(_ db: Database, runID: Int64, name: String, source: ImportSource) throws -> AuditReport {
        var findings = FindingCollector()
        let versions = try Self.scheduleVersions(db, runID: runID, run: name)
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
        let segments = try Self.segments(db, runID: runID)
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
            let statement = try db.makeStatement(
                sql: """
                    SELECT r.step, r.rate, (SELECT p.rate FROM imported_row AS p
                        WHERE p.run_id = r.run_id AND p.step = r.step AND p.seq < r.seq ORDER BY p.seq DESC LIMIT 1)
                    FROM imported_row AS r WHERE r.run_id = ? ORDER BY r.seq
                    """)
            let handle = statement.sqliteStatement
            sqlite3_bind_int64(handle, 1, runID)
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw Self.stepError(db) }
                rows += 1
                let step = sqlite3_column_int64(handle, 0)
                let earlier =
                    sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : round(sqlite3_column_double(handle, 2))
                add(diagnosis.observe(step: step, logged: round(sqlite3_column_double(handle, 1)), earlier: earlier))
            }
            add(diagnosis.finish())
        }
        return AuditReport(
            run: name, rowsChecked: rows, segmentsChecked: segments.count, schedulesChecked: versions.count,
            checkpointsChecked: 0, supersededRows: 0, findings: findings.finished(), importedFrom: source)
    }
}
