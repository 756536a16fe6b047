/// The canonical text a chain link hashes besides its rows: every fact of a run's
/// history that the link vouches for, one fact group per line.
///
/// Writers build it from what they write; `audit` and the resume checks build it from
/// what the tables hold now, and compare. Both go through this one type, so the two
/// texts can only differ where the tables were changed.
///
/// A `rename` link adds `renamed-from OLD`; its `run` line, like every link's, holds the
/// name the run had when the link was made, so links before a rename keep the old name.
///
/// A commit's header holds only its own columns and the SHA-256 of its rows, so the chain
/// can be verified without reading rows; the run, its schedule versions and segments are
/// in the headers of the links that open and close segments.
///
/// ```text
/// lrledger chain 1
/// previous 3f1c...
/// link 7 commit segment 2
/// steps 400 500
/// rows 100 400 499 sha256 81c0...
/// checkpoint 5d2e... keep 3
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
    /// A commit's rows' SHA-256 (see `CommitDigest`).
    var rowsSHA256: String? = nil
    var versions: [Version]
    var segmentStart: SegmentStart?
    var closed: [SegmentEnd]
    /// Checkpoints an attach deleted because their bytes no longer matched: step, SHA-256.
    var discarded: [(step: Int64, sha256: String)] = []
    /// For a `rename` link: the run's name before it (`runName` is the name after it).
    var renamedFrom: String? = nil

    static func == (left: ChainHeader, right: ChainHeader) -> Bool { left.text == right.text }

    /// The canonical text: ASCII lines ending in a newline, `-` for an absent value.
    var text: String {
        func optional<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "-" }
        var lines = [
            "lrledger chain 1",
            "previous \(previous)",
            "link \(seq) \(kind) segment \(optional(segmentID))",
            "steps \(fromStep) \(toStep)",
        ]
        if kind == "commit" {
            lines.append(
                "rows \(rowCount) \(optional(firstRowStep)) \(optional(lastRowStep)) sha256 \(optional(rowsSHA256))")
            lines.append("checkpoint \(optional(checkpointSHA256)) keep \(optional(keepCheckpoints))")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("checkpoint \(optional(checkpointSHA256))")
        lines.append("run \(runName) settings \(settingsSHA256)")
        lines.append(
            "versions " + versions.map { "\($0.id):\($0.fromStep):\($0.dtype):\($0.sha256)" }.joined(separator: ","))
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
        if kind == "rename" {
            lines.append("renamed-from \(optional(renamedFrom))")
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
