import Foundation
import GRDB

/// Reads, from the tables as they are now, the facts a chain link vouches for. An
/// attach reads them back after writing; `audit` and the resume checks read them to
/// rebuild each link's header and compare it with the digest recorded.
enum ChainFacts {
    /// The run's name and the SHA-256 of its stored settings.
    static func run(_ db: Database, runID: Int64) throws -> (name: String, settingsSHA256: String) {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, settings FROM run WHERE id = ?", arguments: [runID])
        else { return ("?", "-") }
        return (try row.value("name"), SHA256Hex.digest(try row.value("settings", as: String.self)))
    }

    /// The name the run had when its link `seq` was made: the name before the first
    /// `rename` link after it, else `current` (the name the run row holds now).
    static func name(_ db: Database, runID: Int64, atLink seq: Int64, current: String) throws -> String {
        try String.fetchOne(
            db,
            sql:
                "SELECT renamed_from FROM chain_link WHERE run_id = ? AND kind = 'rename' AND seq > ? ORDER BY seq LIMIT 1",
            arguments: [runID, seq]) ?? current
    }

    /// The name in force at each of `links` (the tail of a run's chain, in order): the
    /// name before the first `rename` among the later links, else `current`.
    static func names(of links: [ChainLink], current: String) -> [Int64: String] {
        var name = current
        var out: [Int64: String] = [:]
        for link in links.reversed() {
            out[link.seq] = name
            if link.kind == "rename" { name = link.renamedFrom ?? "-" }
        }
        return out
    }

    /// Every schedule version of the run, by id.
    static func versions(_ db: Database, runID: Int64) throws -> [ChainHeader.Version] {
        try Row.fetchAll(
            db, sql: "SELECT id, from_step, dtype, sha256 FROM schedule_version WHERE run_id = ? ORDER BY id",
            arguments: [runID]
        ).map {
            ChainHeader.Version(
                id: try $0.value("id"), fromStep: try $0.value("from_step"),
                dtype: (try $0.value("dtype", as: String?.self)) ?? "NULL",
                sha256: (try $0.value("sha256", as: String?.self)) ?? "NULL")
        }
    }

    /// The opening and closing facts of every segment of the run, by id.
    static func segments(_ db: Database, runID: Int64) throws -> [Int64: (
        ChainHeader.SegmentStart, ChainHeader.SegmentEnd
    )] {
        var out: [Int64: (ChainHeader.SegmentStart, ChainHeader.SegmentEnd)] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, start_step, started_at, pid, host, boot_id, pid_namespace, log_every, rewound_from,
                    end_step, end_reason, ended_at
                FROM segment WHERE run_id = ?
                """, arguments: [runID])
        for row in rows {
            let id: Int64 = try row.value("id")
            out[id] = (
                ChainHeader.SegmentStart(
                    id: id, startStep: try row.value("start_step"), startedAt: try row.value("started_at"),
                    pid: try row.value("pid"), host: try row.value("host"), bootID: try row.value("boot_id"),
                    pidNamespace: try row.value("pid_namespace"), logEvery: try row.value("log_every"),
                    rewoundFrom: try row.value("rewound_from")),
                ChainHeader.SegmentEnd(
                    id: id, endStep: try row.value("end_step"), reason: try row.value("end_reason"),
                    endedAt: try row.value("ended_at"))
            )
        }
        return out
    }
}
