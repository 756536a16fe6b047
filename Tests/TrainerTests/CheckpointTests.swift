import Testing

@testable import Trainer

struct CheckpointTests {
    private func sample() throws -> (workload: SoftmaxRegression, bytes: [UInt8]) {
        var workload = try SoftmaxRegression(settings: softmaxSettings(momentum: 0.9), dataset: .synthetic(seed: 7))
        try train(&workload, from: 0, count: 5)
        return (workload, workload.encodeState())
    }

    private func restoreError(_ bytes: [UInt8]) throws -> CheckpointError {
        var fresh = try SoftmaxRegression(settings: softmaxSettings(momentum: 0.9), dataset: .synthetic(seed: 7))
        let before = fresh.encodeState()
        let error = try #require(throws: CheckpointError.self) { try fresh.restore(from: bytes) }
        #expect(fresh.encodeState() == before, "a refused restore must leave the state unchanged")
        return error
    }

    @Test("the encoding starts with the magic and version and ends with the SHA-256 of the rest")
    func layout() throws {
        let (workload, bytes) = try sample()
        #expect(Array(bytes.prefix(8)) == Array("LRLSTATE".utf8))
        #expect(bytes[8] == 1 && bytes[9] == 0)
        #expect(bytes[10] == 1)
        let parameters = 3 * 8 + 3
        #expect(bytes.count == 20 + (8 * 3 + 32 + 16 + 8 * 3 + 32 + 16 * parameters) + 32)
        let body = Array(bytes.dropLast(32))
        #expect(CheckpointFormat.hex(Array(bytes.suffix(32))) == CheckpointFormat.sha256Hex(of: body))
        #expect(workload.encodeState() == bytes)
    }

    @Test("a flipped byte is refused as a checksum mismatch")
    func flippedByte() throws {
        var bytes = try sample().bytes
        bytes[200] ^= 0x01
        let error = try restoreError(bytes)
        #expect(error.code == .checksumMismatch)
        #expect(error.message.contains("checksum"))
    }

    @Test("a truncated blob is refused as truncated, however short")
    func truncated() throws {
        let bytes = try sample().bytes
        for length in [bytes.count - 1, bytes.count - 40, 25, 19, 12, 3, 0] {
            let error = try restoreError(Array(bytes.prefix(length)))
            #expect(error.code == .truncated, "length \(length)")
            #expect(error.message.contains("truncated"))
        }
    }

    @Test("bytes after the checksum are refused")
    func trailingBytes() throws {
        let error = try restoreError(try sample().bytes + [0])
        #expect(error.code == .trailingBytes)
    }

    @Test("a wrong magic is refused as not a checkpoint")
    func wrongMagic() throws {
        var bytes = try sample().bytes
        bytes[0] = UInt8(ascii: "X")
        let error = try restoreError(bytes)
        #expect(error.code == .badMagic)
        #expect(error.message.contains("not an lrledger checkpoint"))
        #expect(try restoreError(Array("{\"json\": true}".utf8)).code == .badMagic)
    }

    @Test("an unknown format version is refused, naming the version")
    func unknownVersion() throws {
        var bytes = try sample().bytes
        bytes[8] = 2
        let error = try restoreError(bytes)
        #expect(error.code == .unsupportedVersion)
        #expect(error.message.contains("version 2"))
    }

    @Test("an unknown workload kind with a valid checksum is refused")
    func unknownKind() throws {
        var body = Array(try sample().bytes.dropLast(32))
        body[10] = 9
        let resealed = body + Array(hexBytes(CheckpointFormat.sha256Hex(of: body)))
        #expect(try restoreError(resealed).code == .unknownKind)
    }

    @Test("a valid checkpoint of another run is refused with what differs")
    func otherRun() throws {
        var other = try SoftmaxRegression(
            settings: softmaxSettings(seed: 8, momentum: 0.9), dataset: .synthetic(seed: 7))
        try train(&other, from: 0, count: 2)
        let error = try restoreError(other.encodeState())
        #expect(error.code == .mismatch)
        #expect(error.message.contains("seed 8"))

        let smaller = try Dataset(features: [1, 2, 3, 4], labels: [0, 1], classCount: 2, featureCount: 2)
        let mismatched = try SoftmaxRegression(settings: softmaxSettings(momentum: 0.9), dataset: smaller)
        #expect(try restoreError(mismatched.encodeState()).code == .mismatch)

        let none = try NullWorkload(settings: WorkloadSettings(model: .noModel, seed: 7))
        #expect(try restoreError(none.encodeState()).code == .mismatch)
        var asNone = none
        let error2 = try #require(throws: CheckpointError.self) { try asNone.restore(from: try sample().bytes) }
        #expect(error2.code == .mismatch)
    }

    private func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }
}
