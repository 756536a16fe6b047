import Ledger
import Schedules

/// One request of the attach protocol, decoded and checked for shape (not yet against
/// the ledger). See `AttachSession` for what each does.
enum ProtocolRequest {
    case attach(AttachMessage)
    case log(LogMessage)
    case rates(start: Int64, count: Int)
    case commit(CommitMessage)
    case heartbeat
    case close(EndReason)

    /// The most steps one `log` or `rates` message carries.
    static let maximumBlock = 1_000_000

    /// `attach`: which run, with which schedule, and how to keep its checkpoints.
    struct AttachMessage {
        var protocolVersion: Int64
        var run: String
        var schedule: JSONValue?
        var dtype: DType
        var targetSteps: Int64
        var settings: JSONValue
        var creation: AttachRequest.Creation
        var changeSchedule: Bool
        var checkpointDirectory: String?
        var keepCheckpoints: Int
    }

    /// `log`: consecutive steps from `start`, or the listed `steps`; losses and rates optional.
    struct LogMessage {
        var steps: Steps
        var losses: [Double?]?
        var rates: [Double]?

        enum Steps {
            case consecutive(start: Int64, count: Int)
            case listed([Int64])
        }

        var count: Int {
            switch steps {
            case .consecutive(_, let count): count
            case .listed(let steps): steps.count
            }
        }

        func step(_ index: Int) -> Int64 {
            switch steps {
            case .consecutive(let start, _): start + Int64(index)
            case .listed(let steps): steps[index]
            }
        }
    }

    /// `commit`: the new step counter, with a checkpoint file and the trainer's state.
    struct CommitMessage {
        var step: Int64
        var file: String?
        var size: Int64?
        var sha256: String?
        var state: JSONValue?
    }

    /// The operation's name, for the response; nil when the line has none.
    static func operation(of value: JSONValue) -> String? {
        guard case .object(let object) = value, case .string(let op) = object["op"] else { return nil }
        return op
    }

    init(_ value: JSONValue) throws {
        guard case .object(let object) = value else {
            throw ProtocolError(.malformed, "a request must be a JSON object with an \"op\", got \(value.typeName)")
        }
        guard let op = Self.operation(of: value) else {
            throw ProtocolError(
                .malformed, "a request needs \"op\": one of attach, log, rates, commit, heartbeat, close")
        }
        var reader = MessageReader(op: op, object: object)
        switch op {
        case "attach": self = .attach(try Self.attach(&reader))
        case "log": self = .log(try Self.log(&reader))
        case "rates":
            let start = try reader.requiredInt("start")
            let count = try reader.requiredInt("count")
            guard start >= 0 else { throw ProtocolError(.invalidValue, "rates: start must be >= 0, got \(start)") }
            guard (1...Int64(Self.maximumBlock)).contains(count) else {
                throw ProtocolError(.invalidValue, "rates: count must be from 1 to \(Self.maximumBlock), got \(count)")
            }
            self = .rates(start: start, count: Int(count))
        case "commit": self = .commit(try Self.commit(&reader))
        case "heartbeat": self = .heartbeat
        case "close":
            let text = try reader.string("reason") ?? "finished"
            guard let reason = EndReason(rawValue: text), reason != .crashed else {
                throw ProtocolError(
                    .invalidValue, "close: reason must be finished, interrupted or failed, got \(text.debugDescription)"
                )
            }
            self = .close(reason)
        default:
            throw ProtocolError(
                .malformed,
                "unknown op \(op.debugDescription): expected attach, log, rates, commit, heartbeat or close")
        }
        try reader.finish()
    }

