import Testing

@testable import Ledger

@Suite("Run names")
struct RunNameTests {
    @Test("a run name is printable text: control characters, bidi overrides and U+FFFD are refused")
    func runNameRule() {
        for good in ["demo", "résumé-2026", "run 7 (lr=0.1)", "学习率"] {
            #expect(RunName.problem(good) == nil, "\(good)")
        }
        for bad in [
            "", "a\nb", "a\u{1B}[31m", "tab\t", "nul\u{0}", "del\u{7F}", "rtl\u{202E}x", "x\u{2028}y", "bad\u{FFFD}",
        ] {
            let problem = RunName.problem(bad)
            #expect(problem != nil, "\(bad.debugDescription) is accepted")
            #expect(
                problem?.contains("\u{1B}") != true && problem?.contains("\n") != true, "the message is one safe line")
        }
    }
}
