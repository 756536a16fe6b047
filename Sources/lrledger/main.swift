import LRLedgerCommands

await LRLedger.runFromCommandLine()
