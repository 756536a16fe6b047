import Foundation
import PostgresNIO

extension LedgerError {
    /// Translates a PostgreSQL or connection error into a `LedgerError` whose one-line
    /// message names the server and the database (never the password), says what failed
    /// and what to do. A `LedgerError` passes unchanged.
    ///
    /// - parameter error: what the driver (or the code around it) threw.
    /// - parameter url: the ledger's server, named in the message without its password.
    /// - parameter action: what the ledger was doing, as a verb phrase.
    init(postgres error: any Error, url: PostgresURL, action: String) {
        if let error = error as? LedgerError {
            self = error
            return
        }
        let place = url.location
        if let lost = error as? PostgresConnectionLost {
            self.init(
                .unavailable,
                "cannot \(action): the connection to \(place) was lost (\(lost.reason)); nothing of this attempt was saved: retry when the server is back"
            )
            return
        }
        guard let error = error as? PSQLError else {
            self.init(.storeFailure, "cannot \(action) (\(place)): \(Self.oneLine(String(describing: error)))")
            return
        }
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? "?????"
            let detail = Self.oneLine(info[.message] ?? "no message")
            self.init(serverState: state, detail: detail, place: place, url: url, action: action)
            return
        }
        let underlying = error.underlying.map { Self.oneLine(String(describing: $0)) }
        switch error.code {
        case .connectionError:
            let reason = underlying ?? "no reason given"
            if reason.contains("NIOSSL") || reason.contains("SSL") || reason.contains("certificate") {
                self.init(
                    .cannotOpen,
                    "cannot \(action): the TLS handshake with \(url.server) failed (\(reason)); with sslmode=verify-full, pass sslrootcert=FILE naming the certificate of the authority that signed the server's certificate"
                )
            } else {
                self.init(
                    .unavailable,
                    "cannot \(action): PostgreSQL at \(url.server) cannot be reached (\(reason)); check the host and port in \(place) and that the server runs"
                )
            }
        case .sslUnsupported:
            self.init(
                .cannotOpen,
                "cannot \(action): the server at \(url.server) does not accept TLS; turn ssl on in its configuration, or use sslmode=disable on a trusted network"
            )
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            self.init(
                .cannotOpen,
                "cannot \(action): TLS with \(url.server) could not be set up (\(underlying ?? "\(error.code)"))")
        case .authMechanismRequiresPassword:
            self.init(
                .cannotOpen,
                "cannot \(action): the server at \(url.server) asks user \(url.user) for a password and none was given; put it in the URL or in PGPASSWORD"
            )
        case .unsupportedAuthMechanism, .saslError:
            self.init(
                .cannotOpen,
                "cannot \(action): logging in to \(url.server) as \(url.user) failed (\(error.code)); the server must offer scram-sha-256 or md5 password authentication"
            )
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            self.init(
                .unavailable,
                "cannot \(action): the connection to \(place) was lost (\(underlying ?? "\(error.code)")); nothing of this attempt was saved: retry when the server is back"
            )
        default:
            self.init(.storeFailure, "cannot \(action): PostgreSQL error on \(place) (\(error.code))")
        }
    }

    /// The translation of an error the server sent, by its SQLSTATE.
    private init(serverState state: String, detail: String, place: String, url: PostgresURL, action: String) {
        switch state {
        case "28P01", "28000":
            self.init(
                .cannotOpen,
                "cannot \(action): the server at \(url.server) refused the login of user \(url.user) (\(detail)); check the user and the password (in the URL or PGPASSWORD)"
            )
        case "3D000":
            self.init(
                .cannotOpen,
                "cannot \(action): the server at \(url.server) has no database \(url.database); create it (CREATE DATABASE \(url.database)) or fix the URL"
            )
        case "25006":
            self.init(.readOnly, "cannot \(action): \(place) is open read-only (\(detail))")
        case "57014":
            self.init(
                .timedOut, "cannot \(action): the statement ran longer than its timeout on \(place) and was cancelled")
        case "55P03":
            self.init(
                .busy,
                "cannot \(action): \(place) stayed locked by another writer for longer than the busy timeout; retry, or raise the busy timeout"
            )
        case "40001", "40P01":
            self.init(
                .busy, "cannot \(action): \(place) reported a conflict with another transaction (\(detail)); retry")
        case "53100":
            self.init(
                .databaseFull,
                "cannot \(action): the disk of the server holding \(place) is full; free some space and retry (nothing from this attempt was saved)"
            )
        case "42501":
            self.init(.readOnly, "cannot \(action): permission denied on \(place) (\(detail))")
        case "57P01", "57P02", "57P03":
            self.init(
                .unavailable,
                "cannot \(action): the server at \(url.server) is shutting down or starting (\(detail)); nothing of this attempt was saved: retry when it is back"
            )
        default:
            if state.hasPrefix("42") || state.hasPrefix("22") || state.hasPrefix("0A") {
                self.init(.sql, "cannot \(action): \(detail) (SQLSTATE \(state), \(place))")
            } else {
                self.init(
                    .storeFailure, "cannot \(action): PostgreSQL error on \(place): \(detail) (SQLSTATE \(state))")
            }
        }
    }

    /// `text` on one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
