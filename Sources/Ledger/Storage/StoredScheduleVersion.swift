/// A schedule version as a store holds it: the config text and the SHA-256 recorded
/// with it (either may have been edited outside lrledger; the rules check).
struct StoredScheduleVersion {
    var id: Int64
    var fromStep: Int64
    var config: String
    var dtype: String?
    var sha256: String?
    var createdAt: String
}
