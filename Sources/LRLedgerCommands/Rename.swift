import ArgumentParser
import Ledger

extension LRLedger {
    /// `lrledger rename RUN NEW`: give a run a new name.
    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a run, recording the rename in its events and its hash chain.",
            discussion: """
                The new name must be valid, unused, and not differ from another run's only by case or a \
                small edit. Refused while a live process writes the run. The audit checks the run's \
                history under its old and new names.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run to rename.", valueName: "run"))
        var runName: String

        @Argument(help: ArgumentHelp("Its new name.", valueName: "new-name"))
        var newName: String

        func run() throws {
            try RunChangeCommand.perform(.rename(run: runName, to: newName), location: database.location) {
                try $0.renameRun(runName, to: newName)
            }
            print(
                "run \(LRLedger.escapingControlCharacters(runName)): renamed to "
                    + LRLedger.escapingControlCharacters(newName))
        }
    }
}
