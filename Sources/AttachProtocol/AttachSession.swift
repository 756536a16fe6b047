import Foundation
import Ledger
import Logging
import Schedules

/// One client's conversation with the ledger over the attach protocol: it drives one
/// segment of a run at a time, exactly as a `RunWriter` does, from any language.
///
/// Transport-neutral: each request is one JSON object and gets one JSON response
/// (`respond(to:)`); `lrledger attach` carries them as lines over standard input and
/// output. The protocol, version 1:
///
/// | request | response (besides `"ok": true, "op": ...`) |
/// | --- | --- |
/// | `{"op": "attach", "protocol": 1, "run": NAME, "target_steps": N, "schedule": JSON?, "dtype": "float32", "settings": {...}, "creation": "allowed", "change_schedule": false, "checkpoint_dir": DIR?, "keep_checkpoints": 3}` | `segment`, `created`, `resume_step`, `schedule`, `dtype`, `checkpoint` (`step`, `file`, `size`, `sha256`, `state`) or null, `settings`, `rewound_from`, `superseded_rows`, `recovered_segments`, `discarded_checkpoints` |
/// | `{"op": "rates", "start": S, "count": N}` | `start`, `rates`: the schedule's rates of steps S..S+N-1 |
/// | `{"op": "log", "start": S, "losses": [...]}` (or `"steps": [...]`, or `"count": N`; `"rates"` optional) | `buffered`: rows waiting for a commit |
/// | `{"op": "commit", "step": K, "checkpoint": {"file": F, "size": B, "sha256": H}?, "state": {...}?}` | `step`, `rows`, `removed` (files of dropped checkpoints) |
/// | `{"op": "heartbeat"}` | |
/// | `{"op": "close", "reason": "finished" \| "interrupted" \| "failed"}` | `step`, `reason` |
///
/// A refusal is `{"ok": false, "op": ..., "error": {"code": ..., "message": ...}}` and
/// changes nothing: a refused `log` buffers none of its rows, a refused `commit` keeps
/// every buffered row for a retry, a refused `attach` leaves the ledger file as it was.
/// The end of input without a `close` closes the segment as `crashed`, keeping what was
/// committed.
///
/// A `log` without `rates` records the rates the ledger's schedule gives for its steps,
/// the bits Keras on TensorFlow computes; a client whose framework computed other bits
/// sends the rates it used.
public final class AttachSession {
    /// The protocol version this build speaks.
    public static let protocolVersion: Int64 = 1

    private let openLedger: () throws -> Ledger
    private var ledger: Ledger?
    private let logger: Logger
    private var writer: RunWriter?
    private var folder: CheckpointFolder?
    /// The last step logged in this segment (the resume step - 1 right after attach).
    private var lastLogged: Int64 = -1
    private var rates: [Double] = []

    /// - parameter ledger: opens the ledger read-write, at the first `attach`, so that a
    ///   ledger that cannot be opened is refused as a response to it; a ledger not made
    ///   yet is made by the first `attach` that may create a run.
    /// - parameter logger: where the session logs attaches, rewinds and closes.
    public init(ledger: @escaping () throws -> Ledger, logger: Logger) {
        self.openLedger = ledger
        self.logger = logger
    }

    /// The ledger, opened by the first call.
    private func opened() throws -> Ledger {
        if let ledger { return ledger }
        let opened = try openLedger()
        ledger = opened
        return opened
    }

    /// Answers one request line with one response line (neither with a line break).
    public func respond(to line: String) -> String {
        var op: String?
        do {
            let value = try JSONValue(parsing: line)
            op = ProtocolRequest.operation(of: value)
            return try Self.success(op ?? "", handle(ProtocolRequest(value))).compactText
        } catch let error as ScheduleError where op == nil {
            return Self.failure(nil, ProtocolError(.malformed, "the request is not JSON: \(error.message)"))
                .compactText
        } catch {
            return Self.failure(op, ProtocolError(error)).compactText
        }
    }

    /// Ends the conversation: a segment still attached is closed as `crashed`, since its
    /// client went away without saying how it ended.
    public func endOfInput() {
        if let writer {
            do {
                try writer.close(reason: .crashed)
            } catch {
                logger.error(
                    "could not close the segment", metadata: ["run": "\(writer.runName)", "error": "\(error)"])
            }
            self.writer = nil
        }
        // Release the ledger's connections, so a session that only read (a refused
        // attach) leaves no file behind it.
        try? ledger?.close()
        ledger = nil
    }

