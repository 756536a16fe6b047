import Foundation
import Glibc

/// Where `plot --output` writes, checked so that a mistyped name can never destroy a
/// user's file: a ledger, another SQLite database, a device, a FIFO or a folder.
///
/// The rules, decided before anything is written and checked again just before the
/// file is put in place:
/// - `-` is standard output.
/// - The name must end in `.svg`: the plot is SVG, and a `.png` or `.sqlite` name is
///   almost certainly a mistake.
/// - A symbolic link is refused rather than followed or replaced: writing through it
///   would change a file the user did not name, replacing it would break the link.
/// - An existing file must be a regular file that is not an SQLite database (any file
///   starting with SQLite's header, such as a ledger renamed `.svg`).
/// - The SVG goes to a temporary file in the same folder, is synced, and is renamed
///   over the target, so a full disk or a kill leaves either the old file or the new
///   one, never half of either. An existing file keeps its permissions.
///
/// ```swift
/// let output = try OutputFile(path: "demo.svg")
/// try output.write(Data(svg.utf8))
/// ```
struct OutputFile {
    /// Why a target is refused or could not be written, as one line for the user.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The path as the user gave it, or `-`.
    let path: String

    var isStandardOutput: Bool { path == "-" }

    /// Checks `path` against the rules without writing anything.
    ///
    /// - throws: `Failure` naming the path and the reason.
    init(path: String) throws {
        self.path = path
        if !isStandardOutput { try check() }
    }

    /// Writes `data` to the target: standard output, or a temporary file renamed over it.
    ///
    /// - throws: `Failure` with the reason (`strerror`), leaving any existing file as it was.
    func write(_ data: Data) throws {
        if isStandardOutput {
            try writeAll(STDOUT_FILENO, data, what: "standard output")
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            // mkstemp makes the file 0600; give it the old file's mode, or the usual one.
            var info = stat()
            let mode = lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o666 & ~Self.umaskValue
            fchmod(descriptor, mode)
            try writeAll(descriptor, data, what: path)
            guard fsync(descriptor) == 0 else { throw failure("cannot write \(path)") }
        }
        // The target may have changed since the check (a FIFO, a link put there meanwhile).
        try check()
        guard rename(temporary, path) == 0 else { throw failure("cannot write \(path)") }
        renamed = true
    }

    /// Refuses a target that is not a regular non-SQLite file or absent.
    private func check() throws {
        if path.isEmpty {
            throw Failure(description: "--output needs a file name ending in .svg, or - for standard output")
        }
        guard path.lowercased().hasSuffix(".svg") else {
            throw Failure(
                description:
                    "--output \(path): lrledger plot writes SVG, so the name must end in .svg (or be - for standard output); nothing was written"
            )
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                var folderInfo = stat()
                guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
                    throw Failure(description: "cannot write \(path): the folder \(folder) does not exist")
                }
                return
            }
            throw failure("cannot write \(path)")
        }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if Self.startsWithSQLiteHeader(path) {
                throw Failure(
                    description:
                        "refusing to write \(path): it is an SQLite database (perhaps a ledger), which the plot would destroy; choose another file name"
                )
            }
            return
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw Failure(
                description:
                    "refusing to write \(path): it is a symbolic link (to \(target)), which lrledger neither follows nor replaces; pass the path of the file itself"
            )
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw Failure(
            description:
                "refusing to write \(path): it is \(kind), not a regular file; choose a file name ending in .svg, or - for standard output"
        )
    }

    private static func startsWithSQLiteHeader(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\u{0}".utf8)
    }

    private static var umaskValue: mode_t {
        let value = umask(0o022)
        umask(value)
        return value
    }

    private func writeAll(_ descriptor: Int32, _ data: Data, what: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write \(what)")
                }
                offset += written
            }
        }
    }

    /// A failure with `errno`'s text appended.
    private func failure(_ message: String) -> Failure {
        Failure(description: "\(message): \(String(cString: strerror(errno))); nothing was changed")
    }
}
