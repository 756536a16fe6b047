import Foundation
import HTTPTypes
import Hummingbird

/// Encodes API payloads: snake_case keys (as the ledger's SQL views and the CLI's JSON
/// listings), sorted for stable output, infinities as strings.
enum JSONBody {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A 200 response holding `value` as JSON.
    static func response(_ value: some Encodable) -> Response {
        let data: Data
        do {
            data = try encoder().encode(value)
        } catch {
            data = Data(#"{"error":"the response could not be encoded as JSON"}"#.utf8)
            return Response(
                status: .internalServerError, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
