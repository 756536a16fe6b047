/// Reads the fields `CheckpointWriter` wrote, in order, refusing to read past the end.
struct CheckpointReader {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    /// Whether every byte was consumed.
    var isAtEnd: Bool { offset == bytes.endIndex }

    mutating func readUInt8() throws -> UInt8 {
        let chunk = try take(1)
        return chunk[chunk.startIndex]
    }

    mutating func readUInt16() throws -> UInt16 {
        UInt16(try readLittleEndian(2))
    }

    mutating func readUInt32() throws -> UInt32 {
        UInt32(try readLittleEndian(4))
    }

    mutating func readUInt64() throws -> UInt64 {
        try readLittleEndian(8)
    }

    mutating func readDouble() throws -> Double {
        Double(bitPattern: try readUInt64())
    }

    mutating func readDoubles(count: Int) throws -> [Double] {
        guard count >= 0, count <= (bytes.endIndex - offset) / 8 else {
            throw Self.shortPayload
        }
        var values = [Double]()
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try readDouble())
        }
        return values
    }

    mutating func readGenerator() throws -> Xoshiro256StarStar {
        let state = (try readUInt64(), try readUInt64(), try readUInt64(), try readUInt64())
        return try Xoshiro256StarStar(state: state)
    }

    mutating func readBytes(count: Int) throws -> [UInt8] {
        Array(try take(count))
    }

    private mutating func readLittleEndian(_ width: Int) throws -> UInt64 {
        let chunk = try take(width)
        var value: UInt64 = 0
        for (shift, byte) in chunk.enumerated() {
            value |= UInt64(byte) << (8 * UInt64(shift))
        }
        return value
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.endIndex - offset >= count else {
            throw Self.shortPayload
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// The payload length is covered by the checksum, so running out of payload means
    /// the writer and this build disagree about the layout, not that bytes were lost.
    private static let shortPayload = CheckpointError(
        .corrupt, "the checkpoint's payload is shorter than its header's dimensions require")
}
