import Foundation

@testable import Ledger

/// The PostgreSQL server the tests use: `LRLEDGER_TEST_POSTGRES`, a URL such as
/// `postgres://lrledger:PASSWORD@127.0.0.1:54329/postgres` (`scripts/postgres-cluster url`)
/// of a role allowed to create databases.
enum PostgresTestServer {
    static let url: String? = ProcessInfo.processInfo.environment["LRLEDGER_TEST_POSTGRES"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Why the PostgreSQL cases do not run, when they do not.
    static let unavailableReason =
        "LRLEDGER_TEST_POSTGRES is unset, so the PostgreSQL store's tests did not run; scripts/test starts a throwaway cluster when Debian's PostgreSQL 15 is installed (or run scripts/postgres-cluster start and export LRLEDGER_TEST_POSTGRES=$(scripts/postgres-cluster url))"

    /// `url` with its database replaced by `database`.
    static func url(database: String) throws -> String {
        guard let url, var components = URLComponents(string: url) else {
            throw LedgerError(.invalidArgument, unavailableReason)
        }
        components.path = "/" + database
        guard let text = components.string else { throw LedgerError(.invalidArgument, "cannot build a URL") }
        return text
    }
}

/// A new, empty database on the test server, dropped (with any connection left to it)
/// when released.
final class PostgresTestDatabase: @unchecked Sendable {
    let name: String
    let url: String

    init() throws {
        guard let server = PostgresTestServer.url else {
            throw LedgerError(.invalidArgument, PostgresTestServer.unavailableReason)
        }
        name = "lrledger_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresAdministration.execute(server, ["CREATE DATABASE \(name)"])
        url = try PostgresTestServer.url(database: name)
    }

    /// Runs statements on this database outside the ledger's rules.
    func execute(_ statements: String...) throws {
        try PostgresAdministration.execute(url, statements)
    }

    deinit {
        if let server = PostgresTestServer.url {
            try? PostgresAdministration.execute(server, ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
        }
    }
}
