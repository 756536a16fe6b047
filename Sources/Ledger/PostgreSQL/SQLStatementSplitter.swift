/// Cuts an SQL script into its statements, at the semicolons outside comments and
/// quotes.
///
/// PostgresNIO speaks only the extended query protocol, which takes one statement per
/// message, so a migration file is sent a statement at a time (in one transaction). The
/// splitter knows `--` and `/* */` comments, `'...'` strings and `"..."` identifiers;
/// migrations must not use dollar-quoted bodies (`$$`), which it refuses.
enum SQLStatementSplitter {
    /// The statements of `script`, trimmed, without empty ones.
    ///
    /// - throws: `LedgerError` `.invalidArgument` for a dollar quote.
    static func statements(of script: String) throws -> [String] {
        var statements: [String] = []
        var current = ""
        var characters = script.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return characters.next()
        }
        while let character = next() {
            switch character {
            case "-":
                guard let following = next() else {
                    current.append(character)
                    break
                }
                if following == "-" {
                    while let skipped = next(), skipped != "\n" {}
                    current.append("\n")
                } else {
                    current.append(character)
                    pending = following
                }
            case "/":
                guard let following = next() else {
                    current.append(character)
                    break
                }
                if following == "*" {
                    var previous: Character = " "
                    while let skipped = next() {
                        if previous == "*" && skipped == "/" { break }
                        previous = skipped
                    }
                    current.append(" ")
                } else {
                    current.append(character)
                    pending = following
                }
            case "'", "\"":
                current.append(character)
                while let quoted = next() {
                    current.append(quoted)
                    if quoted == character { break }
                }
            case "$":
                throw LedgerError(.invalidArgument, "a migration may not use dollar quotes ($); quote with '...'")
            case ";":
                let statement = current.trimmingWhitespace
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            default:
                current.append(character)
            }
        }
        let last = current.trimmingWhitespace
        if !last.isEmpty { statements.append(last) }
        return statements
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
