import Foundation

/// Where a run's hash chain stands for one writer: the next link's number, the last
/// link's digest, and the facts every link of the segment repeats. Advanced only after
/// the transaction that wrote a link commits.
struct ChainCursor {
    var nextSeq: Int64
    var previous: String
    var run: (name: String, settingsSHA256: String)
    var versions: [ChainHeader.Version]

    /// The cursor after the run's last link, with the facts as the tables hold them now.
    static func load(_ tx: any LedgerTransaction, runID: Int64) throws -> ChainCursor {
        let last = try tx.chainLinks(runID: runID, last: 1).last
        return ChainCursor(
            nextSeq: (last?.seq ?? 0) + 1, previous: last?.digest ?? "",
            run: try ChainFacts.run(tx, runID: runID), versions: try ChainFacts.versions(tx, runID: runID))
    }

    /// Appends a link that opens or closes a segment (`create`, `attach`, `close`),
    /// hashing the facts as the tables hold them after the change, and returns the
    /// cursor after it.
    func appendEvent(
        _ tx: any LedgerTransaction, runID: Int64, kind: String, segmentID: Int64, from: Int64, to: Int64,
        checkpointSHA256: String? = nil, closed: [Int64] = [], discarded: [(step: Int64, sha256: String)] = [],
        now: String
    ) throws -> ChainCursor {
        var link = ChainLink(
            seq: nextSeq, kind: kind, segmentID: segmentID, fromStep: from, toStep: to,
            checkpointSHA256: checkpointSHA256, scheduleVersionID: versions.last?.id, closedSegments: closed,
            discardedCheckpoints: discarded)
        let header = link.header(
            previous: previous, run: run, versions: versions, segments: try ChainFacts.segments(tx, runID: runID)
        ).text
        link.header = header
        link.digest = CommitDigest.digest(header: header)
        try tx.insertChainLink(link, runID: runID, at: now)
        var next = self
        next.nextSeq += 1
        next.previous = link.digest
        return next
    }

    /// Appends a `rename` link: the run, already renamed in this transaction, had the
    /// name `from` before it. The link opens no segment; its header vouches for the new
    /// name, the settings and the schedule versions, and names the old one.
    func appendRename(_ tx: any LedgerTransaction, runID: Int64, from oldName: String, step: Int64, now: String) throws
        -> ChainCursor
    {
        var link = ChainLink(
            seq: nextSeq, kind: "rename", segmentID: nil, fromStep: step, toStep: step,
            scheduleVersionID: versions.last?.id)
        link.renamedFrom = oldName
        let header = link.header(previous: previous, run: run, versions: versions, segments: [:]).text
        link.header = header
        link.digest = CommitDigest.digest(header: header)
        try tx.insertChainLink(link, runID: runID, at: now)
        var next = self
        next.nextSeq += 1
        next.previous = link.digest
        return next
    }
}
