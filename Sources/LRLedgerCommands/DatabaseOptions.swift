import ArgumentParser
import Foundation
import Ledger

/// The `--db` option: which ledger a command uses, an SQLite file or a PostgreSQL
/// database (`postgres://...`).
public struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The ledger: a file, or postgres://USER@HOST[:PORT]/DATABASE[?sslmode=require|verify-full] with the password in PGPASSWORD (default: $LRLEDGER_DB, else ./lrledger.sqlite).",
            valueName: "file-or-url"))
    public var explicitPath: String?

    public init() {}

    public func validate() throws {
        // SQLite would take an empty path for a private temporary database.
        if explicitPath?.isEmpty == true {
            throw ValidationError("--db needs the path of a ledger file, got an empty string")
        }
        // SQLite reads `file:...` as a URI whose parameters (mode, vfs, immutable) would
        // bypass the checks made on the path; the ledger opens such a name as a plain
        // file, but a user who wrote it almost certainly meant a URI: say so.
        if case .file = location, path.lowercased().hasPrefix("file:") {
            let source = explicitPath != nil ? "--db" : "LRLEDGER_DB"
            throw ValidationError(
                "\(source) takes a file path, not an SQLite URI: \(path); for a file with that name, write ./\(path)")
        }
    }

    /// Where the ledger is: a `postgres://` or `postgresql://` URL names a server,
    /// anything else a file.
    public var location: LedgerLocation { LedgerLocation(path) }

    /// `--db`, else `LRLEDGER_DB`, else `./lrledger.sqlite`.
    public var path: String {
        if let explicitPath { return explicitPath }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LRLEDGER_DB"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "lrledger.sqlite"
    }
}
