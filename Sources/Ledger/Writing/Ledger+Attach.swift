import Foundation
import Schedules

extension Ledger {
    // MARK: - Attach

    /// Creates the run or attaches to it, opening a new segment for this process.
    ///
    /// Everything happens in one IMMEDIATE transaction, so two processes racing to
    /// attach cannot both win. For an existing run, the attach:
    /// 1. closes as `crashed` any segment left open by a dead process (end step = the
    ///    committed step; ended_at = its last heartbeat), and refuses when the holder
    ///    is alive, naming its pid, host and start time;
    /// 2. refuses when a stored schedule no longer matches its SHA-256, or when the
    ///    history it resumes from is one an audit would flag: its last chain links, the
    ///    kept checkpoints, segments and schedule versions (`checkResumableHistory`);
    /// 3. resumes from the latest checkpoint when there is one (else from the committed
    ///    counter), moving the canonical rows at or past that step to the audit trail
    ///    and setting the counter to it;
    /// 4. compares the requested schedule with the one in force at the resume step and
    ///    refuses a difference unless `allowScheduleChange`, which records it;
    /// 5. updates the target step count and marks the run `running`.
    ///
    /// Opening the ledger read-write has already written to the file; to leave it
    /// untouched when the attach would be refused, call `checkAttach(_:)` on a
    /// read-only ledger first.
    ///
    /// - parameter request: the run, schedule, target and settings.
    /// - returns: the writer for the new segment.
    /// - throws: `LedgerError` with `.runBusy`, `.scheduleMismatch`,
    ///   `.scheduleTampered`, `.checkpointCorrupt`, `.runNotFound` (a new run without a
    ///   schedule), `.invalidArgument`, `.readOnly`, `.busy`, `.databaseFull`.
    public func attach(_ request: AttachRequest) throws -> RunWriter {
        if let problem = RunName.problem(request.run) {
            throw LedgerError(.invalidArgument, problem)
        }
        if let keep = request.keepCheckpoints, keep < 1 {
            throw LedgerError(.invalidArgument, "keepCheckpoints must be at least 1, got \(keep)")
        }
        guard request.targetSteps >= 0 else {
            throw LedgerError(
                .invalidArgument, "targetSteps must be >= 0, got \(request.targetSteps) for run \(request.run)")
        }
        // A ledger not made yet is made by the attach's write: refuse what the attach
        // would refuse first, so a refused attach leaves no file behind.
        try checkBeforeFirstWrite { try checkAttach(request) }
        // The segment is registered as live in this process before the transaction
        // commits, so another thread's attach, which can only run after the commit,
        // never takes it for a writer released without closing.
        var liveKey: String?
        let outcome: AttachOutcome
        do {
            outcome = try store.write("attach to run \(request.run)") { tx in
                let decided = try attachInTransaction(tx, request)
                if let identity = store.identity {
                    let key = LiveWriters.key(store: identity, segment: decided.segmentID)
                    LiveWriters.shared.insert(key)
                    liveKey = key
                }
                return decided
            }
        } catch {
            if let liveKey { LiveWriters.shared.remove(liveKey) }
            throw error
        }
        logger.info(
            "attached",
            metadata: [
                "run": "\(request.run)", "segment": "\(outcome.segmentID)", "step": "\(outcome.resumeStep)",
                "created": "\(outcome.createdRun)", "superseded": "\(outcome.supersededRows)",
            ])
        return RunWriter(
            outcome: outcome, runName: request.run, store: store,
            keepCheckpoints: request.keepCheckpoints ?? configuration.keepCheckpoints,
            logger: logger, liveKey: liveKey)
    }

