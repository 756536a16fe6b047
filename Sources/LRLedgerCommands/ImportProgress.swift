import Glibc

/// How a long import goes: a live line on standard error, shown only when it is a
/// terminal, redrawn at most five times a second and cleared at the end.
final class ImportProgress {
    private let live = isatty(STDERR_FILENO) == 1
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant?
    private var shown = false

    func show(_ text: String) {
        guard live else { return }
        let now = clock.now
        if let last, now - last < .milliseconds(200) { return }
        last = now
        shown = true
        StandardError.write("\r\u{1B}[K" + text)
    }

    func clear() {
        if shown { StandardError.write("\r\u{1B}[K") }
        shown = false
    }
}
