import Foundation

/// Recomputes a run's hash chain from the tables and checks that the history is
/// complete: every row each commit wrote is present once, in the canonical history or
/// (when a later resume moved it) in the audit trail, the commits tile the run's steps,
/// the checkpoints, segments and schedule versions are the ones the chain records, and
/// the run's counter and status agree with its last link.
///
/// `audit` verifies every link; a resume verifies the recent ones (`window`), the facts
/// it resumes from. Feed it the canonical rows in step order with `row(step:rate:loss:)`
/// (only those at or after `firstStep`), then call `finish()`.
struct ChainVerifier {
    /// A commit's canonical part: its steps below `cut` stay in the history.
    private struct Commit {
        var link: ChainLink
        var previous: String
        var cut: Int64
        var movers: [(resume: Int64, segment: Int64)]
    }

    private let runName: String
    private let run: (name: String, settingsSHA256: String)
    private let versions: [ChainHeader.Version]
    private let segments: [Int64: (ChainHeader.SegmentStart, ChainHeader.SegmentEnd)]
    private var superseded: [Int64: [(step: Int64, rate: Double, loss: Double?, by: Int64)]]
    private var supersededClaimed = 0
    private let supersededTotal: Int
    private var canonical: [Commit] = []
    private var index = 0
    private var steps: [(step: Int64, rate: Double, loss: Double?)] = []
    private var extra: [Int64] = []
    private let committed: Int64
    /// The first step whose rows the verifier checks.
    private(set) var firstStep: Int64 = 0
    private let isWindow: Bool
    var findings = FindingCollector()
    /// In a window: the segments whose attaches the window holds; the rows they moved to
    /// the audit trail must all be claimed by the window's commits.
    private var windowSegments: Set<Int64> = []
    private let discarding: Set<Int64>
    /// The number of links a resume verifies.
    private var windowSize = Int.max
    /// How many rows a resume reads to verify its newest commits.
    static let resumeRowBudget: Int64 = 20_000
    /// Whether a resume left commits of its window unread (too many rows).
    private var rowsTruncated = false
    /// Links checked.
    private(set) var linksChecked = 0

    /// Reads the links and facts; checks everything that needs no row.
    ///
    /// - parameter window: verify only the last `window` links, or all when nil.
    /// - parameter discarding: damaged checkpoints an attach is about to delete on request.
    init(
        _ tx: any LedgerTransaction, runID: Int64, runName: String, committed: Int64, window: Int?,
        discarding: Set<Int64> = []
    )
        throws
    {
        self.discarding = discarding
        self.runName = runName
        self.committed = committed
        self.isWindow = window != nil
        run = try ChainFacts.run(tx, runID: runID)
        versions = try ChainFacts.versions(tx, runID: runID)
        segments = try ChainFacts.segments(tx, runID: runID)
        let all: [ChainLink]
        if let window {
            all = try tx.chainLinks(runID: runID, last: window + 1)
            windowSize = window
        } else {
            all = try tx.chainLinks(runID: runID, last: nil)
        }
        var groups: [Int64: [(step: Int64, rate: Double, loss: Double?, by: Int64)]] = [:]
        var total = 0
        for row in try tx.supersededRates(runID: runID) {
            groups[row.segmentID ?? -1, default: []].append((row.step, row.rate ?? .nan, row.loss, row.supersededBy))
            total += 1
        }
        superseded = groups
        supersededTotal = total
        try checkLinks(tx, runID: runID, links: all)
    }

    // MARK: - Structure

