import Foundation

extension SoftmaxRegression {
    /// Mean cross-entropy of a batch and its gradient with respect to weights and bias.
    ///
    /// For each sample, in batch order: logits `z_k = (Σ_f w[k,f]·x_f) + b_k` (sum over
    /// features in index order, bias added last, as a Dense layer's matmul then bias add);
    /// a numerically stable softmax `p_k = exp(z_k − m) / Σ_j exp(z_j − m)` with
    /// `m = max_k z_k`; loss `log Σ_j exp(z_j − m) − (z_y − m)`; and gradient
    /// contributions `(p_k − [k = y])·x_f` and `(p_k − [k = y])`. Sums run in that fixed
    /// order on one thread, then each is divided by the batch size, so the result is
    /// reproducible bit for bit.
    ///
    /// - parameter weights: `classCount × featureCount`, row-major by class.
    /// - parameter bias: `classCount` values.
    /// - parameter dataset: Supplies features and labels.
    /// - parameter indices: The batch's sample indices, at least one.
    /// - parameter weightGradient: Overwritten with `∂loss/∂weights`; `classCount × featureCount`.
    /// - parameter biasGradient: Overwritten with `∂loss/∂bias`; `classCount`.
    /// - parameter scratch: Working space of `classCount` values (kept to avoid allocating).
    /// - returns: The batch's mean loss; not finite if the weights or features overflow.
    static func lossAndGradient(
        weights: [Double], bias: [Double], dataset: Dataset, indices: [Int],
        weightGradient: inout [Double], biasGradient: inout [Double], scratch: inout [Double]
    ) -> Double {
        let classCount = dataset.classCount
        let featureCount = dataset.featureCount
        var lossSum = 0.0
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                dataset.features.withUnsafeBufferPointer { x in
                    dataset.labels.withUnsafeBufferPointer { y in
                        indices.withUnsafeBufferPointer { batch in
                            weightGradient.withUnsafeMutableBufferPointer { gw in
                                biasGradient.withUnsafeMutableBufferPointer { gb in
                                    scratch.withUnsafeMutableBufferPointer { z in
                                        for j in 0..<gw.count { gw[j] = 0 }
                                        for k in 0..<classCount { gb[k] = 0 }
                                        for sample in batch {
                                            let row = sample * featureCount
                                            let label = y[sample]
                                            var largest = -Double.infinity
                                            for k in 0..<classCount {
                                                var sum = 0.0
                                                let weightRow = k * featureCount
                                                for f in 0..<featureCount {
                                                    sum += w[weightRow + f] * x[row + f]
                                                }
                                                let logit = sum + b[k]
                                                z[k] = logit
                                                largest = Swift.max(largest, logit)
                                            }
                                            let labelLogit = z[label] - largest
                                            var total = 0.0
                                            for k in 0..<classCount {
                                                let e = exp(z[k] - largest)
                                                z[k] = e
                                                total += e
                                            }
                                            lossSum += log(total) - labelLogit
                                            for k in 0..<classCount {
                                                let delta = z[k] / total - (k == label ? 1.0 : 0.0)
                                                gb[k] += delta
                                                let weightRow = k * featureCount
                                                for f in 0..<featureCount {
                                                    gw[weightRow + f] += delta * x[row + f]
                                                }
                                            }
                                        }
                                        let size = Double(batch.count)
                                        for j in 0..<gw.count { gw[j] = gw[j] / size }
                                        for k in 0..<classCount { gb[k] = gb[k] / size }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return lossSum / Double(indices.count)
    }

    /// Keras's SGD update, in Keras's operation order.
    ///
    /// Momentum 0: `w = w − g·lr`. Otherwise: `v = v·momentum − g·lr; w = w + v`
    /// (`keras.optimizers.SGD.update_step`, non-Nesterov).
    static func applySGD(
        to parameters: inout [Double], velocity: inout [Double], gradient: [Double], rate: Double,
        momentum: Double
    ) {
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                if momentum == 0 {
                    for j in 0..<p.count {
                        p[j] = p[j] - g[j] * rate
                    }
                } else {
                    velocity.withUnsafeMutableBufferPointer { v in
                        for j in 0..<p.count {
                            v[j] = v[j] * momentum - g[j] * rate
                            p[j] = p[j] + v[j]
                        }
                    }
                }
            }
        }
    }
}
