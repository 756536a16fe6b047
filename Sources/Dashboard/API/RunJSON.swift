import Ledger

/// One run in `GET /api/runs`: its summary, judged by liveness (a run whose writer is
/// gone is not `running`), with its restarts, schedule versions and last audit verdict.
struct RunJSON: Encodable, Sendable {
    let name: String
    let status: String
    let step: Int64
    let targetSteps: Int64
    let schedule: String
    let dtype: String
    let createdAt: String
    let updatedAt: String
    let lastHeartbeat: String?
    let restarts: Int
    let scheduleVersions: Int
    let audit: AuditVerdictJSON?

    init(outline: RunOutline, audit: AuditVerdictJSON?) {
        let summary = outline.summary
        name = summary.name
        status = summary.status.rawValue
        step = summary.step
        targetSteps = summary.targetSteps
        schedule = summary.schedule
        dtype = summary.dtype.rawValue
        createdAt = summary.createdAt.description
        updatedAt = summary.updatedAt.description
        lastHeartbeat = summary.lastHeartbeat?.description
        restarts = max(0, outline.segments.count - 1)
        scheduleVersions = outline.schedules.count
        self.audit = audit
    }
}
