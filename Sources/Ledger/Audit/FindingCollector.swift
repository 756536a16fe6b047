/// Collects audit findings, keeping the first few of each kind and counting the rest.
struct FindingCollector {
    private(set) var findings: [AuditFinding] = []
    private var counts: [AuditFinding.Kind: Int] = [:]

    mutating func add(_ kind: AuditFinding.Kind, step: Int64? = nil, _ message: @autoclosure () -> String) {
        let count = counts[kind, default: 0] + 1
        counts[kind] = count
        if count <= AuditReport.findingsPerKind {
            findings.append(AuditFinding(kind: kind, step: step, message: message()))
        }
    }

    /// The findings, followed by one `.moreFindings` entry per kind that overflowed.
    func finished() -> [AuditFinding] {
        var all = findings
        for kind in AuditFinding.Kind.allCases {
            let count = counts[kind, default: 0]
            if count > AuditReport.findingsPerKind {
                all.append(
                    AuditFinding(
                        kind: .moreFindings, step: nil,
                        message:
                            "\(count - AuditReport.findingsPerKind) more \(kind.rawValue) findings not listed (\(count) in all)"
                    ))
            }
        }
        return all
    }
}
