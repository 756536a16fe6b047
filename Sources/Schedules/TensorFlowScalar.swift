#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A 0-d float tensor as TensorFlow's CPU kernels compute with it, which is how Keras
/// evaluates a schedule: the arithmetic that makes lrledger's rates equal Keras's bit for bit.
///
/// What TensorFlow does, found by reading its kernels and checked against TensorFlow 2.21
/// itself (and the reference vectors):
/// - Each op on a 0-d tensor is one IEEE operation in the dtype. Eigen evaluates a
///   one-element tensor through its scalar path, so `pow`, `cos` and `log` call the C
///   library's `powf`/`cosf`/`logf` (float32) and `pow`/`cos`/`log` (float64); Eigen's own
///   vectorized `generic_pow` and `pcos`/`plog` are used only for tensors of a packet or more.
/// - TensorFlow runs its kernels with denormals flushed to zero (MXCSR FTZ and DAZ): a
///   result that is subnormal, with tininess detected after rounding as x86 does, becomes a
///   zero of the same sign, and a subnormal operand counts as zero.
///
/// So every value here is kept normal or zero, and each operator flushes its result.
/// The transcendental functions come from the platform's C library: on Linux, glibc 2.28 or
/// later, the same routines TensorFlow's Linux builds call, so the results agree bit for bit.
/// glibc's float32 `powf`/`cosf`/`logf` give the same bits with or without FMA; its float64
/// `pow`/`cos`/`log` pick an FMA or an SSE2 build by CPU, which differ on about 0.07% of
/// inputs, so a float64 rate matches Keras run on a machine of the same kind (the reference
/// vectors came from one with FMA). Other C libraries (macOS's) can differ in the last bit.
@usableFromInline
struct TensorFlowScalar<F: KerasFloat>: Sendable {
    @usableFromInline let value: F

    /// A value as TensorFlow stores it: a subnormal reads as zero (DAZ).
    @inlinable init(_ value: F) {
        self.value = value.isSubnormal ? F(signOf: value, magnitudeOf: 0) : value
    }

    @inlinable init(flushed value: F) {
        self.value = value
    }

    @inlinable static func + (lhs: Self, rhs: Self) -> Self {
        // A subnormal sum of normal numbers is exact, so it is tiny however tininess is detected.
        Self(lhs.value + rhs.value)
    }

    @inlinable static func - (lhs: Self, rhs: Self) -> Self {
        Self(lhs.value - rhs.value)
    }

    // The operators are the hot path of every schedule: the common case (a result that
    // is zero, normal, infinite or NaN) stays inline, and the rare tiny result goes to
    // an out-of-line function, so the inliner keeps the operators small.

    @inlinable @inline(__always) static func * (lhs: Self, rhs: Self) -> Self {
        let product = lhs.value * rhs.value
        guard product.magnitude <= F.leastNormalMagnitude, product != 0 else { return Self(flushed: product) }
        return tinyProduct(lhs, rhs, product)
    }

    @usableFromInline @inline(never) static func tinyProduct(_ lhs: Self, _ rhs: Self, _ product: F) -> Self {
        Self(flushingTiny: product) {
            // The product with an unbounded exponent: scale the smaller factor up exactly.
            lhs.value.magnitude < rhs.value.magnitude
                ? (lhs.value * F.tininessScale) * rhs.value : lhs.value * (rhs.value * F.tininessScale)
        }
    }

    @inlinable @inline(__always) static func / (lhs: Self, rhs: Self) -> Self {
        let quotient = lhs.value / rhs.value
        guard quotient.magnitude <= F.leastNormalMagnitude, quotient != 0 else { return Self(flushed: quotient) }
        return tinyQuotient(lhs, rhs, quotient)
    }

    @usableFromInline @inline(never) static func tinyQuotient(_ lhs: Self, _ rhs: Self, _ quotient: F) -> Self {
        Self(flushingTiny: quotient) {
            lhs.value.magnitude <= F.greatestFiniteMagnitude / F.tininessScale
                ? (lhs.value * F.tininessScale) / rhs.value : lhs.value / (rhs.value / F.tininessScale)
        }
    }

    /// Flushes a result of magnitude at most the least normal one, as FTZ does: zero when
    /// the result rounded with an unbounded exponent (`scaled()`, the result times
    /// `tininessScale`) is below the least normal magnitude.
    @inlinable init(flushingTiny result: F, scaled: () -> F) {
        if result.isSubnormal || scaled().magnitude < F.leastNormalMagnitude * F.tininessScale {
            value = F(signOf: result, magnitudeOf: 0)
        } else {
            value = result
        }
    }

