import Foundation
import GRDB

/// Reads a metric (a learning rate) straight from MLflow's SQLite tracking store (the
/// `mlflow.db` of `mlflow.set_tracking_uri("sqlite:///mlflow.db")`), read-only.
///
/// MLflow keeps every `log_metric` call as a row of its `metrics` table (key, value,
/// timestamp in milliseconds, run_uuid, step, is_nan), in insertion order: a step logged
/// again after a restart is kept twice, and both are read. Values are float64, what Python
/// passed. Rows are streamed with a cursor, never all held in memory.
///
/// ```swift
/// let source = try MLflowStoreSource(path: "mlflow.db", run: nil, key: nil)  // the one run with lr
/// try source.read { print($0.step, $0.value) }
/// ```
public struct MLflowStoreSource: RateSource {
    /// The store's file.
    public let path: String
    /// The MLflow run id read.
    public let runID: String
    /// The metric key read.
    public let key: String

    public var series: String { key }
    public var description: String { "key \(key) of MLflow run \(runID) in \(path)" }

    /// Metric keys tried when none is given.
    public static let defaultKeys = ["lr", "learning_rate"]

    /// Opens the store and chooses the run and the key.
    ///
    /// - parameter path: MLflow's SQLite file.
    /// - parameter run: the MLflow run id; nil when only one run logged the key.
    /// - parameter key: the metric key; nil for `lr` or `learning_rate`.
    /// - throws: `ImportError` `.unreadable`, `.notMLflow` (not SQLite, or no MLflow `metrics`
    ///   table), `.seriesNotFound` (listing the keys or runs there are).
    public init(path: String, run: String?, key: String?) throws {
        self.path = path
        let queue = try Self.open(path)
        let (runID, key) = try Self.read(queue, path) { db in
            let keys = try String.fetchAll(
                db, sql: "SELECT DISTINCT CAST(key AS TEXT) FROM metrics WHERE key IS NOT NULL ORDER BY 1")
            let chosenKey: String
            if let key {
                guard keys.contains(key) else {
                    throw ImportError(
                        .seriesNotFound, "\(path) has no metric \(key); its metrics are: \(Self.list(keys))")
                }
                chosenKey = key
            } else {
                guard let found = Self.defaultKeys.first(where: keys.contains) else {
                    throw ImportError(
                        .seriesNotFound,
                        "\(path) has no metric lr or learning_rate; its metrics are: \(Self.list(keys)); choose one",
                        setting: .key)
                }
                chosenKey = found
            }
            let runs = try String.fetchAll(
                db,
                sql:
                    "SELECT DISTINCT CAST(run_uuid AS TEXT) FROM metrics WHERE key = ? AND run_uuid IS NOT NULL ORDER BY 1",
                arguments: [chosenKey]
            )
            if let run {
                guard runs.contains(run) else {
                    throw ImportError(
                        .seriesNotFound,
                        "\(path) has no MLflow run \(run) with metric \(chosenKey); the runs with it are: \(Self.list(runs))",
                        setting: .mlflowRun)
                }
                return (run, chosenKey)
            }
            guard runs.count == 1 else {
                throw ImportError(
                    .seriesNotFound,
                    "\(path) has \(runs.count) MLflow runs with metric \(chosenKey) (\(Self.list(runs))); choose one",
                    setting: .mlflowRun)
            }
            return (runs[0], chosenKey)
        }
        self.runID = runID
        self.key = key
    }

    public func read(_ body: (SourceRecord) throws -> Void) throws {
        let queue = try Self.open(path)
        try Self.read(queue, path) { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT step, value, timestamp, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY rowid
                    """,
                arguments: [runID, key])
            while let row = try cursor.next() {
                // Converted without trapping: a damaged store may hold text where numbers belong.
                guard let step = Int64.fromDatabaseValue(row[0]) else {
                    throw ImportError(.badValue, "\(path): metric \(key) has a step that is not an integer")
                }
                guard let value = Double.fromDatabaseValue(row[1]) else {
                    throw ImportError(.badValue, "\(path): metric \(key) at step \(step) has no numeric value")
                }
                let isNaN = Int64.fromDatabaseValue(row[3]) ?? 0
                guard isNaN == 0, value.isFinite else {
                    throw ImportError(.badValue, "\(path): metric \(key) at step \(step) is not a finite rate")
                }
                guard step >= 0 else {
                    throw ImportError(.badValue, "\(path): metric \(key) is logged at step \(step), a negative step")
                }
                let timestamp = Int64.fromDatabaseValue(row[2])
                try body(
                    SourceRecord(
                        step: step, value: value, precision: .float64, wallTime: timestamp.map { Double($0) / 1000 }))
            }
        }
    }

    // MARK: - Helpers

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", ..." : "")
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw ImportError(.unreadable, "cannot read \(path): no such file, or it is a folder or unreadable")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw ImportError(.notMLflow, "\(path) is not an MLflow tracking store: it is not an SQLite database")
        } catch {
            throw ImportError(
                .notMLflow, "\(path) is not an MLflow tracking store: it cannot be opened as SQLite (\(error))")
        }
    }

    /// Runs `body` on the store after checking it is an MLflow store.
    private static func read<T>(_ queue: DatabaseQueue, _ path: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read { db in
                let columns = Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('metrics')"))
                guard columns.isSuperset(of: ["key", "value", "timestamp", "run_uuid", "step", "is_nan"]) else {
                    throw ImportError(
                        .notMLflow,
                        "\(path) is not an MLflow tracking store: it has no metrics table with key, value, timestamp, run_uuid, step and is_nan"
                    )
                }
                return try body(db)
            }
        } catch let error as ImportError {
            throw error
        } catch let error as DatabaseError {
            throw ImportError(
                .notMLflow,
                "\(path) is not an MLflow tracking store: \(error.resultCode == .SQLITE_NOTADB ? "it is not an SQLite database" : error.message ?? "\(error.resultCode)")"
            )
        }
    }
}
