/// The result of `Ledger.audit(run:)`: what was checked and what was wrong.
public struct AuditReport: Sendable {
    /// The run audited.
    public let run: String
    /// Canonical rate rows recomputed.
    public let rowsChecked: Int64
    /// Segments checked for continuity.
    public let segmentsChecked: Int
    /// Schedule versions checked against their SHA-256.
    public let schedulesChecked: Int
    /// Checkpoints checked against their SHA-256.
    public let checkpointsChecked: Int
    /// Rows in the audit trail (moved out of the history by resumes); informational.
    public let supersededRows: Int64
    /// The problems found, in the order found; at most `AuditReport.findingsPerKind`
    /// per kind, followed by a `.moreFindings` entry giving the rest's count.
    public let findings: [AuditFinding]
    /// Chain links whose digests were recomputed.
    public let linksChecked: Int
    /// The digest of the run's last chain link, as recorded: keep it elsewhere to detect
    /// even a history rewritten with every later digest recomputed.
    public let chainHead: String?
    /// For a run made by `Ledger.importRun`: where its rates came from (its rates were
    /// compared at the precision the source kept, and it has no chain).
    public let importedFrom: ImportSource?

    /// How many findings of one kind a report lists in full.
    public static let findingsPerKind = 20

    /// True when nothing is wrong.
    public var isClean: Bool { findings.isEmpty }

    public init(
        run: String, rowsChecked: Int64, segmentsChecked: Int, schedulesChecked: Int, checkpointsChecked: Int,
        supersededRows: Int64, findings: [AuditFinding], linksChecked: Int = 0, chainHead: String? = nil,
        importedFrom: ImportSource? = nil
    ) {
        self.importedFrom = importedFrom
        self.linksChecked = linksChecked
        self.chainHead = chainHead
        self.run = run
        self.rowsChecked = rowsChecked
        self.segmentsChecked = segmentsChecked
        self.schedulesChecked = schedulesChecked
        self.checkpointsChecked = checkpointsChecked
        self.supersededRows = supersededRows
        self.findings = findings
    }
}
