import CSV
import Foundation

extension Dataset {
    /// Loads a CSV file: numeric feature columns, then an integer class label column.
    ///
    /// - The first row is a header when none of its fields is a number; otherwise it is
    ///   data. (A first row mixing numbers and words is refused as a bad value.)
    /// - Blank lines are skipped. Fields may be quoted (RFC 4180, parsed by CSV.swift)
    ///   and surrounding spaces are ignored.
    /// - Every row has the same number of columns, at least 2.
    /// - Features are finite numbers. Labels are integers (`2` or `2.0`) in
    ///   `0..<maximumClassCount`; the class count is the largest label plus one.
    /// - The fingerprint is the SHA-256 of the file's bytes, so any edit is detected.
    ///
    /// ```csv
    /// sepal_length,sepal_width,petal_length,petal_width,species
    /// 5.1,3.5,1.4,0.2,0
    /// ```
    ///
    /// - parameter path: The file to read.
    /// - throws: `DatasetError` whose message names the file and, for a bad row, its
    ///   1-based line number.
    public init(csvAt path: String) throws {
        let bytes = try Self.readFile(at: path)
        try self.init(csvBytes: bytes, path: path)
    }

    /// Parses CSV bytes as `init(csvAt:)` does; `path` only names them in messages.
    init(csvBytes bytes: [UInt8], path: String) throws {
        guard var text = String(bytes: bytes, encoding: .utf8) else {
            throw DatasetError(.unreadable, path: path, "the file is not UTF-8 text")
        }
        if text.unicodeScalars.first == "\u{FEFF}" {
            text.unicodeScalars.removeFirst()
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: true)
        } catch {
            throw DatasetError(.unreadable, path: path, "the file could not be parsed as CSV (\(error))")
        }

        var features: [Double] = []
        var labels: [Int] = []
        var columnCount = 0
        var referenceLine = 0
        var sawHeader = false
        var line = 1
        while let row = reader.next() {
            let rowLine = line
            line += 1 + row.reduce(0) { $0 + Self.lineBreaks(in: $1) }
            if row.count == 1, row[0].isEmpty {
                continue
            }
            if columnCount == 0 {
                guard row.count >= 2 else {
                    throw DatasetError(
                        .wrongColumnCount, path: path, line: rowLine,
                        "expected at least 2 columns (features, then a class label), found \(row.count)")
                }
                columnCount = row.count
                referenceLine = rowLine
                if row.allSatisfy({ Self.decimal($0) == nil && !Self.isHexadecimal($0) }) {
                    sawHeader = true
                    continue
                }
            }
            guard row.count == columnCount else {
                throw DatasetError(
                    .wrongColumnCount, path: path, line: rowLine,
                    "expected \(columnCount) columns like line \(referenceLine), found \(row.count)")
            }
            for column in 0..<(columnCount - 1) {
                let field = row[column]
                guard let value = Self.decimal(field) else {
                    let shown = field.isEmpty ? "an empty value" : "\"\(field)\""
                    throw DatasetError(
                        .invalidValue, path: path, line: rowLine,
                        "column \(column + 1) has \(shown), expected a \(Self.isHexadecimal(field) ? "decimal " : "")number"
                    )
                }
                guard value.isFinite else {
                    throw DatasetError(
                        .invalidValue, path: path, line: rowLine,
                        "column \(column + 1) has \"\(field)\", expected a finite number")
                }
                features.append(value)
            }
            labels.append(try Self.label(row[columnCount - 1], path: path, line: rowLine, column: columnCount))
        }

        guard !labels.isEmpty else {
            if sawHeader {
                throw DatasetError(
                    .empty, path: path, "the file has a header on line \(referenceLine) but no data rows")
            }
            throw DatasetError(
                .empty, path: path, "the file is empty; expected rows of numeric features followed by a class label")
        }
        let classCount = (labels.max() ?? 0) + 1
        self.init(
            validFeatures: features, labels: labels, classCount: classCount, featureCount: columnCount - 1,
            fingerprint: CheckpointFormat.sha256Hex(of: bytes))
    }

    private static func label(_ field: String, path: String, line: Int, column: Int) throws -> Int {
        let range = "0..<\(maximumClassCount)"
        if let value = Int(field) {
            guard (0..<maximumClassCount).contains(value) else {
                throw DatasetError(
                    .invalidLabel, path: path, line: line,
                    "the class label \(value) in column \(column) is out of range \(range)")
            }
            return value
        }
        guard let value = decimal(field), value.isFinite, value.rounded() == value else {
            let shown = field.isEmpty ? "an empty value" : "\"\(field)\""
            throw DatasetError(
                .invalidLabel, path: path, line: line,
                "the class label in column \(column) is \(shown), expected an integer in \(range)")
        }
        guard value >= 0, value < Double(maximumClassCount) else {
            throw DatasetError(
                .invalidLabel, path: path, line: line,
                "the class label \(field) in column \(column) is out of range \(range)")
        }
        return Int(value)
    }

    /// The value of a field written as a decimal number (`-1`, `0.5`, `1e-3`, `inf`,
    /// `nan`), or nil. Swift's `Double(_:)` also reads hexadecimal (`0x10` is 16): a CSV
    /// from a spreadsheet or a numeric library never means that, so it is refused.
    static func decimal(_ field: String) -> Double? {
        isHexadecimal(field) ? nil : Double(field)
    }

    /// Whether the field is a hexadecimal number as `Double(_:)` would read it: `0x`
    /// after an optional sign.
    static func isHexadecimal(_ field: String) -> Bool {
        var text = Substring(field)
        if text.first == "+" || text.first == "-" { text = text.dropFirst() }
        return text.lowercased().hasPrefix("0x")
    }

    /// Line breaks inside a (quoted) field, counted as the reader counts row ends:
    /// CR LF, a lone CR and a lone LF are one break each.
    private static func lineBreaks(in field: String) -> Int {
        var count = 0
        var previousWasCR = false
        for byte in field.utf8 {
            if byte == 0x0D {
                count += 1
                previousWasCR = true
            } else {
                if byte == 0x0A, !previousWasCR {
                    count += 1
                }
                previousWasCR = false
            }
        }
        return count
    }

    private static func readFile(at path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(.unreadable, path: path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw DatasetError(.unreadable, path: path, "is a directory, expected a CSV file")
        }
        // Foundation refuses anything but a regular file with "You don't have permission";
        // say what the path is instead, and read pipes (`--data <(gen)`) to their end.
        var info = stat()
        let kind = stat(path, &info) == 0 ? info.st_mode & S_IFMT : S_IFREG
        guard kind == S_IFREG || kind == S_IFIFO else {
            throw DatasetError(.unreadable, path: path, "is a device or socket, expected a CSV file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError(.unreadable, path: path, "cannot open the file (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw DatasetError(.unreadable, path: path, "cannot read the file (\(error.localizedDescription))")
        }
    }
}
