import Foundation
import Import
import Ledger
import Schedules
import TestSupport
import Testing

/// The fixtures imported into a ledger and audited: each planted fault at its exact step,
/// and nothing else.
struct ImportedAuditTests {
    static func importAndAudit(_ source: any RateSource, format: String) throws -> (ImportSummary, AuditReport) {
        let folder = try TemporaryDirectory()
        let ledger = try Ledger(path: folder.path())
        let schedule = try ScheduleCodec.decode(ImportFixtures.scheduleJSON)
        var precision: SourcePrecision?
        try source.read { precision = precision.map($0.precision.coarser) ?? $0.precision }
        let summary = try ledger.importRun(
            "imported", schedule: schedule,
            source: ImportSource(
                format: format, path: "fixture", series: source.series,
                precision: ImportedPrecision(rawValue: precision?.rawValue ?? "") ?? .float64)
        ) { emit in try source.read { try emit(ImportedRecord(step: $0.step, rate: $0.value, wallTime: $0.wallTime)) } }
        let report = try ledger.audit(run: "imported")
        #expect(try ledger.importSource(ofRun: "imported")?.format == format)
        try ledger.close()
        return (summary, report)
    }

    static func csv(_ name: String) throws -> CSVRateSource { try CSVRateSource(path: ImportFixtures.path(name)) }
    static func events(_ name: String) throws -> EventFileSource {
        try EventFileSource(path: ImportFixtures.path(name))
    }

    @Test("the clean Keras run audits clean from its CSVLogger file and from its event files")
    func cleanKeras() throws {
        for (source, format) in [
            (try Self.csv("keras-clean.csv") as any RateSource, "csv"), (try Self.events("keras-clean"), "tensorboard"),
        ] {
            let (summary, report) = try Self.importAndAudit(source, format: format)
            #expect(summary.rows == 40)
            #expect(summary.segments == 1)
            #expect(report.isClean, "\(report.findings)")
            #expect(report.rowsChecked == 40)
        }
    }

    @Test("the Keras run whose step counter was lost on resume: one finding, at step 25, from either file")
    func lostCounter() throws {
        for (source, format) in [
            (try Self.csv("keras-lost-counter.csv") as any RateSource, "csv"),
            (try Self.events("keras-lost-counter"), "tensorboard"),
        ] {
            let (_, report) = try Self.importAndAudit(source, format: format)
            #expect(report.findings.map(\.kind) == [.rateRestarted])
            #expect(report.findings.first?.step == 25)
            #expect(
                report.findings.first?.message
                    == "from step 25 the rate restarted at the initial value 0.1; the schedule gives 0.044444446 there: the step counter was lost on resume (15 logged rates, steps 25-39, follow the schedule from step 0)"
            )
        }
    }

    @Test("the MLflow run: a restart inferred at step 20, step 24 logged twice, steps 30-34 shifted by one")
    func mlflow() throws {
        let source = try MLflowStoreSource(path: ImportFixtures.path("mlflow.db"), run: nil, key: nil)
        let (summary, report) = try Self.importAndAudit(source, format: "mlflow")
        #expect(summary.rows == 55)
        #expect(summary.segments == 2)
        #expect(summary.canonicalRows == 45)
        #expect(report.findings.map(\.kind) == [.loggedTwice, .stepsShifted])
        #expect(report.findings.map(\.step) == [24, 30])
        #expect(report.findings.last?.message.hasPrefix("steps 30-34 shifted by one step") == true)
    }
}
