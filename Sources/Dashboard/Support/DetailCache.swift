import Ledger

/// The last full read of each run (`Ledger.run(named:)`, which counts the run's rows),
/// kept while the run does not change, so a page left open on a finished 10M-step run
/// does not count ten million rows every two seconds. An entry also expires after
/// `lifetime`, so what leaves the run's step and times alone (a note) shows soon.
actor DetailCache {
    let lifetime: Duration
    private var entries: [String: (key: String, detail: RunDetail, madeAt: ContinuousClock.Instant)] = [:]

    init(lifetime: Duration = .seconds(30)) {
        self.lifetime = lifetime
    }

    /// The cached read of `run` when it was made in the state `key` and is not expired.
    func detail(run: String, key: String) -> RunDetail? {
        guard let entry = entries[run], entry.key == key, ContinuousClock.now - entry.madeAt < lifetime else {
            return nil
        }
        return entry.detail
    }

    func store(run: String, key: String, _ detail: RunDetail) {
        entries[run] = (key, detail, .now)
    }
}
