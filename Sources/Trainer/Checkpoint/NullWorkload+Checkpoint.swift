extension NullWorkload {
    /// The state in checkpoint format, kind 0 (none). Payload: `u64 seed, u64 update count`.
    public func encodeState() -> [UInt8] {
        var writer = CheckpointWriter(capacity: 16)
        writer.append(settings.seed)
        writer.append(updateCount)
        return CheckpointFormat.seal(kind: .noModel, payload: writer.bytes)
    }

    public mutating func restore(from bytes: [UInt8]) throws {
        var (kind, reader) = try CheckpointFormat.open(bytes)
        guard kind == .noModel else {
            throw CheckpointError(
                .mismatch, "the checkpoint holds model \(kind.rawValue) but this run trains no model (model none)")
        }
        let seed = try reader.readUInt64()
        let updates = try reader.readUInt64()
        guard reader.isAtEnd else {
            throw CheckpointError(.corrupt, "the checkpoint's payload is longer than a no-model state")
        }
        guard seed == settings.seed else {
            throw CheckpointError(
                .mismatch,
                "the checkpoint belongs to another run: it has seed \(seed), this run has seed \(settings.seed)")
        }
        updateCount = updates
    }
}
