/// Cuts an SQL script into its statements, at the semicolons outside comments and
/// quotes.
///
/// PostgresNIO speaks only the extended query protocol, which takes one statement per
/// message, so a migration file is sent a statement at a time (in one transaction). The
/// splitter knows `--` and `/* */` comments, `'...'` strings, `"..."` identifiers and
/// dollar-quoted bodies (`$tag$ ... $tag$`, as a function's body is written).
enum SQLStatementSplitter {
    /// The statements of `script`, trimmed, without empty ones.
    ///
    /// - throws: `LedgerError` `.invalidArgument` for a dollar quote never closed.
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
                // A dollar quote opens with `$tag$` (the tag letters, digits or `_`, maybe
                // empty) and runs to the same `$tag$`; any other `$` is plain text (`$1`).
                current.append(character)
                var tag = ""
                var opened = false
                while let following = next() {
                    if following == "$" {
                        opened = true
                        break
                    }
                    guard following.isLetter || following == "_" || (following.isNumber && !tag.isEmpty) else {
                        pending = following
                        break
                    }
                    tag.append(following)
                }
                current += tag
                guard opened else { break }
                let delimiter = "$" + tag + "$"
                current.append("$")
                var body = ""
                var closed = false
                while let quoted = next() {
                    body.append(quoted)
                    if quoted == "$", body.hasSuffix(delimiter) {
                        closed = true
                        break
                    }
                }
                guard closed else {
                    throw LedgerError(.invalidArgument, "a migration's dollar quote \(delimiter) is never closed")
                }
                current += body
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