    private mutating func checkLinks(_ tx: any LedgerTransaction, runID: Int64, links all: [ChainLink]) throws {
        guard let firstLink = all.first else {
            findings.add(
                .chainMismatch, step: nil,
                "run \(runName) has no chain links: they were deleted, so nothing of its history can be vouched for")
            return
        }
        // In a window that does not reach the chain's start, the first link fetched only
        // supplies the previous digest.
        let links = isWindow && all.count > windowSize ? Array(all.dropFirst()) : all
        var previous = isWindow && links.count < all.count ? firstLink.digest : ""
        if !isWindow {
            if firstLink.kind == "legacy" {
                firstStep = firstLink.toStep
            } else if firstLink.kind != "create" || firstLink.seq != 1 {
                findings.add(
                    .chainMismatch, step: firstLink.fromStep,
                    "the chain starts at link \(firstLink.seq) (\(firstLink.kind)), not at link 1 creating the run: earlier links were deleted"
                )
            }
        }
        for (before, link) in zip(links, links.dropFirst()) where link.seq != before.seq + 1 {
            findings.add(
                .chainMismatch, step: link.fromStep,
                "chain links \(before.seq + 1)..<\(link.seq) are missing (between steps \(before.toStep) and \(link.fromStep)): they were deleted"
            )
        }
        let attaches = links.filter { $0.kind == "attach" }.map {
            (seq: $0.seq, resume: $0.toStep, segment: $0.segmentID ?? -1)
        }
        // A resume reads the rows of its newest commits only, up to a budget of rows.
        var rowsVerified: Set<Int64> = []
        var budget = Self.resumeRowBudget
        for link in links.reversed() where link.kind == "commit" {
            if isWindow, link.rowCount > budget {
                rowsTruncated = true
                break
            }
            budget -= link.rowCount
            rowsVerified.insert(link.seq)
        }
        if isWindow, !links.contains(where: { $0.kind == "create" || $0.kind == "attach" }) {
            try checkLatestOpening(tx, runID: runID)
        }
        var minimumFrom = Int64.max
        var tiles: [(from: Int64, cut: Int64, seq: Int64)] = []
        let names = ChainFacts.names(of: links, current: run.name)
        for link in links {
            defer { previous = link.digest }
            if link.kind == "legacy" { continue }
            linksChecked += 1
            let header = link.header(
                previous: previous, run: (names[link.seq] ?? run.name, run.settingsSHA256), versions: versions,
                segments: segments)
            compare(link, header: header.text, digest: CommitDigest.digest(header: header.text))
            guard link.kind == "commit" else { continue }
            let movers = attaches.filter { $0.seq > link.seq && $0.resume < link.toStep }.map {
                (resume: $0.resume, segment: $0.segment)
            }
            let cut = min(link.toStep, movers.map(\.resume).min() ?? link.toStep)
            if cut > link.fromStep { tiles.append((link.fromStep, cut, link.seq)) }
            guard rowsVerified.contains(link.seq) else {
                try checkEnds(tx, runID: runID, link: link, cut: cut)
                continue
            }
            let commit = Commit(link: link, previous: previous, cut: cut, movers: movers)
            if cut > link.fromStep {
                canonical.append(commit)
                minimumFrom = min(minimumFrom, link.fromStep)
            } else {
                finishCommit(commit, canonicalRows: [])
            }
        }
        canonical.sort { $0.link.fromStep < $1.link.fromStep }
        if isWindow { firstStep = minimumFrom == Int64.max ? committed : minimumFrom }
        checkTiling(tiles.sorted { $0.from < $1.from })
        guard let last = links.last else { return }
        if last.toStep != committed {
            findings.add(
                .runStateMismatch, step: committed,
                "the run's step counter is \(committed) but its chain's last link (\(last.seq), \(last.kind)) left it at \(last.toStep)"
            )
        }
        if isWindow {
            try checkKeptCheckpoints(tx, runID: runID)
            checkNewerRecords(links: links)
        } else {
            try checkRecords(tx, runID: runID, links: links)
        }
    }

