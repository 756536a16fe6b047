import Ledger

/// A segment (one process's part of a run) in the API: `GET /api/runs/{name}/segments`.
struct SegmentJSON: Encodable, Sendable {
    let id: Int64
    let pid: Int32
    let host: String
    let startStep: Int64
    let endStep: Int64?
    let startedAt: String
    let endedAt: String?
    let heartbeatAt: String
    let endReason: String?
    let rewoundFrom: Int64?

    init(_ segment: RunSegment) {
        id = segment.id
        pid = segment.pid
        host = segment.host
        startStep = segment.startStep
        endStep = segment.endStep
        startedAt = segment.startedAt.description
        endedAt = segment.endedAt?.description
        heartbeatAt = segment.heartbeatAt.description
        endReason = segment.endReason?.rawValue
        rewoundFrom = segment.rewoundFrom
    }
}
