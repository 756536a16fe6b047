import Dashboard
import Foundation
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing

struct HeadRequestTests {
    static let routes = [
        "/", "/runs/alpha", "/api/runs", "/api/runs/alpha", "/api/runs/alpha/series?from=0&to=99&buckets=10",
        "/api/runs/alpha/segments", "/api/runs/alpha/audit", "/api/openapi.json", "/assets/run.js",
        "/assets/dashboard.css",
    ]

    @Test("HEAD answers every GET route with GET's status and headers and no body")
    func headLikeGet() async throws {
        let test = try TestLedger()
        try test.makeRun("alpha", segments: [(0..<100, .finished)])
        try await withDashboard(test) { client in
            for uri in Self.routes {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(get.status == .ok, "\(uri)")
                #expect(head.status == get.status, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(uri)")
                #expect(head.headers[.contentLength] == "\(get.body.readableBytes)", "\(uri)")
                #expect(head.headers[.contentSecurityPolicy] == get.headers[.contentSecurityPolicy], "\(uri)")
            }
        }
    }

    @Test("HEAD of a missing run or page is 404, like GET, and other methods stay refused")
    func headOfMissing() async throws {
        let test = try TestLedger()
        try test.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(test) { client in
            for uri in ["/runs/nope", "/api/runs/nope", "/api/nothing"] {
                let head = try await client.execute(uri: uri, method: .head)
                #expect(head.status == .notFound, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
            }
            let post = try await client.execute(uri: "/api/runs", method: .post)
            #expect(post.status != .ok)
        }
    }

}
