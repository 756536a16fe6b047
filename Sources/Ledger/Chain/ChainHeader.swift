/// The canonical text a chain link hashes besides its rows: every fact of a run's
/// history that the link vouches for, one fact group per line.
///
/// Writers build it from what they write; `audit` and the resume checks build it from
/// what the tables hold now, and compare. Both go through this one type, so the two
/// texts can only differ where the tables were changed.
///
/// ```text
/// lrledger chain 1
/// previous 3f1c...
/// run demo settings 9a0b...
/// link 7 commit segment 2
/// steps 400 500
/// rows 100 400 499
/// checkpoint 5d2e... keep 3
/// versions 1:0:float32:77aa...
/// ```
struct ChainHeader: Equatable {
    /// The facts of one schedule version.
    struct Version: Equatable {
        var id: Int64
        var fromStep: Int64
        var dtype: String
        var sha256: String
    }

    /// The facts of a segment fixed when it opens.
    struct SegmentStart: Equatable {
        var id: Int64
        var startStep: Int64
        var startedAt: String
        var pid: Int64
        var host: String
        var bootID: String?
        var pidNamespace: String?
        var logEvery: Int64?
        var rewoundFrom: Int64?
    }

    /// The facts of a segment fixed when it closes.
    struct SegmentEnd: Equatable {
        var id: Int64
        var endStep: Int64?
        var reason: String?
        var endedAt: String?
    }

    var previous: String
    var runName: String
    var settingsSHA256: String
    var seq: Int64
    var kind: String
    var segmentID: Int64?
    var fromStep: Int64
    var toStep: Int64
    var rowCount: Int64
    var firstRowStep: Int64?
    var lastRowStep: Int64?
    var checkpointSHA256: String?
    var keepCheckpoints: Int64?
    var versions: [Version]
    var segmentStart: SegmentStart?
    var closed: [SegmentEnd]
    /// Checkpoints an attach deleted because their bytes no longer matched: step, SHA-256.
    var discarded: [(step: Int64, sha256: String)] = []

    static func == (left: ChainHeader, right: ChainHeader) -> Bool { left.text == right.text }

    /// The canonical text: ASCII lines ending in a newline, `-` for an absent value.
    var text: String {
        func optional<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "-" }
        var lines = [
            "lrledger chain 1",
            "previous \(previous)",
            "run \(runName) settings \(settingsSHA256)",
            "link \(seq) \(kind) segment \(optional(segmentID))",
            "steps \(fromStep) \(toStep)",
            "rows \(rowCount) \(optional(firstRowStep)) \(optional(lastRowStep))",
            "checkpoint \(optional(checkpointSHA256)) keep \(optional(keepCheckpoints))",
            "versions " + versions.map { "\($0.id):\($0.fromStep):\($0.dtype):\($0.sha256)" }.joined(separator: ","),
        ]
        if let start = segmentStart {
            lines.append(
                "segment \(start.id) start \(start.startStep) at \(start.startedAt) pid \(start.pid) host \(start.host) "
                    + "boot \(optional(start.bootID)) ns \(optional(start.pidNamespace)) "
                    + "log-every \(optional(start.logEvery)) rewound-from \(optional(start.rewoundFrom))")
        }
        for end in closed {
            lines.append(
                "closed \(end.id) \(optional(end.endStep)) \(optional(end.reason)) \(optional(end.endedAt))")
        }
        for checkpoint in discarded {
            lines.append("discarded \(checkpoint.step) \(checkpoint.sha256)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What differs between two header texts, as short phrases naming the facts: the
    /// lines of `recorded` that `actual` does not have, read as "recorded → actual".
    static func differences(recorded: String, actual: String) -> [String] {
        let old = recorded.split(separator: "\n").map(String.init)
        let new = actual.split(separator: "\n").map(String.init)
        var out: [String] = []
        for index in 0..<max(old.count, new.count) {
            let before = index < old.count ? old[index] : "(nothing)"
            let after = index < new.count ? new[index] : "(nothing)"
            if before != after { out.append("chain has '\(before)', tables give '\(after)'") }
        }
        return out
    }
}
