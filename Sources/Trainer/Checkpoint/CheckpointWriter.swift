/// Appends fixed-width little-endian fields to a byte buffer.
///
/// Floating-point values are written as their IEEE 754 bit patterns, so a value reads
/// back exactly (including the sign of zero and NaN payloads) on every platform.
struct CheckpointWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func append(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Double) {
        append(value.bitPattern)
    }

    mutating func append(_ values: [Double]) {
        for value in values {
            append(value.bitPattern)
        }
    }

    mutating func append(_ generator: Xoshiro256StarStar) {
        append(generator.state.0)
        append(generator.state.1)
        append(generator.state.2)
        append(generator.state.3)
    }

    mutating func append(raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }
}
