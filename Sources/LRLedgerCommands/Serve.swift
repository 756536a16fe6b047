import ArgumentParser
import Dashboard
import Foundation
import Ledger
import Logging
import ServiceLifecycle
import Synchronization

extension LRLedger {
    /// `lrledger serve`: the web dashboard and JSON API over the ledger, read-only. This
    /// command only parses options and starts the `Dashboard` as a service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a live web dashboard and JSON API over the ledger (read-only).",
            discussion: """
                Pages: / lists the runs; /runs/NAME charts one run. The JSON API is under /api, described by \
                /api/openapi.json. The ledger is opened read-only. It listens on 127.0.0.1:8080 unless --listen \
                says otherwise; any address other than loopback requires --token or --token-file, and every \
                request must then carry the token (Authorization: Bearer TOKEN, or open a page once with \
                ?token=TOKEN). SIGTERM or Ctrl-C stops it gracefully.
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: ArgumentHelp("Where to listen, HOST:PORT (port 0 picks a free one).", valueName: "host:port"))
        var listen: String = ListenAddress.loopback.description

        @Option(help: "A token of at least 16 characters every request must carry.")
        var token: String?

        @Option(help: ArgumentHelp("A file whose first line is the token.", valueName: "file"))
        var tokenFile: String?

        func validate() throws {
            let address: ListenAddress
            do {
                address = try ListenAddress(parsing: listen)
            } catch let error as DashboardError {
                throw ValidationError(error.message)
            }
            if token != nil, tokenFile != nil {
                throw ValidationError("give --token or --token-file, not both")
            }
            if !address.isLoopback, token == nil, tokenFile == nil {
                throw ValidationError(
                    "listening on \(address), beyond this machine, needs --token TOKEN or --token-file FILE; or listen on 127.0.0.1"
                )
            }
        }

        func run() async throws {
            let address = try ListenAddress(parsing: listen)
            let accessToken =
                try tokenFile.map { try AccessToken(contentsOfFile: $0) } ?? token.map { try AccessToken($0) }
            let ledger = try Ledger.openReadOnly(location: database.location)
            let logger = Logger(label: "lrledger.serve")
            let dashboard = Dashboard(ledger: ledger, token: accessToken, logger: logger)
            let started = StartFlag()
            let application = dashboard.makeApplication(listening: address) { port in
                started.set()
                let shown = ListenAddress(host: address.host, port: port)
                let line = "serving \(ledger.location) at http://\(shown)/ (read-only; Ctrl-C stops)\n"
                try? FileHandle.standardOutput.write(contentsOf: Data(line.utf8))
            }
            var groupLogger = Logger(label: "lrledger.lifecycle")
            groupLogger.logLevel = .warning
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger))
            do {
                try await group.run()
            } catch  where !started.isSet {
                try? await dashboard.close()
                throw DashboardError(.cannotListen, "cannot listen on \(address): \(Self.reason(error))")
            }
            // Background audits end, and the reader leaves the folder as it found it.
            try await dashboard.close()
        }

        /// The reason in a socket error, as the system words it ("Address already in use"),
        /// without the call and the wrapping error types around it.
        static func reason(_ error: any Error) -> String {
            let text = String(describing: error)
            if let range = text.range(of: "errno: "),
                let code = Int32(text[range.upperBound...].prefix(while: \.isNumber)),
                let message = strerror(code)
            {
                return String(cString: message)
            }
            return text
        }
    }
}

/// Set once the server listens, so a failure before that reads as "cannot listen".
private final class StartFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
