/// One-line text for messages and terminal output, shared by every module of the
/// package (Ledger, Trainer and the command line depend on Schedules).
package enum OneLine {
    /// `text` with line breaks, tabs and other control characters written as escapes,
    /// so a message quoting user input (a JSON key, a file name, a run name) stays one line.
    ///
    /// ```swift
    /// OneLine.escaping("a\nb\u{7}")   // "a\\nb\\u{7}"
    /// ```
    package static func escaping(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch (scalar, scalar.properties.generalCategory) {
            case ("\n", _): out += "\\n"
            case ("\r", _): out += "\\r"
            case ("\t", _): out += "\\t"
            case (_, .control), (_, .lineSeparator), (_, .paragraphSeparator):
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
