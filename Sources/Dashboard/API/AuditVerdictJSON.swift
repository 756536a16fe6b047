/// The verdict of a run's latest audit: clean or not, how many findings, and when it
/// was made (the dashboard audits again when the run has changed).
struct AuditVerdictJSON: Encodable, Sendable, Hashable {
    let clean: Bool
    let findings: Int
    let rowsChecked: Int64
    /// When the audit ran, ISO 8601 in UTC.
    let auditedAt: String
    /// The run's committed step when it was audited.
    let atStep: Int64
}
