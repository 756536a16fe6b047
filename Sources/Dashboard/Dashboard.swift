import Foundation
import Hummingbird
import Ledger
import Logging
import Schedules

/// The web dashboard and JSON API over one ledger, opened read-only.
///
/// It serves the runs page (`/`), a page per run (`/runs/NAME`), their scripts and
/// styles (embedded in the binary), and the JSON API under `/api` described by
/// `/api/openapi.json`. It reads the ledger only through the `Ledger` module's public
/// read functions, so it works on any store the ledger supports, and never writes.
///
/// ```swift
/// let ledger = try Ledger.openReadOnly(path: "lrledger.sqlite")
/// let dashboard = Dashboard(ledger: ledger, token: nil, logger: logger)
/// let app = dashboard.makeApplication(listening: .loopback)
/// try await app.runService()
/// ```
///
/// With a token, every request must carry it (see `AccessToken`); without one, serve
/// only on loopback (`ListenAddress.isLoopback`), as `lrledger serve` enforces.
public struct Dashboard: Sendable {
    /// The ledger read.
    public let ledger: Ledger
    /// The token every request must carry, or nil for none.
    public let token: AccessToken?
    let logger: Logger
    let audits: AuditCache
    let details = DetailCache()

    public init(ledger: Ledger, token: AccessToken?, logger: Logger, auditRefreshInterval: Duration = .seconds(15)) {
        self.ledger = ledger
        self.token = token
        self.logger = logger
        self.audits = AuditCache(refreshInterval: auditRefreshInterval)
    }

    /// The router: the access log, security headers, the token check (without a token,
    /// the check that requests name a loopback host), then the pages, assets and API.
    /// Every GET route answers HEAD too, as GET without the body (same status and
    /// headers, Content-Length included), for link checkers and monitors.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.middlewares.add(AccessLogMiddleware(logger: logger))
        router.middlewares.add(SecurityHeadersMiddleware())
        if let token {
            router.middlewares.add(TokenMiddleware(token: token))
        } else {
            router.middlewares.add(LoopbackHostMiddleware())
        }
        PageRoutes(dashboard: self).register(on: router)
        APIRoutes(dashboard: self).register(on: router)
        return router
    }

    /// The Hummingbird application serving `makeRouter()` on `address`; it is a
    /// ServiceLifecycle `Service` (run it in a `ServiceGroup` for graceful shutdown).
    ///
    /// - parameter onServerRunning: called with the bound port once the server listens
    ///   (the real one when `address.port` is 0).
    public func makeApplication(
        listening address: ListenAddress, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil, reuseAddress: false),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? address.port) },
            logger: logger)
    }

    /// Waits for the audits running in the background, then closes the ledger, so the
    /// reader leaves no `-wal` or `-shm` file behind. Call it once the server has stopped.
    ///
    /// - throws: `LedgerError` when the ledger cannot close.
    public func close() async throws {
        await audits.waitForBackgroundAudits()
        try ledger.close()
    }

    // MARK: - Reads shared by the routes

    /// The run's outline, or 404 when there is no such run.
    func outline(_ name: String) async throws -> RunOutline {
        let ledger = ledger
        do {
            return try await ledger.perform { try $0.outline(ofRun: name) }
        } catch let error as LedgerError where error.code == .runNotFound {
            throw APIError(.notFound, "no run named \(name)")
        }
    }

    /// Runs up to this many committed steps are audited while a listing waits; longer
    /// ones in the background, the listing showing their previous verdict meanwhile.
    static let inlineAuditSteps: Int64 = 200_000

    /// The verdict to show in a listing: the cached one when usable, else a fresh
    /// audit for a short run, or nil (or the previous verdict) while a long run is
    /// audited in the background.
    func verdict(_ summary: RunSummary) async -> AuditVerdictJSON? {
        if let entry = await audits.usable(run: summary.name, key: Self.auditKey(summary)) { return entry.verdict }
        if summary.step <= Self.inlineAuditSteps {
            return try? await audit(summary).verdict
        }
        if await audits.claim(run: summary.name) {
            let dashboard = self
            let task = Task.detached(priority: .utility) {
                if (try? await dashboard.audit(summary)) == nil { await dashboard.audits.release(run: summary.name) }
            }
            await audits.track(task)
        }
        return await audits.latest(run: summary.name)?.verdict
    }

    static func auditKey(_ summary: RunSummary) -> String {
        "\(summary.step) \(summary.updatedAt) \(summary.status.rawValue)"
    }

    /// The run's audit report and verdict, from the cache when the run has not changed.
    func audit(_ summary: RunSummary) async throws -> AuditCache.Entry {
        let key = Self.auditKey(summary)
        if let entry = await audits.usable(run: summary.name, key: key) { return entry }
        let report: AuditReport
        do {
            let ledger = ledger
            report = try await ledger.perform { try $0.audit(run: summary.name) }
        } catch let error as LedgerError where error.code == .runNotFound {
            throw APIError(.notFound, "no run named \(summary.name)")
        }
        let verdict = AuditVerdictJSON(
            clean: report.isClean, findings: report.findings.count, rowsChecked: report.rowsChecked,
            auditedAt: Timestamp.now().description, atStep: summary.step)
        let entry = AuditCache.Entry(key: key, report: report, verdict: verdict, madeAt: .now)
        await audits.store(run: summary.name, entry)
        return entry
    }
}
