import Glibc

/// Writes to standard error that never stop the process: with SIGPIPE ignored, a
/// closed pipe (`lrledger train 2>&1 | head -2`) makes `write` fail with EPIPE, which
/// is dropped, where Foundation's `FileHandle.write` would trap.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
