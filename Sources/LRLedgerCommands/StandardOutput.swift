import Glibc

/// Buffered writes to standard output for listings of millions of rows: `print` takes a
/// lock and flushes per call, which dominates the cost of streaming a long history.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    init() {
        buffer.reserveCapacity(capacity + 1024)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