    private static func attach(_ reader: inout MessageReader) throws -> AttachMessage {
        let version = try reader.requiredInt("protocol")
        guard let run = try reader.string("run") else { throw reader.malformed("run", "is missing") }
        let dtype = try DType(parsing: try reader.string("dtype") ?? "float32")
        let target = try reader.requiredInt("target_steps")
        guard target >= 0 else {
            throw ProtocolError(.invalidValue, "attach: target_steps must be >= 0, got \(target)")
        }
        let settings = reader.value("settings") ?? .object(JSONObject())
        guard case .object = settings else {
            throw reader.malformed("settings", "must be a JSON object, got \(settings.typeName)")
        }
        let keep = try reader.int("keep_checkpoints") ?? 3
        guard (1...1000).contains(keep) else {
            throw ProtocolError(.invalidValue, "attach: keep_checkpoints must be from 1 to 1000, got \(keep)")
        }
        _ = reader.value("client")  // who is attaching, for the log
        let creationText = try reader.string("creation") ?? "allowed"
        guard let creation = AttachRequest.Creation(rawValue: creationText) else {
            throw ProtocolError(
                .invalidValue,
                "attach: creation must be allowed, required or forbidden, got \(creationText.debugDescription)")
        }
        return AttachMessage(
            protocolVersion: version, run: run, schedule: reader.value("schedule"), dtype: dtype, targetSteps: target,
            settings: settings, creation: creation,
            changeSchedule: try reader.bool("change_schedule", default: false),
            checkpointDirectory: try reader.string("checkpoint_dir"), keepCheckpoints: Int(keep))
    }

    private static func log(_ reader: inout MessageReader) throws -> LogMessage {
        let losses = try reader.array("losses").map { values in
            try values.enumerated().map { index, value -> Double? in
                switch value {
                case .null: return nil
                case .number(let number): return number.doubleValue
                default: throw reader.malformed("losses[\(index)]", "must be a number or null, got \(value.typeName)")
                }
            }
        }
        let rates = try reader.array("rates").map { values in
            try values.enumerated().map { index, value -> Double in
                guard case .number(let number) = value else {
                    throw reader.malformed("rates[\(index)]", "must be a number, got \(value.typeName)")
                }
                return number.doubleValue
            }
        }
        let steps: LogMessage.Steps
        if let listed = try reader.array("steps") {
            guard reader.value("start") == nil, reader.value("count") == nil else {
                throw reader.malformed("steps", "goes without start and count")
            }
            steps = .listed(try listed.map { try MessageReader.integer($0, field: "steps", reader: reader) })
        } else if let start = try reader.int("start") {
            let count = try reader.int("count").map(Int.init) ?? losses?.count ?? rates?.count
            guard let count else { throw reader.malformed("count", "is needed when neither losses nor rates are sent") }
            steps = .consecutive(start: start, count: count)
        } else {
            throw reader.malformed("start", "(or steps) is missing")
        }
        let message = LogMessage(steps: steps, losses: losses, rates: rates)
        guard (1...maximumBlock).contains(message.count) else {
            throw ProtocolError(
                .invalidValue, "log: a message carries 1 to \(maximumBlock) steps, got \(message.count)")
        }
        if let losses, losses.count != message.count {
            throw ProtocolError(.malformed, "log: \(losses.count) losses for \(message.count) steps")
        }
        if let rates, rates.count != message.count {
            throw ProtocolError(.malformed, "log: \(rates.count) rates for \(message.count) steps")
        }
        return message
    }

    private static func commit(_ reader: inout MessageReader) throws -> CommitMessage {
        let step = try reader.requiredInt("step")
        var message = CommitMessage(step: step)
        if let checkpoint = reader.value("checkpoint") {
            guard case .object(let object) = checkpoint else {
                throw reader.malformed("checkpoint", "must be an object with file, size and sha256")
            }
            var fields = MessageReader(op: "commit: checkpoint", object: object)
            guard let file = try fields.string("file") else { throw fields.malformed("file", "is missing") }
            message.file = file
            message.size = try fields.int("size")
            message.sha256 = try fields.string("sha256")
            try fields.finish()
        }
        message.state = reader.value("state")
        if message.state != nil, message.file == nil {
            throw reader.malformed("state", "goes with a checkpoint: the trainer's state is kept with its file")
        }
        return message
    }
}
