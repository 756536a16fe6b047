import LRLedgerCommands

// Only the executable decides where logs go: standard error, so standard output stays
// clean for listings that other programs read; control characters in them are escaped.
LRLedger.bootstrapLogging()

await LRLedger.runFromCommandLine()
