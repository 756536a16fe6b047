import Foundation

// Writes a Swift file that holds the text of each migration file given on the
// command line: `EmbedMigrationsTool OUTPUT.swift 0001_a.sql ... --postgres 0001_a.sql ...`
// (the SQLite store's migrations, then the PostgreSQL store's).
// Used by the EmbedMigrations build plugin only.

/// A Swift string literal holding `text` exactly, with every non-printable or
/// non-ASCII scalar escaped, so no content can break out of the literal.
func swiftLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case " "..."~": out.unicodeScalars.append(scalar)
        default: out += "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
    return out + "\""
}

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: EmbedMigrationsTool OUTPUT.swift FILE.sql...\n".utf8))
    exit(2)
}
var entries: [String] = []
var postgresEntries: [String] = []
var inPostgres = false
for path in arguments.dropFirst() {
    if path == "--postgres" {
        inPostgres = true
        continue
    }
    let url = URL(fileURLWithPath: path)
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        FileHandle.standardError.write(Data("error: cannot read migration \(path) as UTF-8 text\n".utf8))
        exit(1)
    }
    let identifier = url.deletingPathExtension().lastPathComponent
    let entry = "        EmbeddedMigration(identifier: \(swiftLiteral(identifier)), sql: \(swiftLiteral(text))),"
    if inPostgres {
        postgresEntries.append(entry)
    } else {
        entries.append(entry)
    }
}
let source = """
    // Generated at build time from migrations/*.sql by the EmbedMigrations plugin. Do not edit.

    extension EmbeddedMigration {
        /// The package's migrations, in the order they apply.
        static let all: [EmbeddedMigration] = [
    \(entries.joined(separator: "\n"))
        ]

        /// The PostgreSQL store's migrations, in the order they apply.
        static let postgres: [EmbeddedMigration] = [
    \(postgresEntries.joined(separator: "\n"))
        ]
    }

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: outputPath), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("error: cannot write \(outputPath): \(error)\n".utf8))
    exit(1)
}
