import Foundation
import SwiftProtobuf

/// Reads a scalar series (a learning rate) from TensorBoard event files.
///
/// `path` is one event file (`events.out.tfevents.*`) or a log folder, whose event files
/// are read in name order (TensorFlow names them by creation time, so a run restarted with
/// a new writer continues in the next file). Each record's framing and both CRC-32C
/// checksums are checked (`TFRecordReader`), and each record is decoded as TensorFlow's
/// `Event` protocol buffer (the subset in `Protos/`).
///
/// Scalars come in two forms, both read: TensorFlow 1's `simple_value` (a float32) and
/// TensorFlow 2's rank-0 `tensor` (`tf.summary.scalar`, float32 or float64, in
/// `float_val`/`double_val` or little-endian `tensor_content`).
///
/// ```swift
/// let source = try EventFileSource(path: "logs/train")  // the tag with learning_rate or lr
/// try source.read { print($0.step, $0.value) }
/// ```
public struct EventFileSource: RateSource {
    /// The file or folder given.
    public let path: String
    /// The event files read, in order.
    public let files: [String]
    /// The tag read.
    public let tag: String

    public var series: String { tag }
    public var description: String { "tag \(tag) of \(path)" }

    /// Finds the event files and chooses the tag.
    ///
    /// - parameter path: an event file or a folder of them.
    /// - parameter tag: the scalar tag to read; nil to take the one tag whose name holds
    ///   `learning_rate` or the word `lr` (which takes one pass over the files).
    /// - throws: `ImportError` naming the file: `.unreadable`, `.seriesNotFound` (listing
    ///   the scalar tags there are), or any error reading the records.
    public init(path: String, tag: String? = nil) throws {
        self.path = path
        files = try Self.eventFiles(path)
        if let tag {
            self.tag = tag
            return
        }
        var tags: [String] = []
        var seen = Set<String>()
        try Self.scan(files) { _, value in
            if seen.insert(value.tag).inserted { tags.append(value.tag) }
        }
        let candidates = tags.filter(Self.looksLikeRate)
        guard candidates.count == 1 else {
            let listed = tags.isEmpty ? "none" : tags.prefix(20).joined(separator: ", ")
            let problem =
                candidates.isEmpty
                ? "no tag named like a learning rate (learning_rate, lr)"
                : "more than one tag named like a learning rate (\(candidates.joined(separator: ", ")))"
            throw ImportError(
                .seriesNotFound, "\(path) has \(problem); its tags are: \(listed); choose one", setting: .tag)
        }
        self.tag = candidates[0]
    }

    public func read(_ body: (SourceRecord) throws -> Void) throws {
        var found = false
        var tags = Set<String>()
        try Self.scan(files) { event, value in
            guard value.tag == tag else {
                if tags.count < 20 { tags.insert(value.tag) }
                return
            }
            found = true
            guard event.step >= 0 else {
                throw ImportError(.badValue, "\(path): tag \(tag) is logged at step \(event.step), a negative step")
            }
            let (number, precision) = try Self.scalar(value, path: path)
            guard number.isFinite else {
                throw ImportError(
                    .badValue, "\(path): tag \(tag) at step \(event.step) holds \(number), not a finite rate")
            }
            try body(SourceRecord(step: event.step, value: number, precision: precision, wallTime: event.wallTime))
        }
        if !found {
            let listed = tags.isEmpty ? "none" : tags.sorted().joined(separator: ", ")
            throw ImportError(.seriesNotFound, "\(path) has no scalar tagged \(tag); its tags are: \(listed)")
        }
    }

    // MARK: - Helpers

    /// True for a tag that names a learning rate: it holds `learning_rate`, or `lr` as a word.
    static func looksLikeRate(_ tag: String) -> Bool {
        let lower = tag.lowercased()
        if lower.contains("learning_rate") || lower.contains("learning-rate") { return true }
        return lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains("lr")
    }

    private static func eventFiles(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(.unreadable, "cannot read \(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let events = names.filter { $0.contains("tfevents") }.sorted()
        guard !events.isEmpty else {
            throw ImportError(.unreadable, "\(path) is a folder with no TensorBoard event file (events.out.tfevents.*)")
        }
        return events.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Calls `body` for each summary value of each event, in file order.
    private static func scan(_ files: [String], _ body: (Tensorflow_Event, Tensorflow_Summary.Value) throws -> Void)
        throws
    {
        for file in files {
            var reader = try TFRecordReader(path: file)
            defer { reader.close() }
            while let record = try reader.next() {
                let event: Tensorflow_Event
                do {
                    event = try Tensorflow_Event(serializedBytes: record)
                } catch {
                    throw ImportError(
                        .badEvent, "\(file): record \(reader.recordNumber) is not a TensorFlow Event (\(error))")
                }
                guard case .summary(let summary) = event.what else { continue }
                for value in summary.value { try body(event, value) }
            }
        }
    }

    /// A scalar value and the precision it was kept at.
    static func scalar(_ value: Tensorflow_Summary.Value, path: String) throws -> (Double, SourcePrecision) {
        switch value.value {
        case .simpleValue(let number):
            return (Double(number), .float32)
        case .tensor(let tensor):
            let isScalar = tensor.tensorShape.dim.allSatisfy { $0.size == 1 }
            let content = [UInt8](tensor.tensorContent)
            switch tensor.dtype {
            case .dtFloat:
                if let number = tensor.floatVal.first, isScalar { return (Double(number), .float32) }
                if content.count == 4, isScalar { return (Double(Float(bitPattern: littleEndian(content))), .float32) }
            case .dtDouble:
                if let number = tensor.doubleVal.first, isScalar { return (number, .float64) }
                if content.count == 8, isScalar { return (Double(bitPattern: littleEndian(content)), .float64) }
            default:
                throw ImportError(
                    .badValue,
                    "\(path): tag \(value.tag) holds a tensor of type \(tensor.dtype), not float32 or float64")
            }
            throw ImportError(.badValue, "\(path): tag \(value.tag) holds a tensor that is not one scalar")
        case nil:
            throw ImportError(.badValue, "\(path): tag \(value.tag) holds no scalar (an image, histogram or audio?)")
        }
    }

    private static func littleEndian<Integer: FixedWidthInteger>(_ bytes: [UInt8]) -> Integer {
        bytes.reversed().reduce(Integer(0)) { $0 << 8 | Integer($1) }
    }
}
