import Foundation
import Testing

@testable import Trainer

struct SoftmaxRegressionTests {
    @Test("the analytic gradient matches a central finite difference of the loss")
    func gradientMatchesFiniteDifferences() throws {
        let dataset = Dataset.synthetic(seed: 3)
        var generator = Xoshiro256StarStar(seed: 99)
        let classes = dataset.classCount
        let parameterCount = classes * dataset.featureCount
        // Weights large enough that the softmax is far from uniform.
        let weights = (0..<parameterCount).map { _ in generator.nextGaussian() * 0.5 }
        let bias = (0..<classes).map { _ in generator.nextGaussian() * 0.5 }
        let indices = (0..<16).map { _ in Int(generator.nextInt(below: UInt64(dataset.sampleCount))) }

        var weightGradient = [Double](repeating: 0, count: parameterCount)
        var biasGradient = [Double](repeating: 0, count: classes)
        var scratch = [Double](repeating: 0, count: classes)
        func loss(_ w: [Double], _ b: [Double]) -> Double {
            var gw = weightGradient
            var gb = biasGradient
            return SoftmaxRegression.lossAndGradient(
                weights: w, bias: b, dataset: dataset, indices: indices, weightGradient: &gw, biasGradient: &gb,
                scratch: &scratch)
        }
        _ = SoftmaxRegression.lossAndGradient(
            weights: weights, bias: bias, dataset: dataset, indices: indices, weightGradient: &weightGradient,
            biasGradient: &biasGradient, scratch: &scratch)

        let h = 1e-6
        for j in 0..<parameterCount {
            var plus = weights
            var minus = weights
            plus[j] += h
            minus[j] -= h
            let numeric = (loss(plus, bias) - loss(minus, bias)) / (2 * h)
            #expect(abs(numeric - weightGradient[j]) < 1e-7, "weight \(j)")
        }
        for k in 0..<classes {
            var plus = bias
            var minus = bias
            plus[k] += h
            minus[k] -= h
            let numeric = (loss(weights, plus) - loss(weights, minus)) / (2 * h)
            #expect(abs(numeric - biasGradient[k]) < 1e-7, "bias \(k)")
        }
    }

    @Test("the loss is ln(classes) at zero weights and stays finite for huge logits")
    func lossIsStable() throws {
        let dataset = try Dataset(features: [1000, -1000], labels: [1], classCount: 3, featureCount: 2)
        var gw = [Double](repeating: 0, count: 6)
        var gb = [Double](repeating: 0, count: 3)
        var scratch = [Double](repeating: 0, count: 3)
        let uniform = SoftmaxRegression.lossAndGradient(
            weights: [Double](repeating: 0, count: 6), bias: [0, 0, 0], dataset: dataset, indices: [0],
            weightGradient: &gw, biasGradient: &gb, scratch: &scratch)
        #expect(abs(uniform - log(3.0)) < 1e-15)
        // Logits (1000, 0, −1000) for class 1: a naive softmax overflows exp(1000); the
        // stable one gives log(e^1000 + 1 + e^−1000) − 0 = 1000 (to double precision).
        let extreme = SoftmaxRegression.lossAndGradient(
            weights: [1, 0, 0, 0, -1, 0], bias: [0, 0, 0], dataset: dataset, indices: [0],
            weightGradient: &gw, biasGradient: &gb, scratch: &scratch)
        #expect(extreme == 1000)
    }

