import Foundation
import SwiftProtobuf

@testable import Import

/// The fixtures made by scripts/make-import-fixtures, and helpers that write hostile files.
enum ImportFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The Keras schedule the fixtures' runs followed.
    static var scheduleJSON: String {
        (try? String(contentsOfFile: path("schedule.json"), encoding: .utf8)) ?? ""
    }

    /// The MLflow run id in mlflow.db.
    static var mlflowRunID: String {
        ((try? String(contentsOfFile: path("mlflow-run-id.txt"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every record a source yields.
    static func records(_ source: any RateSource) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        try source.read { out.append($0) }
        return out
    }

    /// One TFRecord: length, masked CRC of the length, data, masked CRC of the data.
    static func tfRecord(_ data: [UInt8]) -> [UInt8] {
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        func crc(_ bytes: [UInt8]) -> [UInt8] {
            var value = CRC32C.masked(CRC32C.checksum(bytes)).littleEndian
            return withUnsafeBytes(of: &value) { Array($0) }
        }
        return lengthBytes + crc(lengthBytes) + data + crc(data)
    }

    /// An event file's bytes holding one scalar per (step, value), as `simple_value` or as a
    /// float64 tensor.
    static func eventFile(tag: String, _ values: [(Int64, Double)], float64Tensor: Bool = false) throws -> [UInt8] {
        var version = Tensorflow_Event()
        version.wallTime = 1_700_000_000
        version.fileVersion = "brain.Event:2"
        var bytes = tfRecord(try version.serializedBytes())
        for (step, value) in values {
            var summaryValue = Tensorflow_Summary.Value()
            summaryValue.tag = tag
            if float64Tensor {
                var tensor = Tensorflow_TensorProto()
                tensor.dtype = .dtDouble
                tensor.doubleVal = [value]
                summaryValue.tensor = tensor
            } else {
                summaryValue.simpleValue = Float(value)
            }
            var event = Tensorflow_Event()
            event.wallTime = 1_700_000_000 + Double(step)
            event.step = step
            event.summary.value = [summaryValue]
            bytes += tfRecord(try event.serializedBytes())
        }
        return bytes
    }
}
