import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as JSON, `{"error": "..."}`, with its HTTP status: a bad query
/// parameter (400), a missing token (401), a missing run (404).
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var response = JSONBody.response(["error": message])
        response.status = status
        return response
    }
}