    // MARK: - Requests

    private func handle(_ request: ProtocolRequest) throws -> [(String, JSONValue)] {
        switch request {
        case .attach(let message): return try attach(message)
        case .log(let message): return try log(message)
        case .rates(let start, let count): return try rates(start: start, count: count)
        case .commit(let message): return try commit(message)
        case .heartbeat:
            try attached("heartbeat").heartbeat()
            return []
        case .close(let reason):
            let writer = try attached("close")
            try writer.close(reason: reason)
            self.writer = nil
            return [("step", .int(writer.committed)), ("reason", .string(reason.rawValue))]
        }
    }

    private func attached(_ op: String) throws -> RunWriter {
        guard let writer else {
            throw ProtocolError(.notAttached, "\(op): no segment is attached; send attach first")
        }
        return writer
    }

    private func attach(_ message: ProtocolRequest.AttachMessage) throws -> [(String, JSONValue)] {
        guard writer == nil else {
            throw ProtocolError(.alreadyAttached, "attach: run \(writer?.runName ?? "") is attached; close it first")
        }
        guard message.protocolVersion == Self.protocolVersion else {
            throw ProtocolError(
                .unsupportedProtocol,
                "attach: this lrledger speaks protocol \(Self.protocolVersion), the client asked for \(message.protocolVersion)"
            )
        }
        let schedule = try message.schedule.map { json in
            try ScheduleCodec.decode(scheduleOrOptimizer: json.compactText, dtype: message.dtype)
        }
        let folder = message.checkpointDirectory.map(CheckpointFolder.init(path:))
        var request = AttachRequest(
            run: message.run, schedule: schedule, allowScheduleChange: message.changeSchedule,
            targetSteps: message.targetSteps, settings: try RunSettings(json: message.settings.compactText),
            creation: message.creation,
            checkpointFolder: folder)
        request.keepCheckpoints = message.keepCheckpoints
        let writer = try opened().attach(request)
        for discarded in writer.discardedCheckpoints {
            if let file = discarded.file { folder?.remove(file.path) }
        }
        self.writer = writer
        self.folder = folder
        lastLogged = writer.resumeStep - 1
        return Self.describe(writer)
    }

    private func log(_ message: ProtocolRequest.LogMessage) throws -> [(String, JSONValue)] {
        let writer = try attached("log")
        var previous = lastLogged
        for index in 0..<message.count {
            let step = message.step(index)
            guard step > previous else {
                throw ProtocolError(
                    .stepsOutOfOrder,
                    index == 0
                        ? "log: step \(step) comes after step \(previous) was logged (or the segment resumed at \(writer.resumeStep)); steps must increase"
                        : "log: step \(step) follows step \(previous) in the same message; steps must increase")
            }
            previous = step
        }
        if let given = message.rates {
            let dtype = writer.schedule.dtype
            if let bad = given.firstIndex(where: { !$0.isFinite || $0 < 0 || dtype.round($0) != $0 }) {
                throw ProtocolError(
                    .invalidValue,
                    "log: the rate at step \(message.step(bad)) is \(given[bad]); a rate of this run is a finite \(dtype) value >= 0"
                )
            }
        }
        let computed = message.rates ?? scheduleRates(for: message, schedule: writer.schedule)
        for index in 0..<message.count {
            writer.log(step: message.step(index), rate: computed[index], loss: message.losses?[index] ?? nil)
        }
        lastLogged = previous
        return [("buffered", .int(Int64(writer.bufferedCount)))]
    }

    private func scheduleRates(for message: ProtocolRequest.LogMessage, schedule: any LearningRateSchedule)
        -> [Double]
    {
        switch message.steps {
        case .consecutive(let start, let count):
            rates.removeAll(keepingCapacity: true)
            rates.append(contentsOf: repeatElement(0, count: count))
            schedule.rates(from: start, into: &rates)
            return rates
        case .listed(let steps):
            return steps.map { schedule.rate(at: $0) }
        }
    }

    private func rates(start: Int64, count: Int) throws -> [(String, JSONValue)] {
        let writer = try attached("rates")
        var block = [Double](repeating: 0, count: count)
        writer.schedule.rates(from: start, into: &block)
        return [("start", .int(start)), ("rates", .array(block.map(JSONValue.double)))]
    }

