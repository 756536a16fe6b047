import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing

@testable import Dashboard

struct SecurityTests {
    static let token = "0123456789abcdef-test"

    @Test("with a token, every route answers 401 to a request without it")
    func unauthorized() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger, token: try AccessToken(Self.token)) { client in
            for uri in [
                "/", "/runs/alpha", "/assets/run.js", "/api/runs", "/api/runs/alpha", "/api/runs/alpha/series",
                "/api/runs/alpha/audit", "/api/openapi.json", "/api/runs/nope",
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.text.contains("access token"))
                #expect(!response.text.contains(Self.token))
            }
            let wrong = try await client.execute(
                uri: "/api/runs", method: .get, headers: [.authorization: "Bearer 0123456789abcdef-tesT"])
            #expect(wrong.status == .unauthorized)
            let wrongQuery = try await client.execute(uri: "/?token=0123456789abcdef", method: .get)
            #expect(wrongQuery.status == .unauthorized)
        }
    }

    @Test("the token is accepted as a bearer header, as ?token= (which sets a cookie) and as that cookie")
    func authorized() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger, token: try AccessToken(Self.token)) { client in
            let bearer = try await client.execute(
                uri: "/api/runs", method: .get, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(bearer.status == .ok)
            let query = try await client.execute(uri: "/runs/alpha?token=\(Self.token)", method: .get)
            #expect(query.status == .ok)
            let cookie = try #require(query.headers[.setCookie])
            #expect(cookie.hasPrefix("lrledger_token=\(Self.token);"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let withCookie = try await client.execute(
                uri: "/api/runs/alpha", method: .get, headers: [.cookie: "lrledger_token=\(Self.token)"])
            #expect(withCookie.status == .ok)
        }
    }

    @Test("pages carry a Content-Security-Policy that forbids inline scripts and other origins")
    func contentSecurityPolicy() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger) { client in
            for uri in ["/", "/runs/alpha", "/api/runs", "/runs/nope"] {
                let response = try await client.execute(uri: uri, method: .get)
                let policy = try #require(response.headers[.contentSecurityPolicy], "\(uri)")
                #expect(policy.contains("default-src 'self'"))
                #expect(policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            for uri in ["/", "/runs/alpha"] {
                let html = try await client.execute(uri: uri, method: .get).text
                // Scripts only as files: no <script> element with a body, no inline handler.
                #expect(
                    html.components(separatedBy: "<script").count - 1 == html.components(separatedBy: "></script>")
                        .count - 1)
                #expect(!html.contains(" onload=") && !html.contains(" onclick=") && !html.contains("style=\""))
            }
        }
    }

    @Test("a run named like a script is served only as JSON text, never inside HTML")
    func scriptName() async throws {
        let ledger = try TestLedger()
        let name = "<script>alert(1)</script>"
        try ledger.makeRun(name, segments: [(0..<10, .finished)])
        try await withDashboard(ledger) { client in
            let runs = try #require(try await client.execute(uri: "/api/runs", method: .get).json() as? [[String: Any]])
            #expect(runs.first?["name"] as? String == name)
            let page = try await client.execute(uri: "/runs/\(pathComponent(name))", method: .get)
            #expect(page.status == .ok)
            #expect(!page.text.contains("alert"))
            let index = try await client.execute(uri: "/", method: .get)
            #expect(!index.text.contains("alert"))
            let detail = try await client.execute(uri: "/api/runs/\(pathComponent(name))", method: .get)
            #expect(detail.status == .ok)
            #expect(detail.headers[.contentType]?.hasPrefix("application/json") == true)
            let series = try await client.execute(uri: "/api/runs/\(pathComponent(name))/series", method: .get)
            #expect(series.status == .ok)
        }
    }

    @Test("the scripts build the page with textContent and text nodes, never innerHTML")
    func scriptsUseText() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<1, .finished)])
        try await withDashboard(ledger) { client in
            for script in ["common", "chart", "runs", "run"] {
                let response = try await client.execute(uri: "/assets/\(script).js", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
                for forbidden in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
                    #expect(!response.text.contains(forbidden), "\(script).js uses \(forbidden)")
                }
            }
        }
    }
}

struct LoopbackHostTests {
    @Test("without a token, only requests naming a loopback host are answered (no DNS rebinding)")
    func rebinding() async throws {
        for host in ["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "localhost", "127.3.2.1"] {
            #expect(LoopbackHostMiddleware<BasicRequestContext>.isLoopback(authority: host), "\(host)")
        }
        for host in ["attacker.example:8080", "attacker.example", "192.168.1.5:8080", "[::]:80", "localhost.evil:80"] {
            #expect(!LoopbackHostMiddleware<BasicRequestContext>.isLoopback(authority: host), "\(host)")
        }
        // The in-process client sends `localhost`: answered.
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger) { client in
            let response = try await client.execute(uri: "/api/runs", method: .get)
            #expect(response.status == .ok)
        }
    }
}
