import CSV
import Foundation

/// Reads a learning rate logged in a CSV file: an export of MLflow, Weights & Biases or
/// TensorBoard (`wall_time,step,value`, `Wall time,Step,Value`), or Keras's `CSVLogger`
/// file (`epoch,...,learning_rate,...`).
///
/// The first row names the columns; the step and rate columns are chosen by name (see
/// `CSVColumns`). The file is streamed through CSV.swift, row by row, so a file of any
/// size is read in constant memory. Steps are non-negative integers (`12` or `12.0`),
/// rates finite numbers; a wall-time column (`wall_time`, `Wall time`, `_timestamp`,
/// `timestamp`) is read when there is one (MLflow's milliseconds are turned into seconds).
///
/// ```swift
/// let source = try CSVRateSource(path: "run.csv")
/// try source.read { print($0.step, $0.value) }
/// ```
public struct CSVRateSource: RateSource {
    /// The file read.
    public let path: String
    /// The columns chosen from the header.
    public let columns: CSVColumns

    public var series: String { columns.rate }
    public var description: String { "column \(columns.rate) of \(path)" }

    /// Opens the file and chooses its columns from the header.
    ///
    /// - parameter path: the CSV file.
    /// - parameter stepColumn: the step column's name, or nil for the default names.
    /// - parameter rateColumn: the rate column's name, or nil for the default names.
    /// - throws: `ImportError` `.unreadable` or `.badCSV` naming the file and the columns it has.
    public init(path: String, stepColumn: String? = nil, rateColumn: String? = nil) throws {
        self.path = path
        let reader = try Self.open(path)
        guard let header = reader.headerRow?.map({ String(Self.trimmed($0)) }), !header.isEmpty, header != [""] else {
            if let error = reader.error { throw Self.parseError(path, error) }
            throw ImportError(.badCSV, "\(path) has no header row naming its columns")
        }
        columns = try CSVColumns(header: header, step: stepColumn, rate: rateColumn, path: path)
    }

    public func read(_ body: (SourceRecord) throws -> Void) throws {
        let reader = try Self.open(path)
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.count == 1, row[0].isEmpty { continue }
            guard row.count > max(columns.stepIndex, columns.rateIndex) else {
                throw ImportError(
                    .badCSV,
                    "\(path) line \(line) has \(row.count) field\(row.count == 1 ? "" : "s"), but the header names \(columns.header.count) columns"
                )
            }
            let stepText = row[columns.stepIndex]
            guard let step = Self.step(stepText) else {
                throw ImportError(
                    .badValue,
                    "\(path) line \(line): column \(columns.step) holds \(Self.shown(stepText)), not a step (a whole number >= 0)"
                )
            }
            let rateText = row[columns.rateIndex]
            guard let rate = Double(Self.trimmed(rateText)), rate.isFinite else {
                throw ImportError(
                    .badValue,
                    "\(path) line \(line): column \(columns.rate) holds \(Self.shown(rateText)), not a finite number")
            }
            var wallTime: Double?
            if let index = columns.wallTimeIndex, index < row.count {
                wallTime = Double(Self.trimmed(row[index])).map {
                    $0 > 1e11 ? $0 / 1000 : $0  // MLflow exports milliseconds
                }
            }
            try body(SourceRecord(step: step, value: rate, precision: .decimal, wallTime: wallTime))
        }
        if let error = reader.error { throw Self.parseError(path, error, line: line) }
    }

    // MARK: - Helpers

    private static func open(_ path: String) throws -> CSVReader {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path)
        else {
            throw ImportError(.unreadable, "cannot read \(path): no such file, or it is a folder or unreadable")
        }
        do {
            // Fields are trimmed here, only those read: CSV.swift's trimFields goes through
            // Foundation's NSString and halved the reading speed.
            return try CSVReader(stream: FileInputStream(handle: handle), hasHeaderRow: true, trimFields: false)
        } catch {
            throw parseError(path, error)
        }
    }

    private static func parseError(_ path: String, _ error: any Error, line: Int? = nil) -> ImportError {
        ImportError(.badCSV, "\(path)\(line.map { " near line \($0)" } ?? "") is not readable CSV (\(error))")
    }

    /// A non-negative whole number, written as an integer or as a float with no fraction.
    static func step(_ text: String) -> Int64? {
        let trimmed = Self.trimmed(text)
        if let value = Int64(trimmed) { return value >= 0 ? value : nil }
        guard let value = Double(trimmed), value.isFinite, value >= 0, value <= 9_007_199_254_740_992,
            value.rounded(.towardZero) == value
        else { return nil }
        return Int64(value)
    }

    /// The text without the spaces and tabs around it.
    static func trimmed(_ text: String) -> Substring {
        var sub = text[...]
        while let first = sub.first, first == " " || first == "\t" { sub.removeFirst() }
        while let last = sub.last, last == " " || last == "\t" { sub.removeLast() }
        return sub
    }

    private static func shown(_ text: String) -> String {
        text.isEmpty ? "an empty field" : "\"\(text.prefix(40))\""
    }
}
