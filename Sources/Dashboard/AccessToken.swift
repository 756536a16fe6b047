import Foundation

/// The secret a client must present when the dashboard listens beyond loopback:
/// `Authorization: Bearer TOKEN`, or the cookie a browser gets by opening a page once
/// with `?token=TOKEN`.
///
/// Comparison takes the same time whatever the candidate, so response times do not
/// reveal how much of a guess was right.
public struct AccessToken: Sendable, Hashable {
    /// The shortest token accepted: 16 characters.
    public static let minimumLength = 16

    let value: String

    /// A token given on the command line.
    ///
    /// - throws: `DashboardError` `.badToken` when it is shorter than `minimumLength` or
    ///   holds spaces, control or non-ASCII characters (it must fit in a header and a cookie).
    public init(_ value: String) throws {
        try self.init(value, source: "--token")
    }

    /// A token read from the first line of a file (a trailing line break is dropped).
    ///
    /// - throws: `DashboardError` `.badToken` when the file cannot be read or holds no
    ///   acceptable token.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let why = !exists ? "it does not exist" : isFolder.boolValue ? "it is a folder" : "it cannot be read"
            throw DashboardError(.badToken, "cannot read the token file \(path): \(why)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DashboardError(.badToken, "the token file \(path) is not UTF-8 text")
        }
        var line = text
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        try self.init(line, source: "the token file \(path)")
    }

    private init(_ value: String, source: String) throws {
        guard value.count >= Self.minimumLength else {
            throw DashboardError(
                .badToken,
                "\(source) must hold a token of at least \(Self.minimumLength) characters (for example the output of `openssl rand -hex 16`), got \(value.count)"
            )
        }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != ";" && $0 != "," })
        else {
            throw DashboardError(
                .badToken, "\(source) must hold a token of printable ASCII characters without spaces, ';' or ','")
        }
        self.value = value
    }

    /// True when `candidate` is the token, compared in constant time.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        var difference: UInt8 = expected.count == given.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
