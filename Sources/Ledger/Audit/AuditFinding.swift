/// One problem `Ledger.audit(run:)` found.
public struct AuditFinding: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A logged rate differs (bit for bit) from the schedule in force at its step.
        case rateMismatch
        /// A logged rate is not a REAL value (text, blob or NULL written with SQL).
        case rateNotReal
        /// A step appears twice, or out of order, in the canonical history.
        case duplicateStep
        /// A canonical row at or past the committed step counter.
        case rowPastCommittedStep
        /// A canonical row that no segment covers (before the first segment's start, or
        /// past the end step of the segment that logged it).
        case rowOutsideSegment
        /// A segment does not start where the previous one ended (and no rewind to a
        /// checkpoint explains it), or the first does not start at 0.
        case segmentGap
        /// A segment is open while a later one exists, or the last closed segment's end
        /// step differs from the committed counter.
        case segmentInconsistent
        /// The committed counter differs from the latest checkpoint's step.
        case counterCheckpointMismatch
        /// A checkpoint's state no longer matches its SHA-256.
        case checkpointChecksumMismatch
        /// A schedule config no longer matches its SHA-256.
        case scheduleTampered
        /// A schedule config cannot be decoded, or no schedule covers a logged step.
        case scheduleUnusable
        /// A chain link's digest, or its place in the chain, does not match the history
        /// the tables hold now: what it vouches for was edited, inserted or deleted.
        case chainMismatch
        /// A step a commit wrote (or a segment promised to log) is not in the history.
        case missingRow
        /// A row in the history (or the audit trail) that no commit wrote.
        case extraRow
        /// A row in the canonical history that a resume moved to the audit trail, or the
        /// other way round.
        case movedRow
        /// Steps of the run that no commit covers, or that two commits cover.
        case stepsNotTiled
        /// A checkpoint the chain says is kept is missing, or a kept one is not in the chain.
        case checkpointNotInChain
        /// A segment or schedule version that no chain link records (inserted with SQL).
        case notInChain
        /// The run's status or step counter disagrees with its chain.
        case runStateMismatch
        /// An imported run's rate started over at the schedule's initial value: the step
        /// counter was lost on a resume.
        case rateRestarted
        /// An imported run logged, at a run of steps, the schedule's rate for a step k away.
        case stepsShifted
        /// An imported run logged a step again with a different rate.
        case loggedTwice
        /// A stored summary of a block of the rate log (its row count, first and last
        /// step, extremes of rate and loss) disagrees with the block's rows, or describes
        /// rows that are not there: rows were written around lrledger, and a chart of the
        /// range could show the summary instead of the rows.
        case rateSummaryMismatch
        /// More findings of one kind than the report lists; `message` says how many.
        case moreFindings
    }

    /// What kind of problem.
    public let kind: Kind
    /// The step concerned, when there is one.
    public let step: Int64?
    /// One line saying what is wrong, naming the values.
    public let message: String

    public init(kind: Kind, step: Int64?, message: String) {
        self.kind = kind
        self.step = step
        self.message = message
    }

    public var description: String { message }
}