    /// Attaches, runs `body` with the writer, and closes the segment on every way out:
    /// `finished` when `body` returns, `failed` when it throws (the error is rethrown).
    /// Commit inside `body`: rows still buffered when it ends are dropped.
    ///
    /// ```swift
    /// try ledger.withRun(request) { writer in
    ///     for step in writer.resumeStep..<1000 {
    ///         writer.log(step: step, rate: writer.schedule.rate(at: step))
    ///     }
    ///     try writer.commit(step: 1000, state: nil)
    /// }
    /// ```
    ///
    /// - parameter request: the run, schedule, target and settings.
    /// - parameter reason: the end reason when `body` returns normally.
    /// - returns: what `body` returns.
    /// - throws: what `attach(_:)` throws, what `body` throws, or the close's error.
    @discardableResult
    public func withRun<T>(
        _ request: AttachRequest, endingAs reason: EndReason = .finished, _ body: (RunWriter) throws -> T
    ) throws -> T {
        let writer = try attach(request)
        let result: T
        do {
            result = try body(writer)
        } catch {
            if !writer.isFinished { try? writer.close(reason: .failed) }
            throw error
        }
        if !writer.isFinished { try writer.close(reason: reason) }
        return result
    }

    /// Makes every check `attach(_:)` makes before it writes, reading only, and throws
    /// the error it would throw. Works on a read-only ledger.
    ///
    /// For a caller that wants to know before it does costly work (load a dataset,
    /// build a model) whether the attach will be refused: a live writer, an edited
    /// history, a schedule change not allowed, a name close to another run's. The
    /// attach checks again in its transaction, and writes nothing when it refuses.
    ///
    /// - parameter request: the request `attach(_:)` will get.
    /// - throws: `LedgerError` with the codes `attach(_:)` refuses with.
    public func checkAttach(_ request: AttachRequest) throws {
        try store.read("check run \(request.run)") { tx in _ = try planAttach(tx, request) }
    }

    /// What attaching to an existing run will do, decided by reading only.
    struct AttachPlan {
        var runID: Int64
        var committed: Int64
        var settings: RunSettings
        var deadHolders: [SegmentHolder]
        var checkpoint: Checkpoint?
        var discarded: [DiscardedCheckpoint]
        var resume: Int64
        var stored: any LearningRateSchedule
        var schedule: any LearningRateSchedule
        var scheduleChanged: Bool
    }

    /// The plan for an existing run, or nil for a new one; throws every refusal.
    private func planAttach(_ tx: any LedgerTransaction, _ request: AttachRequest) throws -> AttachPlan? {
        guard let run = try tx.run(named: request.run) else {
            guard request.schedule ?? request.defaultSchedule != nil else {
                throw LedgerError(
                    .runNotFound,
                    "no run named \(request.run) in \(location); give a schedule to create it, or check the name")
            }
            try checkCreation(tx, request)
            return nil
        }
        if request.creation == .required {
            throw LedgerError(
                .runExists,
                "run \(request.run) already exists in \(location); resume it without asking for a new run, or choose another name"
            )
        }
        let runID = run.id
        let committed = run.step
        let settings = RunSettings(stored: run.settings)
        let deadHolders = try deadSegmentHolders(tx, runName: request.run, runID: runID)
        try checkScheduleChecksums(tx, runName: request.run, runID: runID)
        let (checkpoint, discarded) = try usableCheckpoint(
            tx, runName: request.run, runID: runID, folder: request.checkpointFolder,
            discardDamagedInline: request.discardDamagedCheckpoints)
        let discarding = Set(discarded.map(\.step))
        try checkResumableHistory(tx, runName: request.run, runID: runID, committed: committed, discarding: discarding)
        try checkCheckpointInChain(
            tx, runName: request.run, runID: runID, resumingFrom: checkpoint, discarding: discarding)
        // With every kept checkpoint discarded, the run starts again from its beginning.
        let resume = checkpoint?.step ?? (discarded.isEmpty ? committed : 0)
        if resume > committed {
            throw LedgerError(
                .checkpointCorrupt,
                "run \(request.run) has a checkpoint at step \(resume), past its committed step \(committed); the database was edited outside lrledger; restore it from a backup"
            )
        }

        // The schedule in force at the resume step, and the one this segment uses.
        let stored = try scheduleInForce(
            try scheduleVersions(tx, runName: request.run, runID: runID), runName: request.run, at: resume)
        var schedule = stored
        var scheduleChanged = false
        // Compared by the rates they compute: a config differing only in Keras's name, or
        // in a value written differently but equal in the dtype, is no change (the stored
        // config stays).
        if let requested = request.schedule, !requested.computesSameRates(as: stored) {
            guard request.allowScheduleChange else {
                throw LedgerError(
                    .scheduleMismatch,
                    "run \(request.run) resumes at step \(resume) with schedule \(stored.canonicalJSON) (\(stored.dtype)), but \(requested.canonicalJSON) (\(requested.dtype)) was asked for; resume with the stored schedule, or allow the change to record it from step \(resume)"
                )
            }
            schedule = requested
            scheduleChanged = true
        }
        return AttachPlan(
            runID: runID, committed: committed, settings: settings, deadHolders: deadHolders, checkpoint: checkpoint,
            discarded: discarded, resume: resume, stored: stored, schedule: schedule, scheduleChanged: scheduleChanged)
    }

