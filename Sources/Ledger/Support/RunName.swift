/// The rule for run names, shared by every way a run is named (the command line, the
/// trainer, a library user's attach), so that one name always means one run and prints
/// safely.
///
/// ```swift
/// if let problem = RunName.problem(name) { throw MyError(problem) }
/// ```
public enum RunName {
    /// Why `name` cannot name a run, or nil when it can.
    ///
    /// A run's name is printed in tables, log lines and plots: it must be non-empty text
    /// without control characters (line breaks, tabs, ANSI escapes, NUL), bidirectional
    /// overrides (which reorder what a terminal shows) and U+FFFD, which is what invalid
    /// UTF-8 turns into (two different byte strings would otherwise become one run).
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "the run name is empty" }
        for scalar in name.unicodeScalars {
            if isControl(scalar) {
                return
                    "the run name \(escaped(name)) holds the control character \(codePoint(scalar)); use letters, digits and punctuation"
            }
            if scalar == "\u{FFFD}" {
                return "the run name \(escaped(name)) holds U+FFFD, the mark of invalid UTF-8; name runs in valid UTF-8"
            }
        }
        return nil
    }

    /// Control characters, line and paragraph separators, bidirectional overrides.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .control || category == .lineSeparator || category == .paragraphSeparator
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The name with its control characters written as `\u{1b}`, for the message.
    private static func escaped(_ name: String) -> String {
        var out = "'"
        for scalar in name.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }
}
