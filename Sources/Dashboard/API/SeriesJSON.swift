import Ledger

/// `GET /api/runs/{name}/series`: the range asked for, the bucket layout used (origin
/// and width, `SeriesBucket.origin(from:to:buckets:)` and `width(from:to:buckets:)`), and the
/// buckets (each its first and last step, and min and max of rate and loss).
struct SeriesJSON: Encodable, Sendable {
    struct Bucket: Encodable, Sendable {
        let firstStep: Int64
        let lastStep: Int64
        let count: Int64
        let minRate: Double
        let maxRate: Double
        let minLoss: Double?
        let maxLoss: Double?
    }

    let run: String
    let from: Int64
    let to: Int64
    let origin: Int64
    let width: Int64
    let buckets: [Bucket]

    init(run: String, from: Int64, to: Int64, origin: Int64, width: Int64, buckets: [SeriesBucket]) {
        self.run = run
        self.from = from
        self.to = to
        self.origin = origin
        self.width = width
        self.buckets = buckets.map {
            Bucket(
                firstStep: $0.firstStep, lastStep: $0.lastStep, count: $0.count, minRate: $0.minRate,
                maxRate: $0.maxRate, minLoss: $0.minLoss, maxLoss: $0.maxLoss)
        }
    }
}
