import Ledger

/// Everything the run page shows but the series: `GET /api/runs/{name}`.
struct RunDetailJSON: Encodable, Sendable {
    struct Schedule: Encodable, Sendable {
        let id: Int64
        let fromStep: Int64
        let config: String
        let dtype: String
        let createdAt: String
        let checksumMatches: Bool
    }

    struct LatestCheckpoint: Encodable, Sendable {
        let step: Int64
        let sha256: String
        let bytes: Int64
        let createdAt: String
        let file: String?
    }

    struct Event: Encodable, Sendable {
        let id: Int64
        let at: String
        let kind: String
        let step: Int64?
        let message: String
    }

    let run: RunJSON
    let settings: String
    let segments: [SegmentJSON]
    let schedules: [Schedule]
    let latestCheckpoint: LatestCheckpoint?
    let checkpoints: Int
    let loggedRows: Int64
    let supersededRows: Int64
    let events: [Event]
    let chainHead: String?
    let marks: [MarkJSON]

    init(detail: RunDetail, audit: AuditVerdictJSON?) {
        run = RunJSON(
            outline: RunOutline(summary: detail.summary, segments: detail.segments, schedules: detail.schedules),
            audit: audit)
        settings = detail.settings.json
        segments = detail.segments.map(SegmentJSON.init)
        schedules = detail.schedules.map {
            Schedule(
                id: $0.id, fromStep: $0.fromStep, config: $0.config, dtype: $0.dtype.rawValue,
                createdAt: $0.createdAt.description, checksumMatches: $0.checksumMatches)
        }
        latestCheckpoint = detail.latestCheckpoint.map {
            LatestCheckpoint(
                step: $0.step, sha256: $0.sha256, bytes: $0.byteCount, createdAt: $0.createdAt.description,
                file: $0.file?.path)
        }
        checkpoints = detail.checkpointCount
        loggedRows = detail.loggedRows
        supersededRows = detail.supersededRows
        events = detail.events.map {
            Event(id: $0.id, at: $0.at.description, kind: $0.kind.rawValue, step: $0.step, message: $0.message)
        }
        chainHead = detail.chainHead
        marks = Self.marks(segments: detail.segments, schedules: detail.schedules)
    }

    /// One mark per restart (each segment after the first, labelled with how the one
    /// before it ended) and one per schedule change (each version after the first).
    static func marks(segments: [RunSegment], schedules: [ScheduleVersion]) -> [MarkJSON] {
        var marks: [MarkJSON] = []
        for (previous, segment) in zip(segments, segments.dropFirst()) {
            let label: String
            switch previous.endReason {
            case .finished?: label = "continued after finished"
            case let reason?: label = "restart after \(reason.rawValue)"
            case nil: label = "restart after open"
            }
            let rewound = segment.rewoundFrom.map { ", rewound from step \($0)" } ?? ""
            marks.append(MarkJSON(kind: "restart", step: segment.startStep, label: label + rewound))
        }
        for version in schedules.dropFirst() {
            marks.append(
                MarkJSON(
                    kind: "schedule_change", step: version.fromStep,
                    label: "schedule change: \(ScheduleSummary.text(version.config))"))
        }
        return marks
    }
}
