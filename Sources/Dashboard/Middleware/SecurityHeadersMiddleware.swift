import HTTPTypes
import Hummingbird

/// Adds the headers that keep a page from running anything but the dashboard's own
/// script files: a Content-Security-Policy allowing only this origin, with no inline
/// scripts or styles, no framing and no plugins, plus `nosniff` and no referrer (a
/// `?token=` must not leak to another site). Errors thrown by the routes become JSON
/// error responses here, so every answer carries the headers; the answer to a HEAD
/// request, an error's included, keeps its headers and drops its body.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response()
        } catch let error as HTTPError where error.status == .notFound {
            response = APIError(.notFound, "no such page: \(request.uri.path)").response()
        } catch let error as HTTPError {
            response = APIError(error.status, error.body ?? error.status.reasonPhrase).response()
        } catch {
            // A ledger that cannot be read (removed, corrupted): say why, as JSON.
            response = APIError(.internalServerError, String(describing: error)).response()
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        if request.method == .head, response.body.contentLength != 0 {
            return response.createHeadResponse()
        }
        return response
    }
}
