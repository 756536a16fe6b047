import Dispatch

/// Runs the ledger's blocking reads (SQLite statements, an audit of ten million rows)
/// on Dispatch's global pool instead of a Swift concurrency thread, so a long read
/// never stalls the server's other requests: the cooperative pool has only one thread
/// per core.
enum Offload {
    static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
