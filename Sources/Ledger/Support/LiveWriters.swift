import Foundation

/// The segments held by `RunWriter`s alive in this process.
///
/// A segment opened by this very process is live only while its writer object
/// exists: a writer released without `close` leaves its segment open in the
/// database, and the next attach closes it as crashed instead of refusing itself.
final class LiveWriters: @unchecked Sendable {
    static let shared = LiveWriters()

    private let lock = NSLock()
    private var keys: Set<String> = []

    /// The key of a segment in a store, stable across handles on the same database.
    static func key(store: String, segment: Int64) -> String {
        "\(store)#\(segment)"
    }

    func insert(_ key: String) {
        lock.lock()
        defer { lock.unlock() }
        keys.insert(key)
    }

    func remove(_ key: String) {
        lock.lock()
        defer { lock.unlock() }
        keys.remove(key)
    }

    func contains(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return keys.contains(key)
    }
}

/// A file's device and inode numbers: the same for every path that names it.
struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file at `path`, or nil when it cannot be read.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
