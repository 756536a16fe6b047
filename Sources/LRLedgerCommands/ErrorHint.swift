import Import
import Ledger
import Trainer

/// The command line's hints on the libraries' messages: the libraries name no flags and
/// no commands, so the command line says which of its own to use.
enum ErrorHint {
    /// `error`'s message with the command line's hint, for the errors that have one;
    /// nil for others.
    static func message(for error: any Error) -> String? {
        switch error {
        case let error as LedgerError:
            return ledgerMessage(for: error)
        case let error as TrainingError where error.setting != nil:
            return error.message + " (--\(error.setting ?? ""))"
        case let error as ImportError where error.setting != nil:
            return error.message + " (" + importFlag(for: error.setting) + ")"
        default:
            return nil
        }
    }

    /// The `lrledger import` flag that sets an import reader's setting.
    static func importFlag(for setting: ImportError.Setting?) -> String {
        switch setting {
        case .tag: "--tag"
        case .key: "--key"
        case .mlflowRun: "--mlflow-run"
        case .stepColumn: "--step-column"
        case .rateColumn: "--rate-column"
        default: "see lrledger import --help"
        }
    }

    /// `error`'s message with the command line's hint for its code, if it has one.
    static func ledgerMessage(for error: LedgerError) -> String {
        switch error.code {
        case .fileNotFound, .notALedger, .notADatabase:
            error.message + " (--db or LRLEDGER_DB)"
        case .runNotFound where error.message.hasPrefix("no run named"):
            error.message + " (lrledger runs lists them)"
        case .historyTampered:
            error.message + " (lrledger audit RUN shows every finding)"
        case .scheduleMismatch:
            error.message + " (--change-schedule)"
        case .timedOut:
            error.message + " (--timeout)"
        default:
            error.message
        }
    }
}
