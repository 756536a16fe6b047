import Foundation
import Schedules

/// One row of the Keras reference vectors in `Fixtures/keras-reference/vectors.jsonl`,
/// produced by real Keras (see that folder's README).
struct KerasReferenceVector {
    let schedule: JSONValue
    let className: String
    let dtype: DType
    let step: ScheduleStep
    /// The exact bits Keras returned, widened to a double (float32 rows widen exactly).
    let expected: Double
    let rateBits: String
    let line: Int

    /// Every row of the fixture, in file order.
    static func all() throws -> [KerasReferenceVector] {
        try all(
            in: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/keras-reference/vectors.jsonl"))
    }

    /// Every row of a file in the same format.
    static func all(in url: URL) throws -> [KerasReferenceVector] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [KerasReferenceVector] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            rows.append(try KerasReferenceVector(line: String(line), number: index + 1))
        }
        return rows
    }

    init(line: String, number: Int) throws {
        guard case .object(let row) = try JSONValue(parsing: line),
            let schedule = row["schedule"], case .object(let scheduleObject) = schedule,
            case .string(let className) = scheduleObject["class_name"],
            case .string(let dtypeText) = row["dtype"],
            case .number(let step) = row["step"],
            case .string(let stepKind) = row["step_kind"],
            case .string(let bits) = row["rate_bits"]
        else { throw FixtureError("line \(number): unexpected shape") }
        self.schedule = schedule
        self.className = className
        self.dtype = try DType(parsing: dtypeText)
        self.rateBits = bits
        self.line = number
        if stepKind == "int" {
            guard let value = Int64(step.literal) else { throw FixtureError("line \(number): bad int step") }
            self.step = .integer(value)
        } else {
            self.step = .fractional(step.doubleValue)
        }
        switch dtype {
        case .float32:
            guard let pattern = UInt32(bits, radix: 16) else { throw FixtureError("line \(number): bad bits") }
            expected = Double(Float(bitPattern: pattern))
        case .float64:
            guard let pattern = UInt64(bits, radix: 16) else { throw FixtureError("line \(number): bad bits") }
            expected = Double(bitPattern: pattern)
        }
    }

    /// True when `rate` is the value Keras returned, bit for bit (any NaN matches a NaN).
    func matches(_ rate: Double) -> Bool {
        if expected.isNaN { return rate.isNaN }
        return rate.bitPattern == expected.bitPattern
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