    private func attachInTransaction(_ tx: any LedgerTransaction, _ request: AttachRequest) throws -> AttachOutcome {
        let now = Timestamp.now().description
        guard let plan = try planAttach(tx, request) else {
            return try createRun(tx, request, now: now)
        }
        let runID = plan.runID
        let committed = plan.committed
        let resume = plan.resume
        let stored = plan.stored
        let schedule = plan.schedule
        let scheduleChanged = plan.scheduleChanged
        let recovered = try closeDeadSegments(
            tx, plan.deadHolders, request: request, runID: runID, committed: committed)

        let me = request.identity
        let segmentID = try openSegment(
            tx, identity: request.identity, runID: runID, start: resume,
            rewoundFrom: resume < committed ? committed : nil,
            logEvery: request.logEvery, now: now)

        // Rows at or past the resume step describe updates whose state is lost.
        let reason =
            resume < committed
            ? "resumed from the checkpoint at step \(resume); the committed step was \(committed)"
            : "resumed at step \(resume); rows at or past it were never committed with a state"
        let superseded = try tx.supersedeRates(runID: runID, from: resume, by: segmentID, reason: reason, now: now)
        try discardCheckpoints(tx, plan.discarded, runID: runID, runName: request.run, segmentID: segmentID, now: now)
        if resume < committed {
            try tx.recordEvent(
                runID: runID, segmentID: segmentID, at: now, kind: .rewound, step: resume,
                message:
                    "rewound from committed step \(committed) to the checkpoint at step \(resume); \(superseded) rate rows moved to rate_log_superseded"
            )
            logger.warning(
                "rewound to checkpoint",
                metadata: [
                    "run": "\(request.run)", "from": "\(committed)", "step": "\(resume)", "superseded": "\(superseded)",
                ])
        } else if superseded > 0 {
            try tx.recordEvent(
                runID: runID, segmentID: segmentID, at: now, kind: .superseded, step: resume,
                message: "\(superseded) rate rows at or past the committed step \(resume) moved to rate_log_superseded")
        }
        if scheduleChanged {
            try insertSchedule(tx, runID: runID, schedule: schedule, from: resume, now: now)
            try tx.recordEvent(
                runID: runID, segmentID: segmentID, at: now, kind: .scheduleChanged, step: resume,
                message:
                    "schedule changed at step \(resume) from \(stored.canonicalJSON) (\(stored.dtype)) to \(schedule.canonicalJSON) (\(schedule.dtype))"
            )
        }
        try tx.updateRun(id: runID, step: resume, status: .running, targetSteps: request.targetSteps, now: now)
        try tx.recordEvent(
            runID: runID, segmentID: segmentID, at: now, kind: .attached, step: resume,
            message: "pid \(me.pid) on host \(me.host) attached at step \(resume)")
        let chain = try ChainCursor.load(tx, runID: runID).appendEvent(
            tx, runID: runID, kind: "attach", segmentID: segmentID, from: committed, to: resume,
            checkpointSHA256: plan.checkpoint?.sha256, closed: recovered,
            discarded: plan.discarded.map { ($0.step, $0.sha256) }, now: now)
        return AttachOutcome(
            runID: runID, segmentID: segmentID, resumeStep: resume,
            schedule: try scheduleTimeline(tx, runName: request.run, runID: runID, from: resume),
            checkpoint: plan.checkpoint, settings: plan.settings, targetSteps: request.targetSteps, createdRun: false,
            scheduleChanged: scheduleChanged, rewoundFrom: resume < committed ? committed : nil,
            supersededRows: superseded, recoveredSegments: recovered, discardedCheckpoints: plan.discarded,
            chain: chain, logEvery: request.logEvery)
    }