    /// For a resume: no segment or schedule version newer than any the recent links record.
    private mutating func checkNewerRecords(links: [ChainLink]) {
        let chained = links.filter { $0.kind != "legacy" }
        guard let last = chained.last else { return }
        let newestSegment = chained.compactMap(\.segmentID).max() ?? Int64.max
        windowSegments = Set(chained.filter { $0.kind == "attach" }.compactMap(\.segmentID))
        for id in segments.keys.sorted() where id > newestSegment {
            findings.add(
                .notInChain, step: segments[id]?.0.startStep,
                "segment \(id) is not in the run's chain: it was inserted outside lrledger")
        }
        let opening = chained.last { $0.kind != "commit" } ?? last
        for version in versions where version.id > (opening.scheduleVersionID ?? Int64.max) {
            findings.add(
                .notInChain, step: version.fromStep,
                "schedule version \(version.id) (from step \(version.fromStep)) is not in the run's chain: it was inserted outside lrledger"
            )
        }
    }

    /// For a resume: each kept checkpoint's bytes match its SHA-256, and a commit link
    /// wrote it (a few rows and one indexed lookup each, whatever the history's length).
    private mutating func checkKeptCheckpoints(_ tx: any LedgerTransaction, runID: Int64) throws {
        let legacyEnd = try tx.legacyChainEnd(runID: runID) ?? -1
        for checkpoint in try tx.checkpoints(runID: runID).reversed() {
            let step = checkpoint.step
            let sha = checkpoint.sha256
            let state = checkpoint.state
            // A file checkpoint's bytes are in the trainer's folder: an attach checks them there.
            let isFile = checkpoint.file != nil
            if !isFile, SHA256Hex.digest(state) != sha, !discarding.contains(step) {
                findings.add(
                    .checkpointChecksumMismatch, step: step,
                    "the checkpoint at step \(step) no longer matches its SHA-256")
            }
            guard step > legacyEnd else { continue }
            let chained = try tx.hasCheckpointCommit(
                runID: runID, step: step, sha256: sha, segmentID: .some(checkpoint.segmentID))
            if !chained {
                findings.add(
                    .checkpointNotInChain, step: step,
                    "the checkpoint at step \(step) is not one the chain keeps: it was inserted, or its step edited, outside lrledger"
                )
            }
        }
    }

    /// For a resume whose recent links are all commits: the latest link that opened a
    /// segment, which vouches for the run's settings, schedule versions and segments.
    private mutating func checkLatestOpening(_ tx: any LedgerTransaction, runID: Int64) throws {
        guard let link = try tx.latestOpeningLink(runID: runID) else { return }
        let previous = try tx.chainDigest(runID: runID, seq: link.seq - 1) ?? ""
        let name = try ChainFacts.name(tx, runID: runID, atLink: link.seq, current: run.name)
        let header = link.header(
            previous: previous, run: (name, run.settingsSHA256), versions: versions, segments: segments)
        compare(link, header: header.text, digest: CommitDigest.digest(header: header.text))
        linksChecked += 1
    }

    /// For a commit whose rows a resume does not read: its first and last rows are where
    /// they belong (catches a history emptied or cut at its tail).
    private mutating func checkEnds(_ tx: any LedgerTransaction, runID: Int64, link: ChainLink, cut: Int64) throws {
        for step in [link.firstRowStep, link.lastRowStep].compactMap({ $0 }) where step < cut && step >= firstStep {
            let present = try tx.hasRate(runID: runID, step: step)
            if !present {
                report(missing: [step], unexpected: [], link: link)
            }
        }
    }

    /// The canonical parts of the commits must cover [firstStep, committed) once.
    private mutating func checkTiling(_ tiles: [(from: Int64, cut: Int64, seq: Int64)]) {
        var next = firstStep
        for tile in tiles where tile.cut > firstStep {
            let commit = (link: (fromStep: tile.from, seq: tile.seq), cut: tile.cut)
            let from = max(commit.link.fromStep, firstStep)
            if from > next {
                findings.add(
                    .stepsNotTiled, step: next,
                    "steps \(next)..<\(from) of run \(runName) were committed by no chain link: the commits that trained them were deleted"
                )
            } else if from < next {
                findings.add(
                    .stepsNotTiled, step: from,
                    "steps \(from)..<\(min(next, commit.cut)) are claimed by two commits (link \(commit.link.seq) among them)"
                )
            }
            next = max(next, commit.cut)
        }
        if next < committed, !tiles.isEmpty || !isWindow {
            findings.add(
                .stepsNotTiled, step: next,
                "steps \(next)..<\(committed) of run \(runName) are below its step counter but no chain link committed them"
            )
        }
    }

