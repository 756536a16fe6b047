import Ledger

/// `GET /api/runs/{name}/audit`: the verdict, every finding, and for each step the
/// audit found a wrong rate at, the logged and the recomputed rate and their difference
/// (what the audit panel plots: zero everywhere else).
struct AuditJSON: Encodable, Sendable {
    struct Finding: Encodable, Sendable {
        let kind: String
        let step: Int64?
        let message: String
    }

    struct Difference: Encodable, Sendable {
        let step: Int64
        let logged: Double
        let recomputed: Double
        let difference: Double
    }

    let run: String
    let verdict: AuditVerdictJSON
    let segmentsChecked: Int
    let schedulesChecked: Int
    let checkpointsChecked: Int
    let linksChecked: Int
    let chainHead: String?
    let findings: [Finding]
    let differences: [Difference]
    /// The steps the audit covered, for the difference plot's axis: 0 to `lastStep`.
    let lastStep: Int64
}
