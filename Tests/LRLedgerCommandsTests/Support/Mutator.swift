import Foundation

/// Seeded mutations of text that people type or paste: byte flips, truncation, number
/// swaps, huge, negative and non-finite numbers, deep nesting, unicode, splices.
/// The same seed gives the same mutations on every machine.
struct Mutator {
    var generator: SplitMix

    init(seed: UInt64) {
        generator = SplitMix(seed: seed)
    }

    /// Numbers that have broken parsers before: limits of Int64, Float and Double,
    /// subnormals, negative zero, non-finite spellings, malformed literals.
    static let numbers = [
        "0", "-0", "0.0", "-0.0", "1", "-1", "2", "1.5", "-2.5", "0.1", "1e308", "1e309", "-1e309", "1e-400",
        "5e-324", "1e-45", "1.4e-45", "3.4028235e38", "3.4028236e38", "1e39", "16777216", "16777217",
        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1.0000000000000002",
        "NaN", "-NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "0x10", "1_000", "+1", ".5", "5.", "1e",
        "1e+", "--1", "1..2", "1e5000", "0e0", "00", "-", "١٢", "１２",
    ]

    /// Text that has broken parsers and messages before.
    static let strings = [
        "", " ", "é", "日本", "\u{0}", "\n", "\r\n", "\r", "\t", "\u{2028}", "\u{FEFF}", "🙂", "\u{202E}", "\"",
        "\\", "'", ",", ";", ":", "{", "}", "[", "]", "\u{7F}", "\u{85}", "\\u0000", "\\ud800", "null", "true",
        "ＩｎｖｅｒｓｅＴｉｍｅＤｅｃａｙ", "InverseTimeDecay", "decay_steps", "--help", "-", "=", "\"\"\"",
    ]

    mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &generator)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }

    mutating func pick<T>(_ values: [T]) -> T {
        values[int(0..<values.count)]
    }

    /// `text` after one to three random mutations; `others` are spliced in sometimes.
    mutating func mutate(_ text: String, others: [String] = []) -> String {
        String(decoding: mutate(Array(text.utf8), others: others.map { Array($0.utf8) }), as: UTF8.self)
    }

    /// `bytes` after one to three random mutations, possibly not UTF-8 any more.
    mutating func mutate(_ bytes: [UInt8], others: [[UInt8]] = []) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<int(1..<4) {
            bytes = mutateOnce(bytes, others: others)
        }
        return bytes
    }

    private mutating func mutateOnce(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        let count = bytes.count
        switch int(0..<11) {
        case 0 where count > 0:  // flip a bit
            bytes[int(0..<count)] ^= UInt8(1) << UInt8(int(0..<8))
        case 1 where count > 0:  // truncate
            bytes.removeSubrange(int(0..<count)...)
        case 2 where count > 0:  // delete a range
            let start = int(0..<count)
            bytes.removeSubrange(start..<min(count, start + int(1..<16)))
        case 3:  // insert random bytes
            let position = int(0..<(count + 1))
            bytes.insert(
                contentsOf: (0..<int(1..<8)).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: position)
        case 4 where count > 0:  // duplicate a range
            let start = int(0..<count)
            let chunk = bytes[start..<min(count, start + int(1..<32))]
            bytes.insert(contentsOf: chunk, at: int(0..<(count + 1)))
        case 5, 6:  // replace a number with an interesting one
            let spans = Self.numberSpans(bytes)
            let replacement = Array(pick(Self.numbers).utf8)
            if spans.isEmpty {
                bytes.insert(contentsOf: replacement, at: int(0..<(count + 1)))
            } else {
                bytes.replaceSubrange(pick(spans), with: replacement)
            }
        case 7:  // insert an interesting string
            bytes.insert(contentsOf: Array(pick(Self.strings).utf8), at: int(0..<(count + 1)))
        case 8:  // nest deeply
            let depth = pick([2, 63, 64, 65, 1_000, 100_000])
            let (open, close): (UInt8, UInt8) = chance(0.5) ? (0x5B, 0x5D) : (0x7B, 0x7D)
            bytes = [UInt8](repeating: open, count: depth) + bytes + [UInt8](repeating: close, count: depth)
        case 9 where !others.isEmpty:  // splice with another seed
            let other = pick(others)
            let cut = int(0..<(count + 1))
            let from = int(0..<(other.count + 1))
            bytes = Array(bytes[..<cut]) + Array(other[from...])
        default:  // repeat a chunk many times
            guard count > 0 else { return [UInt8](repeating: 0x30, count: 1_000) }
            let start = int(0..<count)
            let chunk = Array(bytes[start..<min(count, start + int(1..<8))])
            bytes.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: int(2..<2_000)).joined()), at: start)
        }
        return bytes
    }

    /// The byte ranges of number-like runs (digits, signs, dots, exponents).
    static func numberSpans(_ bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        while index < bytes.count {
            guard
                isDigit(bytes[index]) || (bytes[index] == 0x2D && index + 1 < bytes.count && isDigit(bytes[index + 1]))
            else {
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < bytes.count, isDigit(bytes[index]) || [0x2E, 0x65, 0x45, 0x2B, 0x2D].contains(bytes[index]) {
                index += 1
            }
            spans.append(start..<index)
        }
        return spans
    }
}

/// The committed seed corpus in `Fuzz/`.
enum FuzzCorpus {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files of `Fuzz/name`, sorted, as bytes.
    static func files(_ name: String) throws -> [[UInt8]] {
        let directory = folder.appendingPathComponent(name)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    static var schedules: [String] {
        get throws { try files("schedules").map { String(decoding: $0, as: UTF8.self) } }
    }

    static var csvFiles: [[UInt8]] {
        get throws { try files("csv") }
    }

    static var steps: [String] {
        get throws {
            let text = try String(contentsOf: folder.appendingPathComponent("steps.txt"), encoding: .utf8)
            return text.split(separator: "\n").map(String.init)
        }
    }

    /// The seed for the mutations: `LRLEDGER_FUZZ_SEED`, else a fixed one.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["LRLEDGER_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_125
    }

    /// `base` iterations times `LRLEDGER_FUZZ_SCALE` (default 1), for longer local passes.
    static func iterations(_ base: Int) -> Int {
        base * max(1, ProcessInfo.processInfo.environment["LRLEDGER_FUZZ_SCALE"].flatMap { Int($0) } ?? 1)
    }
}
