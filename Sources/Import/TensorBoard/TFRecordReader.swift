import Foundation

/// Reads the records of a TFRecord file (a TensorBoard event file) one at a time, checking
/// both checksums of each.
///
/// Each record is framed as: the data's length (uint64, little-endian), the masked CRC-32C
/// of those 8 bytes, the data, the masked CRC-32C of the data. Only one record is held in
/// memory at a time, through a fixed-size read buffer.
struct TFRecordReader {
    /// The largest record accepted: a scalar event is about a hundred bytes, so a larger
    /// length means a damaged or foreign file, not something to allocate.
    static let maximumRecordSize: UInt64 = 64 << 20

    private let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// The offset in the file of `buffer[0]`.
    private var bufferOffset: UInt64 = 0
    private var atEnd = false

    /// The number of the record read last (1-based), for messages.
    private(set) var recordNumber = 0

    /// Opens the file.
    ///
    /// - throws: `ImportError` `.unreadable` naming the file.
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(.unreadable, "cannot read \(path): no such file, or it is unreadable")
        }
        self.path = path
        self.handle = handle
    }

    /// The next record's data, or nil at the end of the file.
    ///
    /// - throws: `ImportError` `.truncated` when the file ends inside a record,
    ///   `.badChecksum` when a checksum does not match, both naming the file, the record and
    ///   its byte offset.
    mutating func next() throws -> [UInt8]? {
        let offset = bufferOffset + UInt64(position)
        guard let header = try take(12, allowEmpty: true) else { return nil }
        recordNumber += 1
        guard header.count == 12 else { throw truncated(offset, "its length") }
        let lengthBytes = header[0..<8]
        let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let lengthCRC = Self.uint32(header[8..<12])
        guard CRC32C.masked(CRC32C.checksum(lengthBytes)) == lengthCRC else {
            throw ImportError(
                .badChecksum,
                "\(path) is damaged: record \(recordNumber) at byte \(offset) fails its length checksum (CRC32C)")
        }
        guard length <= Self.maximumRecordSize else {
            throw ImportError(
                .badEvent,
                "\(path): record \(recordNumber) at byte \(offset) claims \(length) bytes, more than an event file's record holds"
            )
        }
        guard let data = try take(Int(length) + 4, allowEmpty: false), data.count == Int(length) + 4 else {
            throw truncated(offset, "its data")
        }
        let body = Array(data[0..<Int(length)])
        guard CRC32C.masked(CRC32C.checksum(body)) == Self.uint32(data[Int(length)...]) else {
            throw ImportError(
                .badChecksum,
                "\(path) is damaged: record \(recordNumber) at byte \(offset) fails its data checksum (CRC32C)")
        }
        return body
    }

    func close() { try? handle.close() }

    // MARK: - Reading

    private func truncated(_ offset: UInt64, _ part: String) -> ImportError {
        ImportError(
            .truncated,
            "\(path) is truncated: the file ends inside record \(recordNumber) (at byte \(offset)), in \(part)")
    }

    private static func uint32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Up to `count` bytes; nil when the file is at its end and `allowEmpty`.
    private mutating func take(_ count: Int, allowEmpty: Bool) throws -> ArraySlice<UInt8>? {
        var out: [UInt8] = []
        while out.count < count {
            if position == buffer.count {
                if atEnd { break }
                try refill()
                if position == buffer.count { break }
            }
            let available = min(count - out.count, buffer.count - position)
            out.append(contentsOf: buffer[position..<(position + available)])
            position += available
        }
        if out.isEmpty, allowEmpty { return nil }
        return out[...]
    }

    private mutating func refill() throws {
        bufferOffset += UInt64(buffer.count)
        position = 0
        do {
            let data = try handle.read(upToCount: 1 << 16) ?? Data()
            buffer = [UInt8](data)
            if data.isEmpty { atEnd = true }
        } catch {
            throw ImportError(.unreadable, "cannot read \(path): \(error.localizedDescription)")
        }
    }
}
