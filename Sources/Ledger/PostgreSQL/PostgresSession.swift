import Foundation
import Logging
import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously.
///
/// The ledger's store protocol is synchronous, PostgresNIO is not: each call here sends
/// a query on the connection's event loop and blocks the calling thread on the
/// `EventLoopFuture` until the answer is in. That is only safe off the event loops, so
/// every call checks that it is not made on one (callers are plain threads, or the
/// dashboard's thread pool). A session is used by one thread at a time: the store holds
/// its lock around every transaction.
final class PostgresSession: @unchecked Sendable {
    let url: PostgresURL
    private let connection: PostgresConnection
    private let logger: Logger
    /// Seconds a statement may go unanswered before the connection is taken for lost
    /// (nil: no bound, for user SQL, which the server's statement_timeout bounds).
    private let answerTimeout: Double?
    /// True once a query failed because the connection is gone: the store drops the session.
    private(set) var isBroken = false
    /// The session's `application_name` on the server, `lrledger` and a random tag: how a
    /// later session finds this one's server process after the connection is lost.
    let applicationName: String

    private init(
        url: PostgresURL, connection: PostgresConnection, logger: Logger, answerTimeout: Double?,
        applicationName: String
    ) {
        self.url = url
        self.connection = connection
        self.logger = logger
        self.answerTimeout = answerTimeout
        self.applicationName = applicationName
    }

    /// Opens a connection: TCP, then TLS as `url.sslMode` says, then a scram-sha-256 (or
    /// md5) login.
    ///
    /// - parameter lockTimeout: seconds a statement waits for a lock (the write lock
    ///   included) before failing; the ledger's busy timeout.
    /// - throws: `LedgerError` naming the server (never the password) and what to do.
    /// - parameter answerTimeout: seconds a statement may go unanswered before the
    ///   connection is taken for lost (a partition the socket does not see); nil for none.
    static func connect(
        _ url: PostgresURL, lockTimeout: Double, answerTimeout: Double? = nil, logger: Logger,
        action: @autoclosure () -> String
    ) throws -> PostgresSession {
        try checkNotOnEventLoop(url, action())
        // The driver logs at debug and trace only; keep it quiet unless asked for.
        var driverLogger = logger
        driverLogger.logLevel = max(logger.logLevel, .warning)
        do {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: try tls(for: url))
            configuration.options.connectTimeout = .seconds(10)
            if url.sslMode == .verifyFull, !url.host.isIPAddress {
                configuration.options.tlsServerName = url.host
            }
            // A writer cut off mid-transaction must not hold the fleet's write lock until TCP
            // gives up: the server ends a session idle inside a transaction after a minute.
            let applicationName = "lrledger " + UUID().uuidString.prefix(13).lowercased()
            configuration.options.additionalStartupParameters = [
                ("application_name", applicationName),
                ("idle_in_transaction_session_timeout", "60000"),
                ("lock_timeout", String(max(1, Int((lockTimeout * 1000).rounded())))),
            ]
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
                logger: driverLogger
            ).wait()
            return PostgresSession(
                url: url, connection: connection, logger: driverLogger, answerTimeout: answerTimeout,
                applicationName: applicationName)
        } catch {
            throw LedgerError(postgres: error, url: url, action: "connect to \(url.server) to \(action())")
        }
    }

    /// The TLS configuration `url.sslMode` asks for.
    private static func tls(for url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        switch url.sslMode {
        case .disable:
            return .disable
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: tls))
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let file = url.sslRootCert {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw LedgerError(
                        .invalidArgument,
                        "cannot connect to \(url.server): sslrootcert \(file) is not a readable file; pass the PEM file of the authority that signed the server's certificate"
                    )
                }
                tls.trustRoots = .file(file)
            }
            return .require(try NIOSSLContext(configuration: tls))
        }
    }

    /// Runs one statement and returns all its rows.
    ///
    /// - throws: the driver's error, unchanged (the store translates it); marks the
    ///   session broken when the connection is gone.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try Self.checkNotOnEventLoop(url, "run a query")
        // A connection the server ended (a restart, pg_terminate_backend) may not fail a
        // query sent on it: refuse at once, as a lost connection.
        guard !connection.isClosed else {
            isBroken = true
            throw PostgresConnectionLost(reason: "the server closed the connection")
        }
        do {
            return try answer(connection.query(query, logger: logger))
        } catch let error as PSQLError where error.isConnectionLoss {
            isBroken = true
            throw error
        }
    }

    /// Waits for `future` on this thread, at most `answerTimeout` seconds; past that, the
    /// connection is closed (which fails the query) and taken for lost.
    private func answer<Value: Sendable>(_ future: EventLoopFuture<Value>) throws -> Value {
        guard let answerTimeout else { return try future.wait() }
        let answered = DispatchSemaphore(value: 0)
        future.whenComplete { _ in answered.signal() }
        if answered.wait(timeout: .now() + answerTimeout) == .timedOut {
            isBroken = true
            connection.close().whenComplete { _ in }
            _ = answered.wait(timeout: .now() + 5)
            throw PostgresConnectionLost(reason: "no answer from the server in \(Int(answerTimeout)) seconds")
        }
        return try future.wait()
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try self.query(query).metadata.rows ?? 0
    }

    /// Closes the connection, waiting ten seconds at most for the server's goodbye (the
    /// server rolls back whatever the connection left open either way).
    func close() {
        let closed = DispatchSemaphore(value: 0)
        connection.close().whenComplete { _ in closed.signal() }
        _ = closed.wait(timeout: .now() + 10)
    }

    /// Refuses to block an event loop thread: the answer would be awaited on the thread
    /// that must deliver it.
    private static func checkNotOnEventLoop(_ url: PostgresURL, _ action: String) throws {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            throw LedgerError(
                .invalidArgument,
                "cannot \(action) on \(url.location) from an event loop thread: the ledger's calls block; call them from a plain thread or a thread pool"
            )
        }
    }
}

/// A connection the session took for lost itself: closed by the server before a query
/// was sent, or silent past the answer timeout.
struct PostgresConnectionLost: Error {
    let reason: String

    /// Whether `error` means the connection is gone, whoever found out.
    static func matches(_ error: any Error) -> Bool {
        error is PostgresConnectionLost || (error as? PSQLError)?.isConnectionLoss == true
    }
}

extension PSQLError {
    /// Whether the error means the connection is gone (rather than a statement refused):
    /// a closed or broken socket, or the server ending the session (SQLSTATE 57P01-57P03
    /// on a shutdown, a restart or `pg_terminate_backend`; class 08, connection exceptions).
    var isConnectionLoss: Bool {
        switch code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
            .messageDecodingFailure, .unexpectedBackendMessage:
            return true
        case .server:
            let state = serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P0") || state.hasPrefix("08")
        default:
            return false
        }
    }
}

extension String {
    /// Whether the text is an IPv4 or IPv6 address (no host-name check applies to it).
    var isIPAddress: Bool {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        return inet_pton(AF_INET, self, &ipv4) == 1 || inet_pton(AF_INET6, self, &ipv6) == 1
    }
}
