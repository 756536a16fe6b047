import Foundation
import Schedules

/// Prints rows of text cells in one of the output formats, streaming where it can.
///
/// CSV and JSON rows go out as they come. A table is aligned on its first
/// `alignmentWindow` rows, then streams, so ten million rows never sit in memory; a
/// later, wider cell only pushes its own line out of line (`minimumWidths` reserves room
/// for values known to grow, such as steps). JSON cells are written as given when
/// marked raw (numbers, nested JSON), otherwise as strings.
///
/// Table cells, meant for a terminal, have control characters escaped (`\u{1b}`), so
/// a name or an SQL value cannot move the cursor or forge lines. CSV and JSON keep the
/// exact text, quoted and escaped by their own rules.
struct RowPrinter {
    /// A cell: its text and whether JSON should write it unquoted.
    struct Cell {
        var text: String
        var raw: Bool

        static func text(_ text: String) -> Cell { Cell(text: text, raw: false) }
        static func raw(_ text: String) -> Cell { Cell(text: text, raw: true) }
        static let null = Cell(text: "", raw: true)

        /// A number for JSON, except `inf`, `-inf` and `nan`, which JSON has no literal for
        /// and which are written as strings.
        static func number(_ text: String) -> Cell {
            Cell(text: text, raw: !["inf", "-inf", "nan"].contains(text))
        }
    }

    let format: OutputFormat
    let columns: [String]
    private var emitted = 0
    private var pending: [[Cell]] = []
    private var widths: [Int]? = nil
    /// Widths a table column gets at least, by index.
    var minimumWidths: [Int] = []
    static let alignmentWindow = 1000
    private var write: (String) -> Void

    private var output: StandardOutput?

    /// - parameter write: where text goes; by default buffered standard output, flushed by `end()`.
    init(format: OutputFormat, columns: [String], write: ((String) -> Void)? = nil) {
        self.format = format
        self.columns = columns
        if let write {
            self.write = write
        } else {
            let output = StandardOutput()
            self.output = output
            self.write = output.write
        }
    }

    mutating func begin() {
        switch format {
        case .csv: write(columns.map(Self.csvField).joined(separator: ",") + "\n")
        case .json: write("[")
        case .table: break
        }
    }

    mutating func row(_ cells: [Cell]) {
        switch format {
        case .csv:
            write(cells.map { Self.csvField($0.text) }.joined(separator: ",") + "\n")
        case .json:
            let fields = zip(columns, cells).map { column, cell in
                "\(Self.jsonString(column)): \(cell.raw ? (cell.text.isEmpty ? "null" : cell.text) : Self.jsonString(cell.text))"
            }
            write((emitted == 0 ? "\n  {" : ",\n  {") + fields.joined(separator: ", ") + "}")
        case .table:
            let cells = cells.map { Cell(text: LRLedger.escapingControlCharacters($0.text), raw: $0.raw) }
            if let widths {
                write(Self.tableLine(cells.map(\.text), widths: widths))
            } else {
                pending.append(cells)
                if pending.count >= Self.alignmentWindow { flushTable() }
            }
        }
        emitted += 1
    }

    private mutating func flushTable() {
        var widths = columns.enumerated().map { index, name in
            max(name.count, index < minimumWidths.count ? minimumWidths[index] : 0)
        }
        for row in pending {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.text.count)
            }
        }
        write(Self.tableLine(columns, widths: widths))
        write(Self.tableLine(widths.map { String(repeating: "-", count: $0) }, widths: widths))
        for row in pending { write(Self.tableLine(row.map(\.text), widths: widths)) }
        pending.removeAll()
        self.widths = widths
    }

    static func tableLine(_ texts: [String], widths: [Int]) -> String {
        var line = ""
        for (index, text) in texts.enumerated() {
            if index > 0 { line += "  " }
            line += text
            if index < widths.count, index < texts.count - 1 {
                line += String(repeating: " ", count: max(0, widths[index] - text.count))
            }
        }
        return line + "\n"
    }

    mutating func end() {
        switch format {
        case .csv: break
        case .json: write(emitted == 0 ? "]\n" : "\n]\n")
        case .table:
            if widths == nil { flushTable() }
        }
        output?.flush()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonString(_ text: String) -> String {
        JSONValue.string(text).compactText
    }
}
