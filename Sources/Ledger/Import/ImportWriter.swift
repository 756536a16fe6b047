import Foundation
import Schedules

/// Writes one imported run inside the import's transaction: the source's values in
/// order, the canonical history and the inferred segments, in batches.
struct ImportWriter {
    /// The identity recorded on an imported run's segments: no process of this ledger's.
    static let importedIdentity = ProcessIdentity(
        pid: 0, host: "imported", startTicks: nil, bootID: nil, pidNamespace: nil)
    private static let batchSize = 4096

    private let tx: any LedgerTransaction
    private let runID: Int64
    private let name: String
    private let now: String
    private(set) var rows: Int64 = 0
    private var segments = 0
    private var values: [ImportedValue] = []
    private var rates: [LoggedRate] = []
    /// The open segment: its first and last step, and first and last wall time.
    private var first: Int64 = 0
    private var last: Int64 = -1
    private var firstWall: Double?
    private var lastWall: Double?

    init(_ tx: any LedgerTransaction, name: String, schedule: any LearningRateSchedule, now: String) throws {
        self.tx = tx
        self.name = name
        self.now = now
        runID = try tx.insertRun(name: name, targetSteps: 0, settings: "{}", now: now)
        let config = schedule.canonicalJSON
        try tx.insertScheduleVersion(
            runID: runID, fromStep: 0, config: config, dtype: schedule.dtype.rawValue,
            sha256: SHA256Hex.digest(config), now: now)
        values.reserveCapacity(Self.batchSize)
        rates.reserveCapacity(Self.batchSize)
    }

    mutating func add(_ record: ImportedRecord) throws {
        guard record.step >= 0, record.rate.isFinite else {
            throw LedgerError(
                .invalidArgument, "record \(rows + 1) has step \(record.step) and rate \(record.rate): not importable")
        }
        if rows > 0, record.step <= last {
            // The source restarted: the rows at or past this step logged before are replaced.
            try flush()
            try closeSegment(reason: .interrupted)
            try tx.deleteRates(runID: runID, from: record.step)
        }
        if rows == 0 || record.step <= last {
            first = record.step
            firstWall = record.wallTime
        }
        values.append(ImportedValue(seq: rows, step: record.step, rate: record.rate, wallTime: record.wallTime))
        rates.append(LoggedRate(step: record.step, rate: record.rate, loss: 0, hasLoss: false))
        if values.count >= Self.batchSize { try flush() }
        last = record.step
        lastWall = record.wallTime
        rows += 1
    }

    mutating func finish(source: ImportSource) throws -> ImportSummary {
        guard rows > 0 else {
            throw LedgerError(.invalidArgument, "\(source.path) holds no \(source.series) value to import")
        }
        try flush()
        try closeSegment(reason: .finished)
        let step = last + 1
        try tx.updateRun(id: runID, step: step, status: .finished, targetSteps: step, now: now)
        try tx.insertImportSource(source, runID: runID, rows: rows, now: now)
        let canonical = try tx.rowCounts(runID: runID).rates
        let restarts = segments - 1
        try tx.recordEvent(
            runID: runID, segmentID: nil, at: now, kind: .imported, step: step,
            message:
                "imported \(rows) values from \(source.summary) (\(source.precision.rawValue)); \(restarts) restart\(restarts == 1 ? "" : "s") inferred where the step went back or repeated"
        )
        return ImportSummary(
            run: name, rows: rows, canonicalRows: canonical, segments: segments, step: step,
            precision: source.precision)
    }

    private mutating func flush() throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeBufferPointer { try tx.insertImportedValues(runID: runID, values: $0) }
        try rates.withUnsafeBufferPointer { try tx.insertRates(runID: runID, rows: $0) }
        values.removeAll(keepingCapacity: true)
        rates.removeAll(keepingCapacity: true)
    }

    private mutating func closeSegment(reason: EndReason) throws {
        let started = firstWall.map(Self.time) ?? now
        let ended = lastWall.map(Self.time) ?? now
        let segment = try tx.insertSegment(
            SegmentOpening(
                runID: runID, identity: Self.importedIdentity, startStep: first, now: started, rewoundFrom: nil,
                logEvery: nil))
        _ = try tx.closeSegment(id: segment, endStep: last + 1, endedAt: ended, reason: reason)
        segments += 1
    }

    private static func time(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return Timestamp.now().description }
        return Timestamp.string(milliseconds: Int64((seconds * 1000).rounded()))
    }
}
