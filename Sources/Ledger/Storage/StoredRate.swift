/// One logged rate waiting in a writer's buffer, as `insertRates` stores it.
struct LoggedRate {
    var step: Int64
    var rate: Double
    var loss: Double
    var hasLoss: Bool
}

/// One canonical row as a store reads it back. A plain value (no reference), so
/// batches of millions of rows cost no reference counting.
struct StoredRate {
    /// How a value is stored: a real number, or what an edit outside lrledger left.
    enum Storage: String {
        case real = "REAL"
        case integer = "INTEGER"
        case text = "TEXT"
        case blob = "BLOB"
        case null = "NULL"
    }

    var step: Int64
    var rate: Double
    var loss: Double
    var hasLoss: Bool
    /// `.real` unless the rate was edited into another storage class.
    var rateStorage: Storage
}

/// One row of the audit trail: a rate moved out of the canonical history.
struct SupersededRate {
    var step: Int64
    var rate: Double?
    var loss: Double?
    var segmentID: Int64?
    var supersededBy: Int64
}
