import Foundation
import HTTPTypes
import Hummingbird

/// Refuses, with 401, every request that does not carry the access token.
///
/// A client presents it as `Authorization: Bearer TOKEN`; a browser opens any page once
/// with `?token=TOKEN`, and the response sets an `HttpOnly`, `SameSite=Strict` cookie
/// that carries it from then on (the page's scripts and API calls included).
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cookie holding the token for browsers.
    static var cookieName: String { "lrledger_token" }

    let token: AccessToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            token.matches(header.dropFirst("Bearer ".count))
        {
            return try await next(request, context)
        }
        if let cookie = request.cookies[Self.cookieName], token.matches(cookie.value) {
            return try await next(request, context)
        }
        if let query = request.uri.queryParameters["token"],
            token.matches(query.removingPercentEncoding ?? String(query))
        {
            var response = try await next(request, context)
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: "\(Self.cookieName)=\(token.value); Path=/; HttpOnly; SameSite=Strict"))
            return response
        }
        return APIError(
            .unauthorized,
            "this dashboard needs its access token: send Authorization: Bearer TOKEN, or open the page once with ?token=TOKEN"
        )
        .response()
    }
}