    @Test("the loss falls substantially on the synthetic data after a few hundred steps at rate 0.1")
    func lossDecreases() throws {
        var model = try SoftmaxRegression(settings: softmaxSettings(seed: 1), dataset: .synthetic(seed: 1))
        var losses: [Double] = []
        for _ in 0..<400 {
            losses.append(try #require(try model.step(rate: 0.1)))
        }
        let first = losses[0]
        let last = losses.suffix(50).reduce(0, +) / 50
        #expect(abs(first - log(3.0)) < 0.05)
        #expect(last < 0.5 * first, "mean loss went from \(first) to \(last)")
        #expect(model.updateCount == 400)
    }

    // Hand computation: one sample x = (1, 2) of class 0, two classes, zero weights.
    // Step 1: logits (0, 0), p = (½, ½), loss ln 2, ∂z = (−½, ½), so
    //   ∂W = (−½, −1 | ½, 1), ∂b = (−½, ½); v = −0.1·g → W = (0.05, 0.1 | −0.05, −0.1), b = (0.05, −0.05).
    // Step 2: z0 = 0.05 + 0.2 + 0.05 = 0.3, z1 = −0.3, p0 = σ(0.6) = 0.6456563062257954,
    //   loss = ln(1 + e^−0.6) = 0.4374879504858857, d = p0 − 1 = −0.3543436937742046;
    //   v = 0.9·v − 0.1·g: v00 = 0.045 + 0.03543436937742046 = 0.08043436937742046,
    //   W00 = 0.05 + v00 = 0.13043436937742048; v01 = 0.09 + 0.07086873875484092,
    //   W01 = 0.26086873875484096; b0 = W00; class 1 mirrors class 0.
    @Test("momentum SGD matches a hand-computed two-step example")
    func momentumMatchesHandComputation() throws {
        let dataset = try Dataset(features: [1, 2], labels: [0], classCount: 2, featureCount: 2)
        var model = try SoftmaxRegression(
            settings: softmaxSettings(batchSize: 1, momentum: 0.9), dataset: dataset, weights: [0, 0, 0, 0],
            bias: [0, 0])
        let loss1 = try #require(try model.step(rate: 0.1))
        let loss2 = try #require(try model.step(rate: 0.1))
        #expect(abs(loss1 - 0.6931471805599453) < 1e-15)
        #expect(abs(loss2 - 0.4374879504858857) < 1e-15)
        let w00 = 0.13043436937742048
        let w01 = 0.26086873875484096
        for (actual, expected) in zip(model.weights, [w00, w01, -w00, -w01]) {
            #expect(abs(actual - expected) < 1e-15)
        }
        for (actual, expected) in zip(model.bias, [w00, -w00]) {
            #expect(abs(actual - expected) < 1e-15)
        }
        #expect(abs(model.biasVelocity[0] - 0.08043436937742046) < 1e-15)
    }

    @Test("plain SGD (momentum 0) applies w − lr·g and keeps no velocity")
    func plainSGDMatchesHandComputation() throws {
        let dataset = try Dataset(features: [1, 2], labels: [0], classCount: 2, featureCount: 2)
        var model = try SoftmaxRegression(
            settings: softmaxSettings(batchSize: 1), dataset: dataset, weights: [0, 0, 0, 0], bias: [0, 0])
        _ = try model.step(rate: 0.1)
        _ = try model.step(rate: 0.1)
        // Step 2 sees the same logits as above; W00 = 0.05 − 0.1·(−0.3543436937742046).
        #expect(abs(model.weights[0] - 0.08543436937742046) < 1e-15)
        #expect(abs(model.weights[1] - 0.1708687387548409) < 1e-15)
        #expect(model.weightVelocity == [0, 0, 0, 0])
    }

    @Test("initial weights are small, seeded and the bias starts at zero")
    func initialWeights() throws {
        let a = try SoftmaxRegression(settings: softmaxSettings(seed: 1), dataset: .synthetic(seed: 1))
        let b = try SoftmaxRegression(settings: softmaxSettings(seed: 1), dataset: .synthetic(seed: 1))
        let c = try SoftmaxRegression(settings: softmaxSettings(seed: 2), dataset: .synthetic(seed: 1))
        #expect(a.weights.allSatisfy { abs($0) <= 0.01 })
        #expect(Set(a.weights).count == a.weights.count)
        #expect(a.weights == b.weights)
        #expect(a.weights != c.weights)
        #expect(a.bias == [0, 0, 0])
    }

    @Test("a non-finite rate is refused and a diverging step leaves the state unchanged")
    func refusesNonFiniteRateAndDivergence() throws {
        // Features of 1e300 with rate 1e10 push the weights to infinity in one update.
        let huge = try Dataset(
            features: [1e300, 1e300, -1e300, 1e300], labels: [0, 1], classCount: 2, featureCount: 2)
        var model = try SoftmaxRegression(settings: softmaxSettings(batchSize: 2), dataset: huge)
        let error = try #require(throws: WorkloadError.self) { try model.step(rate: .nan) }
        #expect(error.code == .invalidRate)
        var diverged: WorkloadError?
        for _ in 0..<10 where diverged == nil {
            let before = model.encodeState()
            do {
                _ = try model.step(rate: 1e10)
            } catch let error as WorkloadError {
                diverged = error
                #expect(model.encodeState() == before)
            }
        }
        #expect(diverged?.code == .diverged)
        #expect(model.updateCount >= 1)
        #expect(diverged?.message.contains("lower learning rate") == true)
    }

    @Test("the synthetic data set has 3 classes, 8 features, 1024 samples and depends on the seed")
    func syntheticData() {
        let a = Dataset.synthetic(seed: 1)
        #expect(a.classCount == 3 && a.featureCount == 8 && a.sampleCount == 1024)
        #expect(a.features.count == 8 * 1024)
        #expect(a == Dataset.synthetic(seed: 1))
        #expect(a.fingerprint != Dataset.synthetic(seed: 2).fingerprint)
    }
}
