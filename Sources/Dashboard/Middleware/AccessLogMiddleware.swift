import Hummingbird
import Logging

/// Logs one line per request through swift-log: method, path, status and duration, in
/// metadata. The query is left out, so a `?token=` never reaches a log.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var status = "500"
        defer {
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
            logger.info(
                "request",
                metadata: [
                    "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
                    "ms": "\((milliseconds * 10).rounded() / 10)",
                ])
        }
        let response = try await next(request, context)
        status = String(response.status.code)
        return response
    }
}
