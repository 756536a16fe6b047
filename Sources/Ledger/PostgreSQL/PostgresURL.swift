import Foundation

/// Where a PostgreSQL ledger is, parsed from a URL:
/// `postgres://user[:password]@host[:port]/dbname[?sslmode=disable|require|verify-full&sslrootcert=FILE]`.
///
/// The password comes from the URL or, when the URL has none, from `PGPASSWORD`. It is
/// kept only to log in: `location`, every message and every log line name the server
/// without it.
///
/// ```swift
/// let url = try PostgresURL(parsing: "postgres://trainer@db.internal/ledger?sslmode=verify-full&sslrootcert=ca.pem")
/// print(url.location)  // postgres://trainer@db.internal:5432/ledger?sslmode=verify-full
/// ```
struct PostgresURL: Sendable, Equatable {
    /// How the connection uses TLS, as libpq's `sslmode` (only the modes that say clearly
    /// what they guarantee).
    enum SSLMode: String, Sendable {
        /// Plain TCP.
        case disable
        /// TLS required, the server's certificate not checked (encryption against a
        /// passive listener only).
        case require
        /// TLS required, the certificate checked against `sslrootcert` (or the system's
        /// roots) and the host name.
        case verifyFull = "verify-full"
    }

    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    var sslMode: SSLMode
    /// A PEM file of the certificate authorities to trust, for `verify-full`.
    var sslRootCert: String?

    /// The URL without its password: what messages name the ledger by.
    var location: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(user)@\(hostPart):\(port)/\(database)"
        if sslMode != .disable { text += "?sslmode=\(sslMode.rawValue)" }
        return text
    }

    /// The server, for messages: `host:port`.
    var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether `text` names a PostgreSQL ledger rather than a file.
    static func isPostgres(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses a URL.
    ///
    /// - parameter text: the URL.
    /// - parameter environment: where `PGPASSWORD` is read when the URL has no password.
    /// - throws: `LedgerError` `.invalidArgument` naming what is wrong, without the password.
    init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func refuse(_ problem: String) -> LedgerError {
            LedgerError(
                .invalidArgument,
                "\(Self.redacted(text)) is not a PostgreSQL URL lrledger can use: \(problem); write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full&sslrootcert=FILE]"
            )
        }
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw refuse("it does not parse as a URL")
        }
        guard let host = components.host, !host.isEmpty else { throw refuse("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw refuse("it names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw refuse("it names no database (the path after the host)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("port \(port) is out of range") }
        var sslMode = SSLMode.disable
        var sslRootCert: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw refuse("sslmode must be disable, require or verify-full, got \(item.value ?? "nothing")")
                }
                sslMode = mode
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw refuse("sslrootcert needs a file") }
                sslRootCert = value
            default:
                throw refuse("unknown parameter \(item.name)")
            }
        }
        if sslRootCert != nil, sslMode != .verifyFull {
            throw refuse("sslrootcert is only used with sslmode=verify-full")
        }
        self.user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? user
        self.password = components.password ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
    }

    /// `text` with any password between `://user:` and `@` replaced by `***`, for
    /// messages about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let credentials = rest[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
