import Foundation

extension RunWriter {
    // MARK: - Chain links of commits

    /// The digest of the run's last chain link as this writer last committed it: the
    /// chain head `lrledger show` prints.
    public var chainHead: String {
        lock.lock()
        defer { lock.unlock() }
        return chain.previous
    }

    /// Refuses a commit whose rows are not exactly the steps the segment promised to
    /// log: every multiple of `logEvery` from the committed step up to `step`.
    func checkPromisedSteps(count: Int, upTo step: Int64) throws {
        guard let every = logEvery else { return }
        let from = committedStep
        let first = (from + every - 1) / every * every
        let expected = first < step ? (step - 1 - first) / every + 1 : 0
        var wrong: Int64?
        if Int64(count) != expected {
            wrong = count > 0 ? buffer[0].step : first
        } else if every > 1 {
            for index in 0..<count where buffer[index].step % every != 0 {
                wrong = buffer[index].step
                break
            }
        } else if count > 0, buffer[0].step != from {
            wrong = buffer[0].step
        }
        if let wrong {
            throw LedgerError(
                .invalidArgument,
                "cannot commit step \(step) of run \(runName): segment \(segmentID) promised to log every step that is a multiple of \(every), which is \(expected) rows from step \(from), but \(count) rows were logged (see step \(wrong)); log each such step once"
            )
        }
    }

    /// The commit's chain link with the SHA-256 of the first `count` buffered rows' raw
    /// bytes, computed before the transaction so the database lock is not held while hashing.
    func makeCommitLink(count: Int, step: Int64, checksum: String?) -> ChainLink {
        var digest = CommitDigest()
        let bytes = count * CommitDigest.rowSize
        if digestScratch.count < bytes {
            digestScratch = [UInt8](repeating: 0, count: bytes)
        }
        buffer.withUnsafeBufferPointer { rows in
            digestScratch.withUnsafeMutableBytes { scratch in
                let base = scratch.baseAddress!
                for index in 0..<count {
                    let row = rows[index]
                    CommitDigest.encode(
                        step: row.step, rate: row.rate, loss: row.hasLoss ? row.loss : nil,
                        at: base + index * CommitDigest.rowSize)
                }
                digest.append(encoded: UnsafeRawBufferPointer(rebasing: scratch[0..<bytes]))
            }
        }
        var link = ChainLink(
            seq: chain.nextSeq, kind: "commit", segmentID: segmentID, fromStep: committedStep, toStep: step,
            rowCount: Int64(count), firstRowStep: count > 0 ? buffer[0].step : nil,
            lastRowStep: count > 0 ? buffer[count - 1].step : nil, rowsSHA256: digest.finalize(),
            checkpointSHA256: checksum, keepCheckpoints: checksum == nil ? nil : Int64(keepCheckpoints),
            scheduleVersionID: chain.versions.last?.id)
        link.digest = CommitDigest.digest(
            header: link.header(previous: chain.previous, run: chain.run, versions: [], segments: [:]).text)
        return link
    }
}
