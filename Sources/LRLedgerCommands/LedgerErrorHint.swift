import Ledger

/// The command line's hints on the ledger's messages: the library names no flags and
/// no commands, so the command line says which of its own to use.
enum LedgerErrorHint {
    /// `error`'s message with the command line's hint for its code, if it has one.
    static func message(for error: LedgerError) -> String {
        switch error.code {
        case .fileNotFound, .notALedger, .notADatabase:
            error.message + " (--db or LRLEDGER_DB)"
        case .runNotFound where error.message.hasPrefix("no run named"):
            error.message + " (lrledger runs lists them)"
        case .historyTampered:
            error.message + " (lrledger audit RUN shows every finding)"
        case .scheduleMismatch:
            error.message + " (--change-schedule)"
        default:
            error.message
        }
    }
}
