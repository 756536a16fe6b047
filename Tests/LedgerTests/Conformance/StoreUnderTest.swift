import Foundation
import TestSupport
import Testing

@testable import Ledger

/// A store the conformance suite runs on: how to make a fresh, empty ledger there and
/// open it again. A new store joins `all` and must pass every test of
/// `StoreConformanceTests` unchanged.
struct StoreUnderTest: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable (LedgerConfiguration) throws -> FreshLedger

    var testDescription: String { name }

    /// Every store the ledger supports: PostgreSQL when `LRLEDGER_TEST_POSTGRES` names a
    /// server (see `PostgresAvailabilityTests` for what happens when it does not).
    static let all: [StoreUnderTest] = PostgresTestServer.url == nil ? [.sqlite] : [.sqlite, .postgres]

    /// The embedded store: a file in a temporary folder.
    static let sqlite = StoreUnderTest(name: "SQLite") { configuration in
        let directory = try TemporaryDirectory()
        let path = directory.path()
        return FreshLedger(
            ledger: try Ledger(path: path, configuration: configuration), keepAlive: directory,
            reopen: { readOnly in
                readOnly ? try Ledger.openReadOnly(path: path) : try Ledger(path: path, configuration: configuration)
            })
    }
}

extension StoreUnderTest {
    /// The server store: each fresh ledger is a new database on the server that
    /// `LRLEDGER_TEST_POSTGRES` names, dropped when the test is done with it.
    static let postgres = StoreUnderTest(name: "PostgreSQL") { configuration in
        let database = try PostgresTestDatabase()
        let url = database.url
        return FreshLedger(
            ledger: try Ledger(location: .postgres(url), configuration: configuration), keepAlive: database,
            reopen: { readOnly in
                readOnly
                    ? try Ledger.openReadOnly(location: .postgres(url))
                    : try Ledger(location: .postgres(url), configuration: configuration)
            })
    }
}

/// A fresh ledger on a store under test, and a way to open it again (another
/// connection, as another process would).
final class FreshLedger: @unchecked Sendable {
    let ledger: Ledger
    private let keepAlive: AnyObject
    private let reopenBody: (Bool) throws -> Ledger

    init(ledger: Ledger, keepAlive: AnyObject, reopen: @escaping (Bool) throws -> Ledger) {
        self.ledger = ledger
        self.keepAlive = keepAlive
        self.reopenBody = reopen
    }

    /// The same ledger opened again, read-write or read-only.
    func reopen(readOnly: Bool = false) throws -> Ledger { try reopenBody(readOnly) }
}