    /// Segments, schedule versions, checkpoints and status against the whole chain.
    private mutating func checkRecords(_ tx: any LedgerTransaction, runID: Int64, links: [ChainLink]) throws {
        let chained = links.filter { $0.kind != "legacy" }
        let opened = Set(chained.filter { $0.kind == "create" || $0.kind == "attach" }.compactMap(\.segmentID))
        let legacy = links.first?.kind == "legacy"
        for id in segments.keys.sorted() where !opened.contains(id) {
            if legacy, let start = links.first?.at(legacyBefore: id, segments: segments), start { continue }
            findings.add(
                .notInChain, step: segments[id]?.0.startStep,
                "segment \(id) is not in the run's chain: it was inserted outside lrledger")
        }
        let latestVersion = chained.last { $0.kind != "commit" }?.scheduleVersionID ?? Int64.max
        for version in versions where version.id > latestVersion {
            findings.add(
                .notInChain, step: version.fromStep,
                "schedule version \(version.id) (from step \(version.fromStep)) is not in the run's chain: it was inserted outside lrledger"
            )
        }
        // Checkpoints: replay each commit's insert and pruning.
        var kept: [Int64: (sha: String, segment: Int64?, seq: Int64)] = [:]
        for link in chained {
            for discarded in link.discardedCheckpoints where kept[discarded.step]?.sha == discarded.sha256 {
                kept[discarded.step] = nil
            }
            guard link.kind == "commit", let sha = link.checkpointSHA256 else { continue }
            kept[link.toStep] = (sha, link.segmentID, link.seq)
            let keep = Int(link.keepCheckpoints ?? Int64(kept.count))
            for step in kept.keys.sorted(by: >).dropFirst(max(keep, 1)) { kept[step] = nil }
        }
        var seen: Set<Int64> = []
        for checkpoint in try tx.checkpoints(runID: runID).reversed() {
            let step = checkpoint.step
            let sha = checkpoint.sha256
            let segment = checkpoint.segmentID
            seen.insert(step)
            guard let expected = kept[step] else {
                if legacy, step <= firstStep { continue }
                findings.add(
                    .checkpointNotInChain, step: step,
                    "the checkpoint at step \(step) is not one the chain keeps: it was inserted, or its step edited, outside lrledger"
                )
                continue
            }
            if expected.sha != sha || expected.segment != segment {
                findings.add(
                    .checkpointNotInChain, step: step,
                    "the checkpoint at step \(step) differs from the one chain link \(expected.seq) committed (SHA-256 \(expected.sha.prefix(12))…, segment \(expected.segment.map { "\($0)" } ?? "-"))"
                )
            }
        }
        for step in kept.keys.sorted() where !seen.contains(step) {
            findings.add(
                .checkpointNotInChain, step: step,
                "the checkpoint at step \(step), committed by chain link \(kept[step]!.seq), is missing: it was deleted outside lrledger"
            )
        }
        // Status: running while the last segment is open, else its end reason.
        let status = try tx.run(id: runID)?.status ?? "?"
        if let last = segments.keys.max().flatMap({ segments[$0] }) {
            let expected = last.1.reason ?? "running"
            if status != expected {
                findings.add(
                    .runStateMismatch, step: nil,
                    "the run's status is '\(status)' but its last segment (\(last.0.id)) \(last.1.reason.map { "ended as '\($0)'" } ?? "is open")"
                )
            }
        }
    }

