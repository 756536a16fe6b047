import Foundation
import Ledger

/// The latest audit of each run, kept so that listing runs every few seconds does not
/// recompute every rate of every run each time.
///
/// An entry is fresh while the run's committed step and `updated_at` are those it was
/// made at. A stale entry is still answered (its verdict says at which step it was
/// made) until it is `refreshInterval` old; then the next request audits again. A run
/// that does not change is audited once.
actor AuditCache {
    struct Entry: Sendable {
        let key: String
        let report: AuditReport
        let verdict: AuditVerdictJSON
        let madeAt: ContinuousClock.Instant
    }

    /// How long a stale verdict is answered before the run is audited again.
    let refreshInterval: Duration
    private var entries: [String: Entry] = [:]
    private var inProgress: Set<String> = []
    private var background: [Task<Void, Never>] = []

    init(refreshInterval: Duration = .seconds(15)) {
        self.refreshInterval = refreshInterval
    }

    /// The entry to answer for a run whose state is `key`, or nil when it must be audited.
    func usable(run: String, key: String) -> Entry? {
        guard let entry = entries[run] else { return nil }
        if entry.key == key || ContinuousClock.now - entry.madeAt < refreshInterval { return entry }
        return nil
    }

    /// The run's latest entry, however old.
    func latest(run: String) -> Entry? {
        entries[run]
    }

    func store(run: String, _ entry: Entry) {
        entries[run] = entry
        inProgress.remove(run)
    }

    /// Claims the run for a background audit: false when one is already running.
    func claim(run: String) -> Bool {
        inProgress.insert(run).inserted
    }

    /// Keeps a background audit's task, so that shutdown can wait for it.
    func track(_ task: Task<Void, Never>) {
        background.append(task)
    }

    /// Waits until every background audit has ended.
    func waitForBackgroundAudits() async {
        while let task = background.popLast() {
            await task.value
        }
    }

    /// Gives up a claim whose audit failed.
    func release(run: String) {
        inProgress.remove(run)
    }
}
