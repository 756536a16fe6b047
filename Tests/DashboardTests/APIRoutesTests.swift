import Dashboard
import Foundation
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing

struct APIRoutesTests {
    @Test("GET /api/runs lists each run with its status, step, target, restarts and audit verdict")
    func listsRuns() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<100, .crashed), (100..<250, .finished)], target: 250)
        try ledger.makeRun("beta", segments: [(0..<40, .interrupted)], target: 1000)
        try await withDashboard(ledger) { client in
            let response = try await client.execute(uri: "/api/runs", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let runs = try #require(try response.json() as? [[String: Any]])
            #expect(runs.map { $0["name"] as? String } == ["alpha", "beta"])
            #expect(runs[0]["status"] as? String == "finished")
            #expect(runs[0]["step"] as? Int == 250)
            #expect(runs[0]["target_steps"] as? Int == 250)
            #expect(runs[0]["restarts"] as? Int == 1)
            #expect(runs[1]["status"] as? String == "interrupted")
            #expect(runs[1]["restarts"] as? Int == 0)
            let audit = try #require(runs[0]["audit"] as? [String: Any])
            #expect(audit["clean"] as? Bool == true)
            #expect(audit["rows_checked"] as? Int == 250)
        }
    }

    @Test("GET /api/runs/{name} gives segments, schedules, checkpoints, events and one mark per restart")
    func runDetail() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .crashed), (10..<20, .interrupted), (20..<30, .finished)])
        try await withDashboard(ledger) { client in
            let response = try await client.execute(uri: "/api/runs/alpha", method: .get)
            #expect(response.status == .ok)
            let detail = try response.object()
            #expect((detail["segments"] as? [Any])?.count == 3)
            #expect((detail["schedules"] as? [Any])?.count == 1)
            #expect(detail["logged_rows"] as? Int == 30)
            #expect((detail["latest_checkpoint"] as? [String: Any])?["step"] as? Int == 30)
            let marks = try #require(detail["marks"] as? [[String: Any]])
            #expect(marks.map { $0["step"] as? Int } == [10, 20])
            #expect(marks.map { $0["label"] as? String } == ["restart after crashed", "restart after interrupted"])
        }
    }

    @Test("a run's page data follows the ledger: a later commit and restart show on the next read")
    func detailFollowsTheLedger() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .interrupted)])
        try await withDashboard(ledger) { client in
            let before = try await client.execute(uri: "/api/runs/alpha", method: .get).object()
            #expect((before["run"] as? [String: Any])?["step"] as? Int == 10)
            let again = try await client.execute(uri: "/api/runs/alpha", method: .get).object()
            #expect((again["segments"] as? [Any])?.count == 1)
            try ledger.makeRun("alpha", segments: [(10..<25, .finished)])
            let after = try await client.execute(uri: "/api/runs/alpha", method: .get).object()
            #expect((after["run"] as? [String: Any])?["step"] as? Int == 25)
            #expect((after["segments"] as? [Any])?.count == 2)
            #expect(after["logged_rows"] as? Int == 25)
        }
    }

    @Test("GET /api/runs/{name}/segments lists the restart history")
    func segments() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .crashed), (10..<20, .finished)])
        try await withDashboard(ledger) { client in
            let response = try await client.execute(uri: "/api/runs/alpha/segments", method: .get)
            #expect(response.status == .ok)
            let segments = try #require(try response.json() as? [[String: Any]])
            #expect(segments.map { $0["start_step"] as? Int } == [0, 10])
            #expect(segments.map { $0["end_reason"] as? String } == ["crashed", "finished"])
        }
    }

    @Test("every run route answers 404 with a JSON error for a run that does not exist")
    func missingRun() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger) { client in
            for tail in ["", "/series", "/segments", "/audit"] {
                let response = try await client.execute(uri: "/api/runs/nope\(tail)", method: .get)
                #expect(response.status == .notFound, "\(tail)")
                #expect(try response.object()["error"] as? String == "no run named nope")
            }
            let page = try await client.execute(uri: "/runs/nope", method: .get)
            #expect(page.status == .notFound)
            #expect(page.text.contains("No such run"))
            let unknown = try await client.execute(uri: "/api/nothing", method: .get)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("bad query parameters get 400 with a JSON error naming the parameter")
    func badQuery() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<10, .finished)])
        try await withDashboard(ledger) { client in
            let cases = [
                "from=abc": "from must be an integer; got 'abc'",
                "buckets=0": "buckets must be from 1 to 2000; got 0",
                "buckets=5000": "buckets must be from 1 to 2000; got 5000",
                "from=5&to=2": "to (2) must not be before from (5)",
                "from=-1": "from must be a step, 0 or more; got -1",
                "to=99999999999999999999": "to must be an integer; got '99999999999999999999'",
            ]
            for (query, message) in cases {
                let response = try await client.execute(uri: "/api/runs/alpha/series?\(query)", method: .get)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.object()["error"] as? String == message)
            }
        }
    }

    @Test("GET /api/runs/{name}/audit is clean with no differences for an honest run")
    func cleanAudit() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<50, .crashed), (50..<100, .finished)])
        try await withDashboard(ledger) { client in
            let audit = try await client.execute(uri: "/api/runs/alpha/audit", method: .get).object()
            #expect((audit["verdict"] as? [String: Any])?["clean"] as? Bool == true)
            #expect((audit["findings"] as? [Any])?.isEmpty == true)
            #expect((audit["differences"] as? [Any])?.isEmpty == true)
            #expect(audit["last_step"] as? Int == 99)
        }
    }

    @Test("the audit gives logged minus recomputed rate at a step logged with a wrong rate")
    func tamperedAudit() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<100, .finished)], override: [42: 0.5])
        try await withDashboard(ledger) { client in
            let audit = try await client.execute(uri: "/api/runs/alpha/audit", method: .get).object()
            #expect((audit["verdict"] as? [String: Any])?["clean"] as? Bool == false)
            struct Difference: Decodable, Equatable {
                let step: Int64
                let logged, recomputed, difference: Double
            }
            struct Audit: Decodable { let differences: [Difference] }
            let differences = try await client.execute(uri: "/api/runs/alpha/audit", method: .get)
                .decode(Audit.self).differences
            #expect(
                differences == [
                    Difference(step: 42, logged: 0.5, recomputed: docRate(42), difference: 0.5 - docRate(42))
                ])
            let runs = try #require(try await client.execute(uri: "/api/runs", method: .get).json() as? [[String: Any]])
            #expect((runs.first?["audit"] as? [String: Any])?["clean"] as? Bool == false)
        }
    }

    @Test("the OpenAPI document is JSON describing every API route")
    func openAPI() async throws {
        let ledger = try TestLedger()
        try ledger.makeRun("alpha", segments: [(0..<1, .finished)])
        try await withDashboard(ledger) { client in
            let response = try await client.execute(uri: "/api/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try response.object()
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(
                Set(paths.keys) == [
                    "/api/runs", "/api/runs/{name}", "/api/runs/{name}/series", "/api/runs/{name}/segments",
                    "/api/runs/{name}/audit",
                ])
        }
    }
}
