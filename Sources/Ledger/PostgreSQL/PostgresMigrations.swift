import Foundation
import PostgresNIO

/// The PostgreSQL store's migrations (`migrations/postgres/NNNN_name.sql`, embedded at
/// build time), each applied in the transaction that records it, with the SHA-256 of its
/// text, in `lrledger_migration`.
///
/// The rules are the SQLite store's: migrations apply in order; a database that records
/// a migration this build does not know was made by a newer lrledger and is refused; one
/// whose recorded checksum differs from this build's text is refused; a database that
/// holds tables but no `lrledger_migration` is not a ledger and is refused. Nothing is
/// written when a database is refused.
///
/// Two hosts may open the same empty database at the same moment: every migration, and
/// every check made to decide one, runs under a transaction-level advisory lock
/// (`migrationLock`), so the second waits for the first and then finds nothing to do.
enum PostgresMigrations {
    /// The advisory lock key of migrations ("lrledger" + "m" in ASCII, cut to 63 bits).
    static let migrationLock: Int64 = 0x6C72_6C65_6467_6572 & 0x7FFF_FFFF_FFFF_FF00 | 0x6D
    /// The advisory lock key every write transaction takes ("lrledger" + "w").
    static let writeLock: Int64 = 0x6C72_6C65_6467_6572 & 0x7FFF_FFFF_FFFF_FF00 | 0x77

    /// The oldest server lrledger runs on (`server_version_num` of PostgreSQL 14.0).
    static let minimumServerVersion: Int64 = 140_000

    /// The bookkeeping table, created by the code with the first migration.
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS lrledger_migration (
            identifier text NOT NULL PRIMARY KEY,
            sha256 text NOT NULL,
            applied_at text NOT NULL
        )
        """

    /// The migrations this build carries, in order.
    static var known: [EmbeddedMigration] { EmbeddedMigration.postgres }

    /// What a database holds.
    enum Inspection: Equatable {
        /// No table at all: a ledger may be made here.
        case empty
        /// A ledger, lacking the listed migrations (none when current).
        case ledger(pending: [String])
    }

    /// Looks at the database without changing it.
    ///
    /// - throws: `LedgerError` `.notALedger`, `.newerSchema`, `.migrationChecksumMismatch`,
    ///   or the driver's error.
    static func inspect(_ session: PostgresSession) throws -> Inspection {
        let url = session.url
        let found = try session.query(
            """
            SELECT to_regclass('lrledger_migration') IS NOT NULL,
                (SELECT count(*) FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
                        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'),
                current_setting('server_version_num')::bigint, current_setting('server_version')
            """
        ).rows.first
        guard let found = found?.makeRandomAccess() else { return .empty }
        let hasTable = try found.get(0, as: Bool.self)
        let tables = try found.get(1, as: Int64.self)
        guard try found.get(2, as: Int64.self) >= minimumServerVersion else {
            throw LedgerError(
                .cannotOpen,
                "\(url.server) runs PostgreSQL \(try found.get(3, as: String.self)), and lrledger needs PostgreSQL 14 or newer (a commit whose answer is lost is settled with pg_terminate_backend's timeout); upgrade the server: lrledger left the database unchanged"
            )
        }
        guard hasTable else {
            if tables == 0 { return .empty }
            throw LedgerError(
                .notALedger,
                "\(url.location) holds \(tables) tables but no lrledger_migration table: it is not an lrledger ledger, and lrledger left it unchanged; name an empty database or a ledger"
            )
        }
        var checksums: [String: String] = [:]
        for row in try session.query("SELECT identifier, sha256 FROM lrledger_migration").rows {
            let columns = row.makeRandomAccess()
            checksums[try columns.get(0, as: String.self)] = try columns.get(1, as: String.self)
        }
        return .ledger(pending: try pending(url: url, checksums: checksums))
    }

    /// Decides whether a database whose recorded migrations are `checksums` may be used
    /// by this build, and which known migrations it still lacks.
    static func pending(url: PostgresURL, checksums: [String: String]) throws -> [String] {
        let knownIdentifiers = known.map(\.identifier)
        if let first = checksums.keys.filter({ !knownIdentifiers.contains($0) }).sorted().first {
            throw LedgerError(
                .newerSchema,
                "\(url.location) was migrated by a newer lrledger (migration \(first) is unknown to this build, whose newest is \(knownIdentifiers.last ?? "none")); use that newer lrledger: this one left the database unchanged"
            )
        }
        for migration in known {
            guard let recorded = checksums[migration.identifier] else { continue }
            let expected = SHA256Hex.digest(migration.sql)
            guard recorded == expected else {
                throw LedgerError(
                    .migrationChecksumMismatch,
                    "\(url.location) recorded migration \(migration.identifier) with checksum \(recorded.prefix(12))…, but this build's text of it has \(expected.prefix(12))…; the database was made by a different lrledger build (use that build): this one left it unchanged"
                )
            }
        }
        return knownIdentifiers.filter { checksums[$0] == nil }
    }

    /// Applies the pending migrations inside the caller's open transaction, after taking
    /// the migration lock and looking again (another host may have migrated meanwhile).
    ///
    /// - returns: the identifiers applied, and whether the database was empty before.
    static func migrate(_ session: PostgresSession) throws -> (applied: [String], wasEmpty: Bool) {
        try session.query("SELECT pg_advisory_xact_lock(\(migrationLock))")
        let inspection = try inspect(session)
        let pending: [String]
        switch inspection {
        case .empty: pending = known.map(\.identifier)
        case .ledger(let lacking): pending = lacking
        }
        if !pending.isEmpty { try session.query(PostgresQuery(unsafeSQL: tableSQL)) }
        for migration in known where pending.contains(migration.identifier) {
            for statement in try SQLStatementSplitter.statements(of: migration.sql) {
                try session.query(PostgresQuery(unsafeSQL: statement))
            }
            try session.query(
                """
                INSERT INTO lrledger_migration (identifier, sha256, applied_at)
                VALUES (\(migration.identifier), \(SHA256Hex.digest(migration.sql)), \(Timestamp.now().description))
                """)
        }
        return (pending, inspection == .empty)
    }
}
