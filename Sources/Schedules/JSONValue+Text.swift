extension JSONValue {
    /// Parses a JSON text.
    ///
    /// - throws: `ScheduleError` with code `.invalidJSON` naming the offset and what was
    ///   expected there; duplicate object keys and nesting deeper than 64 levels are refused.
    public init(parsing text: String) throws {
        var parser = JSONParser(text: Array(text.utf8))
        self = try parser.parseDocument()
    }

    /// The compact JSON text of the value: no spaces, keys in their stored order,
    /// numbers as their literal text. Equal values give equal text.
    public var compactText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let number): out += number.literal
        case .string(let string): JSONValue.writeString(string, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(entry.key, to: &out)
                out += ":"
                entry.value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes, with positions in its error messages.
struct JSONParser {
    let text: [UInt8]
    var index = 0
    var depth = 0
    static let maximumDepth = 64

    init(text: [UInt8]) {
        self.text = text
    }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == text.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ message: String) -> ScheduleError {
        if index >= text.count {
            return ScheduleError(.invalidJSON, "invalid JSON: \(message) (at the end of the text)")
        }
        return ScheduleError(.invalidJSON, "invalid JSON: \(message) (at character \(index + 1))")
    }

    private mutating func skipWhitespace() {
        while index < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index += 1 }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard index < text.count else { throw error("expected a value") }
        switch text[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case _ where startsWithNonFinite():
            throw error("NaN and Infinity are not JSON numbers, and schedule values must be finite")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value")
        }
    }

    /// Python's `json.dumps` writes NaN, Infinity and -Infinity; recognize them to say so.
    private func startsWithNonFinite() -> Bool {
        let rest = text[index...]
        return rest.starts(with: "NaN".utf8) || rest.starts(with: "Infinity".utf8)
            || rest.starts(with: "-Infinity".utf8)
    }

    private mutating func expectWord(_ word: String) throws {
        let bytes = Array(word.utf8)
        guard index + bytes.count <= text.count, Array(text[index..<index + bytes.count]) == bytes else {
            throw error("expected a value")
        }
        index += bytes.count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= JSONParser.maximumDepth else {
            throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < text.count, text[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < text.count, text[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = index
            let key = try parseString()
            if object[key] != nil {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard index < text.count, text[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            object.set(key, try parseValue())
            skipWhitespace()
            guard index < text.count else { throw error("expected ',' or '}'") }
            if text[index] == UInt8(ascii: ",") {
                index += 1
            } else if text[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < text.count, text[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard index < text.count else { throw error("expected ',' or ']'") }
            if text[index] == UInt8(ascii: ",") {
                index += 1
            } else if text[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws -> String {
        index += 1
        var bytes: [UInt8] = []
        while true {
            guard index < text.count else { throw error("unterminated string") }
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                break
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte != UInt8(ascii: "\\") {
                bytes.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < text.count else { throw error("unterminated string") }
            let escape = text[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < text.count, text[index] == UInt8(ascii: "\\"),
                        text[index + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                index -= 1
                throw error("invalid escape in string")
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw error("string is not valid UTF-8") }
        return string
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= text.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = text[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        func digits() -> Int {
            let from = index
            while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { index += 1 }
            return index - from
        }
        if text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) else {
            throw error("invalid number")
        }
        if text[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            _ = digits()
        }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("invalid number: digits expected after '.'") }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("invalid number: digits expected in the exponent") }
        }
        return JSONNumber(literal: String(decoding: text[start..<index], as: UTF8.self))
    }
}
