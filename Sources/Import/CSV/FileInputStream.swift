import Foundation

/// An `InputStream` over a file that says truthfully when it has no more bytes.
///
/// CSV.swift asks its stream `hasBytesAvailable` before each byte. Foundation's file
/// stream on Linux answers true at the end of the file, so the reader's last read finds
/// nothing and it reports `cannotReadFile` after the last row. This stream reads ahead one
/// buffer (64 KiB), so it knows; memory stays constant whatever the file's size.
final class FileInputStream: InputStream {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false
    private var failure: (any Error)?
    private var status: Stream.Status = .notOpen

    init(handle: FileHandle) {
        self.handle = handle
        super.init(data: Data())
    }

    override func open() { status = .open }

    override func close() {
        status = .closed
        try? handle.close()
    }

    override var streamStatus: Stream.Status { status }

    override var streamError: (any Error)? { failure }

    override var hasBytesAvailable: Bool {
        fillIfEmpty()
        return position < buffer.count
    }

    override func read(_ destination: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        fillIfEmpty()
        if failure != nil { return -1 }
        let count = min(maxLength, buffer.count - position)
        guard count > 0 else { return 0 }
        buffer.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base + position, count: count) }
        }
        position += count
        return count
    }

    override func getBuffer(
        _ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, length: UnsafeMutablePointer<Int>
    ) -> Bool { false }

    private func fillIfEmpty() {
        guard position >= buffer.count, !ended, failure == nil else { return }
        do {
            let data = try handle.read(upToCount: 1 << 16) ?? Data()
            buffer = [UInt8](data)
            position = 0
            if data.isEmpty { ended = true }
        } catch {
            failure = error
            status = .error
        }
    }
}
