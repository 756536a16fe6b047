extension Ledger {
    // MARK: - Liveness, as readers show it

    /// The status a reader shows for a run, judged as a writer's attach judges the holder
    /// of its open segment: `running` while the holder is alive, `running?` while it is
    /// presumed alive (another host, boot or PID namespace, its heartbeat within the
    /// lease), `crashed` once it is gone (the stored status stays `running` until the next
    /// attach closes the segment). Other statuses are shown as stored.
    ///
    /// - returns: the status and the holder's last heartbeat, when a segment is open.
    func judgedStatus(_ tx: any LedgerTransaction, runID: Int64, stored: RunStatus) throws -> (RunStatus, String?) {
        guard stored == .running else { return (stored, nil) }
        guard let holder = try tx.openSegments(runID: runID).last?.holder else { return (.crashed, nil) }
        switch holder.liveness(
            store: store.identity, leaseTimeout: configuration.leaseTimeout,
            nowMilliseconds: Timestamp.now().millisecondsSince1970)
        {
        case .alive: return (.running, holder.heartbeatAt)
        case .presumedAlive: return (.presumedRunning, holder.heartbeatAt)
        case .dead: return (.crashed, holder.heartbeatAt)
        }
    }
}
