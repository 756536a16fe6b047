import Dispatch

extension Ledger {
    /// Runs `body` with this ledger on a thread of Dispatch's global pool, and hands its
    /// result to the awaiting task: how to call the ledger from Swift concurrency.
    ///
    /// The ledger's calls block their thread (an SQLite statement, a PostgreSQL server's
    /// answer, an audit of ten million rows), and its store protocol is synchronous by
    /// design: a transaction is the rules' read-decide-write, run while the store holds
    /// the transaction open, and the per-step `log` is a plain in-memory append. Called
    /// directly from an async function, a blocking call holds one of the cooperative
    /// pool's threads (one per core) and stalls every other task meanwhile; through
    /// `perform`, the task is suspended instead. The PostgreSQL store drives its
    /// asynchronous driver on the driver's own event loops either way.
    ///
    /// ```swift
    /// let runs = try await ledger.perform { try $0.runs() }
    /// let report = try await ledger.perform { try $0.audit(run: "demo") }
    /// ```
    ///
    /// - parameter body: the ledger calls to make; they run on one thread, in order.
    /// - returns: what `body` returns.
    /// - throws: what `body` throws, unchanged.
    public func perform<Value: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body(self) })
            }
        }
    }
}
