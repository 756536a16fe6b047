import ArgumentParser
import Ledger

extension LRLedger {
    /// `lrledger note RUN TEXT`: add a note to a run's events.
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to a run: an event `show` lists with the run's history.",
            discussion: "Refused while a live process writes the run."
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run to annotate.", valueName: "run"))
        var runName: String

        @Argument(help: ArgumentHelp("The note's text.", valueName: "text"))
        var text: String

        func run() throws {
            try RunChangeCommand.perform(.note(run: runName, text: text), location: database.location) {
                try $0.addNote(toRun: runName, text)
            }
            print("run \(LRLedger.escapingControlCharacters(runName)): note added")
        }
    }
}
