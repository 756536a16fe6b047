import ArgumentParser
import AttachProtocol
import Foundation
import Ledger
import Logging

extension LRLedger {
    /// `lrledger attach`: the attach protocol over standard input and output, for
    /// trainers in other languages (the Python package drives it).
    struct Attach: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drive runs of the ledger from another process: the attach protocol on stdin/stdout.",
            discussion: """
                Reads one JSON request per line on standard input and writes one JSON response per \
                line on standard output (protocol 1: attach, rates, log, commit, heartbeat, close; \
                see the README). End of input without a close closes the attached segment as \
                crashed. SIGINT and SIGTERM are ignored: the client decides how its segment ends, \
                and closing standard input ends this process.
                """
        )

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            // The client commits and closes on a signal; a terminal's Ctrl-C or a
            // supervisor's SIGTERM to the whole group must not end this process first.
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            signal(SIGPIPE, SIG_IGN)
            let logger = Logger(label: "lrledger.attach")
            let location = database.location
            let session = AttachSession(ledger: { try Ledger(location: location, logger: logger) }, logger: logger)
            while let line = readLine(strippingNewline: true) {
                if line.allSatisfy(\.isWhitespace) { continue }
                guard Self.writeLine(session.respond(to: line)) else { break }
            }
            session.endOfInput()
        }

        /// Writes one response line to standard output, unbuffered; false when the
        /// client is gone.
        static func writeLine(_ text: String) -> Bool {
            var bytes = Array(text.utf8)
            bytes.append(UInt8(ascii: "\n"))
            return bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }
    }
}
