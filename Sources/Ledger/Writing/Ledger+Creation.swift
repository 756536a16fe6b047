extension Ledger {
    // MARK: - Creating a run

    /// Refuses to create a run the request does not allow to be created: never with
    /// `.forbidden`; with `.allowed`, not beside a run whose name differs only by case or a
    /// small edit, since a typo would otherwise start a run over from step 0.
    ///
    /// - throws: `LedgerError` `.runNotFound` or `.similarRunExists`, naming the runs.
    func checkCreation(_ tx: any LedgerTransaction, _ request: AttachRequest) throws {
        switch request.creation {
        case .required:
            return
        case .forbidden:
            throw LedgerError(
                .runNotFound,
                "no run named \(request.run) in \(location), and creating one was not asked for; check the name and the database"
            )
        case .allowed:
            let names = try tx.runNames()
            let similar = names.filter { RunNameSimilarity.areSimilar($0, request.run) }
            guard similar.isEmpty else {
                let listed = similar.prefix(3).joined(separator: ", ")
                throw LedgerError(
                    .similarRunExists,
                    "no run named \(request.run) in \(location), but \(similar.count == 1 ? "run" : "runs") \(listed) \(similar.count == 1 ? "exists" : "exist") with a name that differs only by case or a small edit; resume it by its exact name, or ask explicitly for a new run"
                )
            }
        }
    }
}
