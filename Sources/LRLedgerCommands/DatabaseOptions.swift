import ArgumentParser
import Foundation

/// The `--db` option: which ledger file a command uses.
public struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The ledger file (default: $LRLEDGER_DB, else ./lrledger.sqlite).")
    public var explicitPath: String?

    public init() {}

    public func validate() throws {
        // SQLite would take an empty path for a private temporary database.
        if explicitPath?.isEmpty == true {
            throw ValidationError("--db needs the path of a ledger file, got an empty string")
        }
    }

    /// `--db`, else `LRLEDGER_DB`, else `./lrledger.sqlite`.
    public var path: String {
        if let explicitPath { return explicitPath }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LRLEDGER_DB"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "lrledger.sqlite"
    }
}
