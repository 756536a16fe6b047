import GRDB

/// The package's SQL migrations, run through GRDB's `DatabaseMigrator`, each with a
/// SHA-256 of its text recorded in `lrledger_migration` inside its own transaction.
///
/// GRDB's `grdb_migrations` table tells which migrations were applied, including ones
/// a newer lrledger knows and this build does not; the checksums tell whether an
/// applied migration is the one this build carries.
enum LedgerMigrations {
    /// The checksum table. It is bookkeeping, like `grdb_migrations`, so the code
    /// creates it rather than a migration file.
    static let checksumTableSQL = """
        CREATE TABLE IF NOT EXISTS lrledger_migration (
            identifier TEXT NOT NULL PRIMARY KEY,
            sha256 TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// The migrations this build carries, in order.
    static var known: [EmbeddedMigration] { EmbeddedMigration.all }

    /// Migrations that add only data derived from the other tables, which readers do
    /// without: a ledger lacking nothing else opens read-only (its first write migrates
    /// it). `0006_rate_blocks` adds block summaries; the series reads rows without them.
    static let derived: Set<String> = ["0006_rate_blocks"]

    /// Whether a reader can use a ledger that lacks the migrations `pending`.
    static func readable(lacking pending: [String]) -> Bool {
        pending.allSatisfy(derived.contains)
    }

    /// The checksum of a migration: SHA-256 of its exact UTF-8 text.
    static func checksum(_ migration: EmbeddedMigration) -> String {
        SHA256Hex.digest(migration.sql)
    }

    /// A migrator that applies every known migration in order, each in its own
    /// transaction, and records its checksum in that same transaction.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in known {
            let checksum = checksum(migration)
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                try db.execute(sql: checksumTableSQL)
                try db.execute(
                    sql: "INSERT INTO lrledger_migration (identifier, sha256, applied_at) VALUES (?, ?, ?)",
                    arguments: [migration.identifier, checksum, Timestamp.now().description])
            }
        }
        return migrator
    }

    /// Decides whether a database whose applied migrations and recorded checksums are
    /// given may be used by this build, and which known migrations it still lacks.
    ///
    /// - parameter path: the file, named in messages.
    /// - parameter applied: identifiers from `grdb_migrations`.
    /// - parameter checksums: identifier to SHA-256 from `lrledger_migration`.
    /// - returns: the identifiers of known migrations not applied yet, in order.
    /// - throws: `LedgerError` `.newerSchema` or `.migrationChecksumMismatch`.
    static func pending(path: String, applied: Set<String>, checksums: [String: String]) throws -> [String] {
        let knownIdentifiers = known.map(\.identifier)
        let unknown = applied.subtracting(knownIdentifiers).sorted()
        if let first = unknown.first {
            let newest = knownIdentifiers.last ?? "none"
            throw LedgerError(
                .newerSchema,
                "\(path) was migrated by a newer lrledger (migration \(first) is unknown to this build, whose newest is \(newest)); use that newer lrledger: this one left the file unchanged"
            )
        }
        for migration in known where applied.contains(migration.identifier) {
            guard let recorded = checksums[migration.identifier] else {
                throw LedgerError(
                    .migrationChecksumMismatch,
                    "\(path) has migration \(migration.identifier) applied but no checksum recorded for it; it was not made by lrledger, or was altered: this build left it unchanged"
                )
            }
            let expected = checksum(migration)
            guard recorded == expected else {
                throw LedgerError(
                    .migrationChecksumMismatch,
                    "\(path) recorded migration \(migration.identifier) with checksum \(recorded.prefix(12))…, but this build's text of it has \(expected.prefix(12))…; the database was made by a different lrledger build (use that build): this one left it unchanged"
                )
            }
        }
        if let stray = checksums.keys.sorted().first(where: { !applied.contains($0) }) {
            throw LedgerError(
                .migrationChecksumMismatch,
                "\(path) records a checksum for migration \(stray), which is not marked as applied; the migration records were altered: lrledger left the file unchanged"
            )
        }
        return knownIdentifiers.filter { !applied.contains($0) }
    }

    /// Reads the applied migrations and checksums through a GRDB connection and
    /// checks them with `pending(path:applied:checksums:)`.
    static func pending(path: String, db: Database) throws -> [String] {
        let applied =
            try db.tableExists("grdb_migrations")
            ? try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : []
        var checksums: [String: String] = [:]
        if try db.tableExists("lrledger_migration") {
            for row in try Row.fetchAll(db, sql: "SELECT identifier, sha256 FROM lrledger_migration") {
                checksums[try row.value(at: 0)] = try row.value(at: 1)
            }
        }
        return try pending(path: path, applied: applied, checksums: checksums)
    }
}
