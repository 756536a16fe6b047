import PostgresNIO

/// A one-dimensional array of bigints, doubles or booleans in PostgreSQL's binary array
/// format, encoded in one pass over the values into one buffer.
///
/// PostgresNIO encodes a Swift array element by element through its generic encoders;
/// for the thousand rows of a commit that was most of the client's time. The format:
/// the number of dimensions, a has-nulls flag, the element type's oid, then per
/// dimension its length and lower bound (1), then each element as its byte count and
/// its big-endian bytes.
struct PostgresBinaryArray: PostgresDynamicTypeEncodable {
    let psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .binary }
    /// The encoded value, without the length PostgresNIO writes before it.
    private let encoded: ByteBuffer

    private init(
        arrayType: PostgresDataType, elementType: PostgresDataType, count: Int, width: Int,
        write: (UnsafeMutableRawBufferPointer, Int) -> Void
    ) {
        let elementBytes = 4 + width
        var buffer = ByteBufferAllocator().buffer(capacity: 20 + count * elementBytes)
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(elementType.rawValue, as: UInt32.self)
        if count > 0 {
            buffer.writeInteger(Int32(count), as: Int32.self)
            buffer.writeInteger(1, as: Int32.self)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count * elementBytes) { raw in
                for index in 0..<count {
                    let offset = index * elementBytes
                    raw.storeBytes(of: UInt32(width).bigEndian, toByteOffset: offset, as: UInt32.self)
                    write(UnsafeMutableRawBufferPointer(rebasing: raw[(offset + 4)...]), index)
                }
                return count * elementBytes
            }
        }
        self.psqlType = arrayType
        self.encoded = buffer
    }

    /// A `bigint[]` of `count` values, `value(i)` the i-th.
    static func bigints(count: Int, _ value: (Int) -> Int64) -> PostgresBinaryArray {
        PostgresBinaryArray(arrayType: .int8Array, elementType: .int8, count: count, width: 8) { raw, index in
            raw.storeBytes(of: UInt64(bitPattern: value(index)).bigEndian, as: UInt64.self)
        }
    }

    /// A `double precision[]` of `count` values, `value(i)` the i-th.
    static func doubles(count: Int, _ value: (Int) -> Double) -> PostgresBinaryArray {
        PostgresBinaryArray(arrayType: .float8Array, elementType: .float8, count: count, width: 8) { raw, index in
            raw.storeBytes(of: value(index).bitPattern.bigEndian, as: UInt64.self)
        }
    }

    /// A `boolean[]` of `count` values, `value(i)` the i-th.
    static func booleans(count: Int, _ value: (Int) -> Bool) -> PostgresBinaryArray {
        PostgresBinaryArray(arrayType: .boolArray, elementType: .bool, count: count, width: 1) { raw, index in
            raw.storeBytes(of: value(index) ? 1 : 0, as: UInt8.self)
        }
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        var encoded = encoded
        byteBuffer.writeBuffer(&encoded)
    }
}
