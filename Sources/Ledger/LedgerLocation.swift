/// Where a ledger is: an SQLite file (the embedded default), or a PostgreSQL database
/// that a fleet of trainers shares.
///
/// `LedgerLocation(_:)` reads what a user typed (`--db`, `LRLEDGER_DB`): a
/// `postgres://` or `postgresql://` URL names a server, anything else a file path.
///
/// ```swift
/// let ledger = try Ledger(location: LedgerLocation("postgres://trainer@db.internal/ledger"))
/// let local = try Ledger(location: .file("lrledger.sqlite"))
/// ```
public enum LedgerLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file.
    case file(String)
    /// A PostgreSQL database:
    /// `postgres://user[:password]@host[:port]/dbname[?sslmode=disable|require|verify-full&sslrootcert=FILE]`.
    /// Without a password in the URL, `PGPASSWORD` is used.
    case postgres(String)

    /// The location `text` names: a PostgreSQL URL, or else a file path.
    public init(_ text: String) {
        self = PostgresURL.isPostgres(text) ? .postgres(text) : .file(text)
    }

    /// The path, or the URL with its password hidden: safe to print and log.
    public var description: String {
        switch self {
        case .file(let path): path
        case .postgres(let url):
            (try? PostgresURL(parsing: url, environment: [:]).location) ?? PostgresURL.redacted(url)
        }
    }
}