    private func commit(_ message: ProtocolRequest.CommitMessage) throws -> [(String, JSONValue)] {
        let writer = try attached("commit")
        let receipt: CommitReceipt
        if let path = message.file {
            guard let folder else {
                throw ProtocolError(
                    .checkpointMismatch, "commit: a checkpoint file needs checkpoint_dir, given at attach")
            }
            let file: CheckpointFile
            do {
                file = try folder.describe(path)
            } catch let error as LedgerError {
                throw ProtocolError(.checkpointMismatch, "commit step \(message.step): \(error.message)")
            }
            if let size = message.size, size != file.size {
                throw ProtocolError(
                    .checkpointMismatch,
                    "commit step \(message.step): \(path) has \(file.size) bytes, not the \(size) sent; write and sync the file before committing"
                )
            }
            if let sha256 = message.sha256, sha256.lowercased() != file.sha256 {
                throw ProtocolError(
                    .checkpointMismatch,
                    "commit step \(message.step): \(path) has SHA-256 \(file.sha256), not the \(sha256) sent; write and sync the file before committing"
                )
            }
            receipt = try writer.commit(step: message.step, file: file, trainerState: message.state?.compactText)
            for dropped in receipt.droppedFiles where dropped != path {
                folder.remove(dropped)
            }
        } else {
            receipt = try writer.commit(step: message.step, state: nil)
        }
        return [
            ("step", .int(receipt.step)), ("rows", .int(Int64(receipt.rows))),
            ("removed", .array(receipt.droppedFiles.map(JSONValue.string))),
        ]
    }

    // MARK: - Responses

    private static func describe(_ writer: RunWriter) -> [(String, JSONValue)] {
        let checkpoint: JSONValue =
            writer.checkpoint.map { checkpoint in
                .object(
                    JSONObject([
                        ("step", .int(checkpoint.step)),
                        ("file", checkpoint.file.map { .string($0.path) } ?? .null),
                        ("size", .int(checkpoint.byteCount)),
                        ("sha256", .string(checkpoint.sha256)),
                        ("state", checkpoint.trainerState.flatMap { try? JSONValue(parsing: $0) } ?? .null),
                    ]))
            } ?? .null
        return [
            ("protocol", .int(protocolVersion)),
            ("run", .string(writer.runName)),
            ("segment", .int(writer.segmentID)),
            ("created", .bool(writer.createdRun)),
            ("resume_step", .int(writer.resumeStep)),
            ("target_steps", .int(writer.targetSteps)),
            ("schedule", writer.schedule.serialized),
            ("dtype", .string(writer.schedule.dtype.rawValue)),
            ("schedule_changed", .bool(writer.scheduleChanged)),
            ("checkpoint", checkpoint),
            ("settings", (try? JSONValue(parsing: writer.settings.json)) ?? .object(JSONObject())),
            ("rewound_from", writer.rewoundFrom.map(JSONValue.int) ?? .null),
            ("superseded_rows", .int(Int64(writer.supersededRows))),
            ("recovered_segments", .array(writer.recoveredSegments.map(JSONValue.int))),
            (
                "discarded_checkpoints",
                .array(
                    writer.discardedCheckpoints.map { discarded in
                        .object(
                            JSONObject([
                                ("step", .int(discarded.step)),
                                ("file", discarded.file.map { .string($0.path) } ?? .null),
                                ("problem", .string(discarded.problem.description)),
                            ]))
                    })
            ),
        ]
    }

    private static func success(_ op: String, _ fields: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("ok", .bool(true)), ("op", .string(op))] + fields.map { (key: $0.0, value: $0.1) }))
    }

    private static func failure(_ op: String?, _ error: ProtocolError) -> JSONValue {
        .object(
            JSONObject([
                ("ok", .bool(false)),
                ("op", op.map(JSONValue.string) ?? .null),
                (
                    "error",
                    .object(JSONObject([("code", .string(error.code.rawValue)), ("message", .string(error.message))]))
                ),
            ]))
    }
}

extension JSONValue {
    static func int(_ value: Int64) -> JSONValue { .number(JSONNumber(literal: String(value))) }
    /// The shortest decimal that reads back to the same double.
    static func double(_ value: Double) -> JSONValue { .number(JSONNumber(literal: value.description)) }
}