    // MARK: - Rows

    /// One canonical row, in step order, at or after `firstStep`.
    mutating func row(step: Int64, rate: Double, loss: Double?) {
        while index < canonical.count, step >= canonical[index].cut {
            finishCurrent()
        }
        if index < canonical.count, step >= canonical[index].link.fromStep {
            steps.append((step, rate, loss))
        } else {
            extra.append(step)
        }
    }

    private mutating func finishCurrent() {
        let commit = canonical[index]
        let rows = steps
        steps.removeAll(keepingCapacity: true)
        index += 1
        finishCommit(commit, canonicalRows: rows)
    }

    /// Checks whatever is left once every row was given; returns the findings.
    mutating func finish() {
        while index < canonical.count { finishCurrent() }
        if !extra.isEmpty {
            for (from, to) in Self.ranges(extra) {
                findings.add(
                    .extraRow, step: from,
                    "\(Self.stepsText(from, to)) \(from == to ? "is" : "are") in the history but no commit wrote \(from == to ? "it" : "them"): inserted or moved outside lrledger"
                )
            }
        }
        if supersededClaimed < supersededTotal, !rowsTruncated {
            var unclaimed: [Int64] = []
            for rows in superseded.values {
                unclaimed += rows.filter { !isWindow || windowSegments.contains($0.by) || segments[$0.by] == nil }
                    .map(\.step)
            }
            for (from, to) in Self.ranges(unclaimed.sorted()) {
                findings.add(
                    .extraRow, step: from,
                    "\(Self.stepsText(from, to)) in the audit trail (rate_log_superseded) \(from == to ? "was" : "were") written by no commit: inserted or edited outside lrledger"
                )
            }
        }
    }

    /// Completes one commit: its moved rows, completeness, then its digest.
    private mutating func finishCommit(_ commit: Commit, canonicalRows: [(step: Int64, rate: Double, loss: Double?)]) {
        let link = commit.link
        var rows = canonicalRows
        var moved: [Int64] = []
        if let segment = link.segmentID, var group = superseded[segment] {
            var keep: [(step: Int64, rate: Double, loss: Double?, by: Int64)] = []
            for row in group {
                guard row.step >= link.fromStep, row.step < link.toStep else {
                    keep.append(row)
                    continue
                }
                let mover = commit.movers.first { $0.resume <= row.step }
                if mover == nil || mover!.segment != row.by { moved.append(row.step) }
                rows.append((row.step, row.rate, row.loss))
                supersededClaimed += 1
            }
            group = keep
            superseded[segment] = group
        }
        if rows.count > canonicalRows.count { rows.sort { $0.step < $1.step } }
        for (from, to) in Self.ranges(moved) {
            findings.add(
                .movedRow, step: from,
                "\(Self.stepsText(from, to)) of commit link \(link.seq) \(from == to ? "is" : "are") in the audit trail, but no resume moved \(from == to ? "it" : "them") there"
            )
        }
        // Completeness: the promised steps, else the count and ends the commit recorded.
        var complete = true
        let logEvery = link.segmentID.flatMap { segments[$0]?.0.logEvery }
        if logEvery == 1, Int64(rows.count) == link.toStep - link.fromStep, rows.first?.step == link.fromStep,
            rows.last?.step == link.toStep - 1
        {
            // Increasing steps, as many as the range holds, from its first to its last: all there.
            complete = true
        } else if let every = logEvery {
            var missing: [Int64] = []
            var unexpected: [Int64] = []
            var position = 0
            var step = (link.fromStep + every - 1) / every * every
            while step < link.toStep {
                while position < rows.count, rows[position].step < step {
                    unexpected.append(rows[position].step)
                    position += 1
                }
                if position < rows.count, rows[position].step == step {
                    position += 1
                    while position < rows.count, rows[position].step == step {
                        unexpected.append(step)
                        position += 1
                    }
                } else {
                    missing.append(step)
                }
                step += every
            }
            unexpected += rows[position...].map(\.step)
            complete = missing.isEmpty && unexpected.isEmpty
            report(missing: missing, unexpected: unexpected, link: link)
        } else if Int64(rows.count) != link.rowCount || rows.first?.step != link.firstRowStep
            || rows.last?.step != link.lastRowStep
        {
            complete = false
            var missing: [Int64] = []
            if let first = link.firstRowStep, let last = link.lastRowStep, last - first + 1 == link.rowCount {
                let present = Set(rows.map(\.step))
                missing = (first...last).filter { !present.contains($0) }
            }
            findings.add(
                .missingRow, step: link.fromStep,
                "commit link \(link.seq) wrote \(link.rowCount) rows for steps \(link.firstRowStep.map { "\($0)" } ?? "-")...\(link.lastRowStep.map { "\($0)" } ?? "-"); the history holds \(rows.count)\(missing.isEmpty ? "" : " (missing \(Self.ranges(missing).map { Self.stepsText($0.0, $0.1) }.joined(separator: ", ")))")"
            )
        }
        var digest = CommitDigest()
        for row in rows { digest.append(step: row.step, rate: row.rate, loss: row.loss) }
        if complete, digest.finalize() != link.rowsSHA256 {
            findings.add(
                .chainMismatch, step: link.fromStep,
                "the rows of chain link \(link.seq) (commit, steps \(link.fromStep)..<\(link.toStep)) no longer match the SHA-256 it recorded: a rate, loss or step it wrote was edited outside lrledger"
            )
        }
    }

