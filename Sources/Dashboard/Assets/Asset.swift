import Hummingbird

/// A file the dashboard serves from its binary: HTML shells, the style sheet, the
/// scripts (plain JavaScript, no library) and the OpenAPI document. Embedded as string
/// literals, so a copied release binary needs nothing beside it.
struct Asset: Sendable {
    /// Where it is served.
    let path: String
    let contentType: String
    let body: String

    /// A 200 response with the asset; scripts and styles may be cached briefly.
    func response() -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if path.hasPrefix("/assets/") { headers[.cacheControl] = "max-age=60" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static let indexPage = Asset(path: "/", contentType: "text/html; charset=utf-8", body: Pages.index)
    static let runPage = Asset(path: "/runs/", contentType: "text/html; charset=utf-8", body: Pages.run)
    static let notFoundPage = Asset(path: "/404", contentType: "text/html; charset=utf-8", body: Pages.notFound)
    static let openAPI = Asset(
        path: "/api/openapi.json", contentType: "application/json; charset=utf-8", body: OpenAPIDocument.json)

    /// The files under `/assets/`.
    static let scriptsAndStyles: [Asset] = [
        Asset(path: "/assets/dashboard.css", contentType: "text/css; charset=utf-8", body: StyleSheet.css),
        Asset(path: "/assets/common.js", contentType: "text/javascript; charset=utf-8", body: CommonScript.js),
        Asset(path: "/assets/chart.js", contentType: "text/javascript; charset=utf-8", body: ChartScript.js),
        Asset(path: "/assets/runs.js", contentType: "text/javascript; charset=utf-8", body: RunsScript.js),
        Asset(path: "/assets/run.js", contentType: "text/javascript; charset=utf-8", body: RunScript.js),
    ]
}