    private func createRun(_ tx: any LedgerTransaction, _ request: AttachRequest, now: String) throws -> AttachOutcome {
        guard let schedule = request.schedule ?? request.defaultSchedule else {
            throw LedgerError(
                .runNotFound,
                "no run named \(request.run) in \(location); give a schedule to create it, or check the name")
        }
        let runID = try tx.insertRun(
            name: request.run, targetSteps: request.targetSteps, settings: request.settings.json, now: now)
        try insertSchedule(tx, runID: runID, schedule: schedule, from: 0, now: now)
        let me = request.identity
        let segmentID = try openSegment(
            tx, identity: request.identity, runID: runID, start: 0, rewoundFrom: nil, logEvery: request.logEvery,
            now: now)
        try tx.recordEvent(
            runID: runID, segmentID: segmentID, at: now, kind: .created, step: 0,
            message:
                "run created by pid \(me.pid) on host \(me.host) with schedule \(schedule.canonicalJSON) (\(schedule.dtype))"
        )
        let chain = try ChainCursor.load(tx, runID: runID).appendEvent(
            tx, runID: runID, kind: "create", segmentID: segmentID, from: 0, to: 0, now: now)
        return AttachOutcome(
            runID: runID, segmentID: segmentID, resumeStep: 0, schedule: schedule, checkpoint: nil,
            settings: request.settings, targetSteps: request.targetSteps, createdRun: true, scheduleChanged: false,
            rewoundFrom: nil, supersededRows: 0, recoveredSegments: [], discardedCheckpoints: [], chain: chain,
            logEvery: request.logEvery)
    }

    private func insertSchedule(
        _ tx: any LedgerTransaction, runID: Int64, schedule: any LearningRateSchedule, from step: Int64, now: String
    ) throws {
        let config = schedule.canonicalJSON
        try tx.insertScheduleVersion(
            runID: runID, fromStep: step, config: config, dtype: schedule.dtype.rawValue,
            sha256: SHA256Hex.digest(config), now: now)
    }

    /// The run's open segments, whose processes are all dead; refuses when one is alive.
    /// Attaching, deleting, renaming and annotating a run all judge its writer by this.
    ///
    /// - throws: `LedgerError` `.runBusy`, naming the live writer's pid and host.
    func deadSegmentHolders(_ tx: any LedgerTransaction, runName: String, runID: Int64) throws -> [SegmentHolder] {
        let nowMilliseconds = Timestamp.now().millisecondsSince1970
        return try tx.openSegments(runID: runID).map { segment in
            let holder = segment.holder
            if holder.liveness(
                store: store.identity, leaseTimeout: configuration.leaseTimeout, nowMilliseconds: nowMilliseconds
            ).holdsRun {
                throw LedgerError(
                    .runBusy,
                    "run \(runName) is being written by \(holder.description); stop that process or wait for it to finish"
                )
            }
            return holder
        }
    }

    /// Closes the open segments of dead processes as crashed at the committed step.
    private func closeDeadSegments(
        _ tx: any LedgerTransaction, _ holders: [SegmentHolder], request: AttachRequest, runID: Int64,
        committed: Int64
    ) throws -> [Int64] {
        var closed: [Int64] = []
        for holder in holders {
            _ = try tx.closeSegment(id: holder.segmentID, endStep: committed, endedAt: nil, reason: .crashed)
            try tx.recordEvent(
                runID: runID, segmentID: holder.segmentID, at: Timestamp.now().description, kind: .crashDetected,
                step: committed,
                message:
                    "segment \(holder.segmentID) was left open by \(holder.description), which is gone; closed as crashed at step \(committed)"
            )
            logger.warning(
                "closed a crashed segment",
                metadata: [
                    "run": "\(request.run)", "segment": "\(holder.segmentID)", "pid": "\(holder.pid)",
                    "host": "\(holder.host)", "step": "\(committed)",
                ])
            closed.append(holder.segmentID)
        }
        return closed
    }

