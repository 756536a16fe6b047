/// Which workload a run trains: the value of `lrledger train --model`.
public enum ModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Multinomial logistic regression trained by mini-batch SGD (`SoftmaxRegression`).
    case softmax
    /// No model: the run only tracks the schedule (`NullWorkload`). Spelled `none` on the
    /// command line and in JSON; named `noModel` in Swift so it never reads as `Optional.none`.
    case noModel = "none"

    /// The byte identifying the kind in a checkpoint header. Never renumber.
    var checkpointCode: UInt8 {
        switch self {
        case .noModel: 0
        case .softmax: 1
        }
    }

    init?(checkpointCode: UInt8) {
        switch checkpointCode {
        case 0: self = .noModel
        case 1: self = .softmax
        default: return nil
        }
    }
}
