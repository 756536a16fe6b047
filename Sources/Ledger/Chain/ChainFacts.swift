import Foundation

/// Reads, from the records as they are now, the facts a chain link vouches for. An
/// attach reads them back after writing; `audit` and the resume checks read them to
/// rebuild each link's header and compare it with the digest recorded.
enum ChainFacts {
    /// The run's name and the SHA-256 of its stored settings.
    static func run(_ tx: any LedgerTransaction, runID: Int64) throws -> (name: String, settingsSHA256: String) {
        guard let run = try tx.run(id: runID) else { return ("?", "-") }
        return (run.name, SHA256Hex.digest(run.settings))
    }

    /// The name the run had when its link `seq` was made: the name before the first
    /// `rename` link after it, else `current` (the name the run holds now).
    static func name(_ tx: any LedgerTransaction, runID: Int64, atLink seq: Int64, current: String) throws -> String {
        try tx.nameRenamed(runID: runID, after: seq) ?? current
    }

    /// The name in force at each of `links` (the tail of a run's chain, in order): the
    /// name before the first `rename` among the later links, else `current`.
    static func names(of links: [ChainLink], current: String) -> [Int64: String] {
        var name = current
        var out: [Int64: String] = [:]
        for link in links.reversed() {
            out[link.seq] = name
            if link.kind == "rename" { name = link.renamedFrom ?? "-" }
        }
        return out
    }

    /// Every schedule version of the run, by id.
    static func versions(_ tx: any LedgerTransaction, runID: Int64) throws -> [ChainHeader.Version] {
        try tx.scheduleVersions(runID: runID).map {
            ChainHeader.Version(
                id: $0.id, fromStep: $0.fromStep, dtype: $0.dtype ?? "NULL", sha256: $0.sha256 ?? "NULL")
        }
    }

    /// The opening and closing facts of every segment of the run, by id.
    static func segments(_ tx: any LedgerTransaction, runID: Int64) throws -> [Int64: (
        ChainHeader.SegmentStart, ChainHeader.SegmentEnd
    )] {
        var out: [Int64: (ChainHeader.SegmentStart, ChainHeader.SegmentEnd)] = [:]
        for segment in try tx.segments(runID: runID) {
            out[segment.id] = (
                ChainHeader.SegmentStart(
                    id: segment.id, startStep: segment.startStep, startedAt: segment.startedAt,
                    pid: Int64(segment.pid), host: segment.host, bootID: segment.bootID,
                    pidNamespace: segment.pidNamespace, logEvery: segment.logEvery, rewoundFrom: segment.rewoundFrom),
                ChainHeader.SegmentEnd(
                    id: segment.id, endStep: segment.endStep, reason: segment.endReason, endedAt: segment.endedAt)
            )
        }
        return out
    }
}
