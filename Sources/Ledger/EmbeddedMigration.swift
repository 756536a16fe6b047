/// One migration file carried inside the binary: `migrations/NNNN_name.sql`.
///
/// The list itself, `EmbeddedMigration.all`, is generated at build time from the
/// package's `migrations/` folder by the EmbedMigrations plugin.
public struct EmbeddedMigration: Sendable, Hashable {
    /// The file name without `.sql`, such as `0001_initial`.
    public let identifier: String
    /// The file's exact text.
    public let sql: String
}