    /// Refuses when any stored schedule's text no longer matches its SHA-256.
    private func checkScheduleChecksums(_ tx: any LedgerTransaction, runName: String, runID: Int64) throws {
        for version in try tx.scheduleVersions(runID: runID) {
            if SHA256Hex.digest(version.config) != version.sha256 {
                throw LedgerError(
                    .scheduleTampered,
                    "run \(runName)'s schedule from step \(version.fromStep) (schedule_version \(version.id)) no longer matches its SHA-256: it was edited outside lrledger; restore the original config or start a new run"
                )
            }
        }
    }

    /// The latest checkpoint a resume can use, and the newer damaged ones passed over.
    ///
    /// A file checkpoint is checked in `folder` (size and SHA-256); a missing or damaged
    /// file is discarded and the one before it tried, so a damaged file means a recorded
    /// rewind, never a crash loop. Without a folder, file references are taken as
    /// committed. An inline state is checked against its SHA-256: a damaged one is
    /// refused, or discarded the same way when `discardDamagedInline` asks for it.
    private func usableCheckpoint(
        _ tx: any LedgerTransaction, runName: String, runID: Int64, folder: CheckpointFolder?,
        discardDamagedInline: Bool
    ) throws -> (Checkpoint?, [DiscardedCheckpoint]) {
        var discarded: [DiscardedCheckpoint] = []
        let stored = try tx.checkpoints(runID: runID).map { try $0.checkpoint(run: runName) }
        for checkpoint in stored {
            let problem: CheckpointFolder.Problem?
            if let file = checkpoint.file {
                problem = folder?.problem(with: file)
            } else {
                let found = SHA256Hex.digest(checkpoint.state)
                problem = found == checkpoint.sha256 ? nil : .digestDiffers(expected: checkpoint.sha256, found: found)
                if problem != nil, !discardDamagedInline {
                    let damaged = stored.filter {
                        $0.file == nil && SHA256Hex.digest($0.state) != $0.sha256
                    }.map(\.step).sorted()
                    let others = damaged.dropFirst().map(String.init).joined(separator: ", ")
                    throw LedgerError(
                        .checkpointCorrupt,
                        "run \(runName)'s checkpoint at step \(damaged.first ?? checkpoint.step) no longer matches its SHA-256\(others.isEmpty ? "" : " (nor those at steps \(others))"); restore the database from a backup, or resume from the newest intact checkpoint, discarding the damaged ones (recorded)"
                    )
                }
            }
            guard let problem else { return (checkpoint, discarded) }
            discarded.append(
                DiscardedCheckpoint(
                    step: checkpoint.step, sha256: checkpoint.sha256, file: checkpoint.file, problem: problem))
        }
        return (nil, discarded)
    }

    /// Deletes the damaged checkpoints an attach resumes past, recording each in the
    /// run's events (the attach's chain link lists them too).
    private func discardCheckpoints(
        _ tx: any LedgerTransaction, _ discarded: [DiscardedCheckpoint], runID: Int64, runName: String,
        segmentID: Int64, now: String
    ) throws {
        for checkpoint in discarded {
            try tx.deleteCheckpoint(runID: runID, step: checkpoint.step)
            let what = checkpoint.file.map { "the checkpoint file \($0.path)" } ?? "the checkpoint"
            try tx.recordEvent(
                runID: runID, segmentID: segmentID, at: now, kind: .checkpointDiscarded, step: checkpoint.step,
                message:
                    "\(what) at step \(checkpoint.step) (SHA-256 \(checkpoint.sha256)) was discarded to resume from an earlier one: \(checkpoint.problem)"
            )
            logger.warning(
                "discarded a damaged checkpoint",
                metadata: [
                    "run": "\(runName)", "step": "\(checkpoint.step)", "file": "\(checkpoint.file?.path ?? "inline")",
                    "problem": "\(checkpoint.problem)",
                ])
        }
    }
}
