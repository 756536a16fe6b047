import ArgumentParser
import Ledger

extension LRLedger {
    /// `lrledger delete RUN`: delete a run and everything that belongs to it.
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a run and its whole history, keeping a record that it existed.",
            discussion: """
                Deletes the run's logged rates, audit trail, segments, schedules, checkpoints, chain links \
                and events in one transaction, and records the deletion (name, step, counts, chain head, \
                who and when) in the deleted_runs view. Refused while a live process writes the run. \
                Checkpoint files a trainer kept in its own folder are left in place.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run to delete.", valueName: "run"))
        var runName: String

        func run() throws {
            let deleted = try RunChangeCommand.perform(.delete(run: runName), location: database.location) {
                try $0.deleteRun(named: runName)
            }
            print(
                "run \(LRLedger.escapingControlCharacters(runName)): deleted at step \(deleted.step) "
                    + "(\(deleted.rateRows) logged rates, \(deleted.segments) segments, "
                    + "\(deleted.checkpoints) checkpoints); recorded in deleted_runs")
        }
    }
}
