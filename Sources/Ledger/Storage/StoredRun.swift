/// A run as a store holds it.
struct StoredRun {
    var id: Int64
    var name: String
    /// The stored status text (see `RunStatus`).
    var status: String
    var step: Int64
    var targetSteps: Int64
    var settings: String
    var createdAt: String
    var updatedAt: String
}

/// A run as the `runs` view lists it: with the schedule in force at its committed step.
struct StoredRunListing {
    var id: Int64
    var name: String
    var status: String
    var step: Int64
    var targetSteps: Int64
    var schedule: String?
    var dtype: String?
    var createdAt: String
    var updatedAt: String
    var settings: String
}

/// How many rows of each kind a run holds.
struct StoredRowCounts {
    var rates: Int64
    var superseded: Int64
    var segments: Int64
    var checkpoints: Int64
}

/// What the `deleted_run` record keeps of a deleted run.
struct DeletedRunRecord {
    var deleted: DeletedRun
    var targetSteps: Int64
    var schedule: String?
    var dtype: String?
    var settings: String
    var createdAt: String
    var pid: Int32
    var host: String
}