    private mutating func report(missing: [Int64], unexpected: [Int64], link: ChainLink) {
        for (from, to) in Self.ranges(missing) {
            findings.add(
                .missingRow, step: from,
                "\(Self.stepsText(from, to)), which segment \(link.segmentID ?? -1) trained and logged (commit link \(link.seq)), \(from == to ? "is" : "are") missing from the history: deleted outside lrledger"
            )
        }
        for (from, to) in Self.ranges(unexpected) {
            findings.add(
                .extraRow, step: from,
                "\(Self.stepsText(from, to)) \(from == to ? "is" : "are") in the history but segment \(link.segmentID ?? -1) did not log \(from == to ? "it" : "them") (commit link \(link.seq)): inserted outside lrledger"
            )
        }
    }

    /// Compares a recomputed digest with the recorded one, naming what differs.
    private mutating func compare(_ link: ChainLink, header: String, digest: String) {
        guard digest != link.digest else { return }
        let differences = link.header.isEmpty ? [] : ChainHeader.differences(recorded: link.header, actual: header)
        if !differences.isEmpty {
            findings.add(
                .chainMismatch, step: link.fromStep,
                "chain link \(link.seq) (\(link.kind) at step \(link.toStep)) no longer matches the history: \(differences.joined(separator: "; "))"
            )
        } else {
            findings.add(
                .chainMismatch, step: link.fromStep,
                "chain link \(link.seq) (\(link.kind), steps \(link.fromStep)..<\(link.toStep)) no longer matches its digest: the link, or the one before it, was edited outside lrledger"
            )
        }
    }

    // MARK: - Text

    static func ranges(_ steps: [Int64]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for step in steps {
            if let last = out.last, step == last.1 + 1 { out[out.count - 1].1 = step } else { out.append((step, step)) }
        }
        return out
    }

    static func stepsText(_ from: Int64, _ to: Int64) -> String {
        from == to ? "step \(from)" : "steps \(from)...\(to)"
    }
}

extension ChainLink {
    /// For a legacy link: whether segment `id` is part of the history before the chain.
    fileprivate func at(legacyBefore id: Int64, segments: [Int64: (ChainHeader.SegmentStart, ChainHeader.SegmentEnd)])
        -> Bool?
    {
        guard kind == "legacy", let start = segments[id]?.0 else { return nil }
        return start.startStep <= toStep
    }
}
