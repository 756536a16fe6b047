import LRLedgerCommands
import Logging

// Only the executable decides where logs go: standard error, so standard output stays
// clean for listings that other programs read.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .info
    return handler
}

await LRLedger.runFromCommandLine()