    @inlinable static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    @inlinable static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value }

    /// `tf.floor`.
    @inlinable var floor: Self { Self(flushed: value.rounded(.down)) }

    /// `tf.math.ceil`.
    @inlinable var ceil: Self { Self(flushed: value.rounded(.up)) }

    /// `tf.minimum` (both operands are numbers here).
    @inlinable static func minimum(_ lhs: Self, _ rhs: Self) -> Self { rhs.value < lhs.value ? rhs : lhs }

    /// `tf.pow`: the C library's `powf`/`pow`, result flushed.
    @inlinable static func pow(_ base: Self, _ exponent: Self) -> Self {
        let result = F.libmPow(base.value, exponent.value)
        guard result.magnitude <= F.leastNormalMagnitude, result != 0 else { return Self(flushed: result) }
        return Self(flushingTiny: result) { F.scaledPow(base.value, exponent.value) }
    }

    /// `tf.math.cos`: the C library's `cosf`/`cos` (never subnormal).
    @inlinable static func cos(_ x: Self) -> Self { Self(F.libmCos(x.value)) }

    /// `tf.math.log`: the C library's `logf`/`log` (never subnormal).
    @inlinable static func log(_ x: Self) -> Self { Self(F.libmLog(x.value)) }
}

/// The two dtypes Keras schedules compute in, with the C library routines TensorFlow calls.
@usableFromInline
protocol KerasFloat: BinaryFloatingPoint, Sendable {
    /// `2^(significandBitCount + 2)`: scales a tiny result into the normal range exactly,
    /// with room to tell a result that rounds up to the least normal number.
    static var tininessScale: Self { get }
    static func libmPow(_ x: Self, _ y: Self) -> Self
    static func libmCos(_ x: Self) -> Self
    static func libmLog(_ x: Self) -> Self
    /// `x^y` times `tininessScale`, precise enough to tell whether a result the C library
    /// rounded to the least normal number was below it before rounding.
    static func scaledPow(_ x: Self, _ y: Self) -> Self
}

extension Float: KerasFloat {
    @inlinable static var tininessScale: Float { 0x1p25 }
    @inlinable static func libmPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable static func libmCos(_ x: Float) -> Float { cosf(x) }
    @inlinable static func libmLog(_ x: Float) -> Float { logf(x) }
    @inlinable static func scaledPow(_ x: Float, _ y: Float) -> Float {
        // powf works in double and rounds once to float: do the same, scaled into the normal range.
        Float(pow(Double(x), Double(y)) * 0x1p25)
    }
}

extension Double: KerasFloat {
    @inlinable static var tininessScale: Double { 0x1p54 }
    @inlinable static func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
    @inlinable static func libmCos(_ x: Double) -> Double { cos(x) }
    @inlinable static func libmLog(_ x: Double) -> Double { log(x) }
    @inlinable static func scaledPow(_ x: Double, _ y: Double) -> Double {
        // No wider type: take the C library's rounded result (a double within half an ulp of
        // the least normal number is not a learning rate anyone uses).
        pow(x, y) * 0x1p54
    }
}

extension TensorFlowScalar {
    /// An integer step, `tf.cast` from int32 or int64: one rounding to the dtype.
    @inlinable init(step: Int64) {
        self.init(F(step))
    }

    /// A Python-float step: a float32 tensor (a subnormal reads as zero), then cast to the dtype.
    @inlinable init(fractionalStep step: Double) {
        let single = Float(step)
        self.init(F(single.isSubnormal ? Float(signOf: single, magnitudeOf: 0) : single))
    }

    /// A hyper-parameter as `keras.ops.cast(value, dtype)` makes it: a Python int converts
    /// exactly, a Python float becomes a float32 tensor first (see `KerasNumber.castValue`).
    @inlinable init(cast number: KerasNumber) {
        switch number {
        case .int(let value): self.init(F(value))
        case .float(let value):
            let single = Float(value)
            self.init(F(single.isSubnormal ? Float(signOf: single, magnitudeOf: 0) : single))
        }
    }

    /// A Python number that meets a tensor in an operator (`0.5 * x`, `x / self.decay_steps`):
    /// TensorFlow converts it straight to the tensor's dtype.
    @inlinable init(python number: KerasNumber) {
        switch number {
        case .int(let value): self.init(F(value))
        case .float(let value): self.init(F(value))
        }
    }

    /// A Python float literal in Keras's code, such as `0.5` or `1.0`.
    @inlinable init(literal value: Double) {
        self.init(F(value))
    }

    /// The result widened to a double exactly.
    @inlinable var double: Double { Double(value) }
}
