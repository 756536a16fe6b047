import Foundation
import Hummingbird
import Ledger
import Schedules

/// The JSON API: runs, one run, its series, segments and audit, and the OpenAPI
/// document that describes them. Errors are JSON too (`APIError`).
struct APIRoutes {
    let dashboard: Dashboard

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/openapi.json") { _, _ in
            Asset.openAPI.response()
        }
        router.get("/api/runs") { _, _ in
            try await runs()
        }
        router.get("/api/runs/{name}") { _, context in
            try await run(try Self.name(context))
        }
        router.get("/api/runs/{name}/series") { request, context in
            try await series(try Self.name(context), request: request)
        }
        router.get("/api/runs/{name}/segments") { _, context in
            JSONBody.response(try await dashboard.outline(try Self.name(context)).segments.map(SegmentJSON.init))
        }
        router.get("/api/runs/{name}/audit") { _, context in
            try await audit(try Self.name(context))
        }
    }

    /// The `{name}` path parameter, percent-decoded (a run's name may hold `/`).
    static func name(_ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        guard let name = raw.removingPercentEncoding else {
            throw APIError(.badRequest, "the run name in the path is not valid percent-encoded UTF-8")
        }
        return name
    }

    func runs() async throws -> Response {
        var result: [RunJSON] = []
        let ledger = dashboard.ledger
        for summary in try await ledger.perform({ try $0.runs() }) {
            // A run deleted between the two reads is left out.
            guard let outline = try? await dashboard.outline(summary.name) else { continue }
            let verdict = await dashboard.verdict(outline.summary)
            result.append(RunJSON(outline: outline, audit: verdict))
        }
        return JSONBody.response(result)
    }

    func run(_ name: String) async throws -> Response {
        // The outline is cheap; the full read counts every row, so it is made again only
        // when the run has changed (step, time, status or segments).
        let outline = try await dashboard.outline(name)
        let key = Dashboard.auditKey(outline.summary) + " \(outline.segments.count) \(outline.schedules.count)"
        let detail: RunDetail
        if let cached = await dashboard.details.detail(run: name, key: key) {
            detail = cached
        } else {
            let ledger = dashboard.ledger
            do {
                detail = try await ledger.perform { try $0.run(named: name) }
            } catch let error as LedgerError where error.code == .runNotFound {
                throw APIError(.notFound, "no run named \(name)")
            }
            await dashboard.details.store(run: name, key: key, detail)
        }
        let verdict = await dashboard.verdict(detail.summary)
        return JSONBody.response(RunDetailJSON(detail: detail, audit: verdict))
    }

    func series(_ name: String, request: Request) async throws -> Response {
        let outline = try await dashboard.outline(name)
        let from = try Self.integer(request, "from") ?? 0
        let to = try Self.integer(request, "to") ?? max(0, outline.summary.step - 1)
        let buckets = try Self.integer(request, "buckets") ?? Int64(SeriesBucket.maximumCount)
        guard from >= 0 else { throw APIError(.badRequest, "from must be a step, 0 or more; got \(from)") }
        guard to >= from else { throw APIError(.badRequest, "to (\(to)) must not be before from (\(from))") }
        guard (1...Int64(SeriesBucket.maximumCount)).contains(buckets) else {
            throw APIError(.badRequest, "buckets must be from 1 to \(SeriesBucket.maximumCount); got \(buckets)")
        }
        let ledger = dashboard.ledger
        let result = try await ledger.perform { try $0.series(run: name, from: from, to: to, buckets: Int(buckets)) }
        return JSONBody.response(
            SeriesJSON(
                run: name, from: from, to: to, origin: SeriesBucket.origin(from: from, to: to, buckets: Int(buckets)),
                width: SeriesBucket.width(from: from, to: to, buckets: Int(buckets)), buckets: result))
    }

    func audit(_ name: String) async throws -> Response {
        let outline = try await dashboard.outline(name)
        let entry = try await dashboard.audit(outline.summary)
        let report = entry.report
        let ledger = dashboard.ledger
        let differences = try await ledger.perform { try Self.differences(report, outline: outline, ledger: $0) }
        return JSONBody.response(
            AuditJSON(
                run: name, verdict: entry.verdict, segmentsChecked: report.segmentsChecked,
                schedulesChecked: report.schedulesChecked, checkpointsChecked: report.checkpointsChecked,
                linksChecked: report.linksChecked, chainHead: report.chainHead,
                findings: report.findings.map {
                    AuditJSON.Finding(kind: $0.kind.rawValue, step: $0.step, message: $0.message)
                },
                differences: differences, lastStep: max(0, outline.summary.step - 1)))
    }

    /// Logged and recomputed rate at each step where the audit found a wrong rate.
    static func differences(_ report: AuditReport, outline: RunOutline, ledger: Ledger) throws
        -> [AuditJSON.Difference]
    {
        let name = outline.summary.name
        var differences: [AuditJSON.Difference] = []
        for finding in report.findings where finding.kind == .rateMismatch {
            guard let step = finding.step,
                let logged = try ledger.series(run: name, from: step, to: step, buckets: 1).first?.minRate,
                let version = outline.schedules.last(where: { $0.fromStep <= step }),
                let schedule = try? ScheduleCodec.decode(version.config, dtype: version.dtype)
            else { continue }
            let recomputed = schedule.rate(at: step)
            differences.append(
                AuditJSON.Difference(
                    step: step, logged: logged, recomputed: recomputed, difference: logged - recomputed))
        }
        return differences
    }

    /// An integer query parameter, nil when absent; 400 when it is not an integer.
    static func integer(_ request: Request, _ key: String) throws -> Int64? {
        guard let text = request.uri.queryParameters[key[...]] else { return nil }
        guard let value = Int64(text) else {
            throw APIError(
                .badRequest, "\(key) must be an integer; got '\(text.removingPercentEncoding ?? String(text))'")
        }
        return value
    }
}
