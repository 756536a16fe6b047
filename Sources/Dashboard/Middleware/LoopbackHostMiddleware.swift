import Hummingbird

/// Without a token, answers only requests addressed to a loopback name (`localhost`,
/// `127.x.x.x`, `[::1]`), refusing others with 421.
///
/// A loopback server without a token trusts whoever can reach it, that is this
/// machine. A web page elsewhere can still make a browser on this machine send it
/// requests under the page's own host name (DNS rebinding): the `Host` header then names
/// that site, which this check refuses, so such a page can never read the ledger.
struct LoopbackHostMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // HTTP/1 requests carry their `Host` header as the authority.
        guard let authority = request.head.authority, !Self.isLoopback(authority: authority) else {
            return try await next(request, context)
        }
        return APIError(
            .misdirectedRequest,
            "this dashboard answers only requests to localhost or 127.0.0.1; to reach it by another name, serve it with --token"
        ).response()
    }

    /// True when `authority` (`host` or `host:port`) names this machine's loopback.
    static func isLoopback(authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return ListenAddress(host: String(host), port: 0).isLoopback
    }
}
