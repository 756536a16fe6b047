import Foundation
import TestSupport
import Testing

@testable import Import

struct MLflowStoreSourceTests {
    @Test("MLflow's store is read in logging order, a step logged again after a restart kept twice")
    func restartedRun() throws {
        let source = try MLflowStoreSource(path: ImportFixtures.path("mlflow.db"), run: nil, key: nil)
        #expect(source.key == "lr")
        #expect(source.runID == ImportFixtures.mlflowRunID)
        let records = try ImportFixtures.records(source)
        #expect(records.map(\.step) == Array(0..<30) + Array(20..<45))
        #expect(records.allSatisfy { $0.precision == .float64 && $0.wallTime != nil })
    }

    @Test("an unknown key or run is refused listing what there is")
    func unknownSeries() throws {
        let path = ImportFixtures.path("mlflow.db")
        let key = #expect(throws: ImportError.self) { try MLflowStoreSource(path: path, run: nil, key: "momentum") }
        #expect(key?.message.contains("its metrics are: loss, lr") == true)
        let run = #expect(throws: ImportError.self) { try MLflowStoreSource(path: path, run: "0123", key: nil) }
        #expect(run?.message.contains(ImportFixtures.mlflowRunID) == true)
    }

    @Test("a file that is not an MLflow store is refused in one line naming it")
    func notMLflow() throws {
        let folder = try TemporaryDirectory()
        let text = folder.path("notes.db")
        try "hello, not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let error = #expect(throws: ImportError.self) { try MLflowStoreSource(path: text, run: nil, key: nil) }
        #expect(error?.code == .notMLflow)
        #expect(error?.message == "\(text) is not an MLflow tracking store: it is not an SQLite database")
        let other = folder.path("other.db")
        _ = try sqlite3(other, "CREATE TABLE metrics (name TEXT);")
        let wrong = #expect(throws: ImportError.self) { try MLflowStoreSource(path: other, run: nil, key: nil) }
        #expect(wrong?.code == .notMLflow)
        #expect(wrong?.message.hasPrefix("\(other) is not an MLflow tracking store: it has no metrics table") == true)
    }

    @Test("a store with text where MLflow keeps numbers is refused in one line, not a trap")
    func damagedValues() throws {
        let folder = try TemporaryDirectory()
        let store = folder.path("mlflow.db")
        _ = try sqlite3(
            store,
            """
            CREATE TABLE metrics (key TEXT, value, timestamp, run_uuid TEXT, step, is_nan);
            INSERT INTO metrics VALUES ('lr', 0.1, 1, 'r1', 0, 0), ('lr', 'fast', 2, 'r1', 1, 0);
            """)
        let source = try MLflowStoreSource(path: store, run: nil, key: nil)
        let error = #expect(throws: ImportError.self) { try ImportFixtures.records(source) }
        #expect(error?.message == "\(store): metric lr at step 1 has no numeric value")
    }
}
