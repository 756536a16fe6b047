/// One logged rate waiting in a writer's buffer, as `insertRates` stores it.
struct LoggedRate {
    var step: Int64
    var rate: Double
    var loss: Double
    var hasLoss: Bool
}

/// One canonical row as a store reads it back.
struct StoredRate {
    var step: Int64
    var rate: Double
    var loss: Double?
    /// Nil when the rate is stored as a real number; else the storage class found
    /// (`TEXT`, `NULL`, ...), which only an edit outside lrledger makes.
    var rateStorage: String?
}

/// One row of the audit trail: a rate moved out of the canonical history.
struct SupersededRate {
    var step: Int64
    var rate: Double?
    var loss: Double?
    var segmentID: Int64?
    var supersededBy: Int64
}
