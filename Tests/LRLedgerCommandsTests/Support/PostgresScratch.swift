import Foundation
import Testing

@testable import Ledger

/// A new, empty database on the server `LRLEDGER_TEST_POSTGRES` names, for one
/// end-to-end test; dropped when released. `LRLEDGER_TEST_POSTGRES_CERT` names the
/// server's certificate (`scripts/postgres-cluster cert`), for the TLS tests.
final class PostgresScratch: @unchecked Sendable {
    static let server: String? = ProcessInfo.processInfo.environment["LRLEDGER_TEST_POSTGRES"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let certificate: String? = ProcessInfo.processInfo.environment["LRLEDGER_TEST_POSTGRES_CERT"].flatMap {
        $0.isEmpty ? nil : $0
    }

    let name: String
    /// The database's URL, with the password.
    let url: String
    /// The password, which no output may show.
    let password: String

    /// A scratch database, or nil when no server is given (the test then returns: the
    /// LedgerTests suite reports the missing server, and fails under CI).
    static func make() throws -> PostgresScratch? {
        guard let server else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("CI is set but LRLEDGER_TEST_POSTGRES is not: the PostgreSQL commands would go untested")
            }
            return nil
        }
        return try PostgresScratch(server: server)
    }

    private init(server: String) throws {
        name = "lrledger_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresAdministration.execute(server, ["CREATE DATABASE \(name)"])
        var components = try #require(URLComponents(string: server))
        password = components.password ?? ""
        components.path = "/" + name
        url = try #require(components.string)
    }

    /// This database's URL with `change` applied (another password, port, query).
    func url(_ change: (inout URLComponents) -> Void) throws -> String {
        var components = try #require(URLComponents(string: url))
        change(&components)
        return try #require(components.string)
    }

    /// Runs statements on the database outside lrledger.
    func execute(_ statements: String...) throws {
        try PostgresAdministration.execute(url, statements)
    }

    deinit {
        if let server = Self.server {
            try? PostgresAdministration.execute(server, ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
        }
    }
}
