/// Where the dashboard listens: a host (a name, an IPv4 address or a bracketed IPv6
/// address) and a TCP port, parsed from `--listen HOST:PORT`.
///
/// Only a loopback address may be used without a token: `isLoopback` tells which.
///
/// ```swift
/// let address = try ListenAddress(parsing: "127.0.0.1:8080")
/// address.isLoopback  // true
/// ```
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host to bind, without brackets.
    public let host: String
    /// The TCP port; 0 asks the system for a free one.
    public let port: Int

    /// The default address: loopback only, port 8080.
    public static let loopback = ListenAddress(host: "127.0.0.1", port: 8080)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPV6]:PORT`.
    ///
    /// - throws: `DashboardError` `.badAddress` naming the text and what is wrong.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> DashboardError {
            DashboardError(.badAddress, "--listen takes HOST:PORT (for example 127.0.0.1:8080), got '\(text)': \(why)")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad("the IPv6 address has no closing ]") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad("no :PORT after the IPv6 address") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw bad("no :PORT") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw bad("write an IPv6 address in brackets, as [::1]:8080") }
        }
        guard !host.isEmpty else { throw bad("no host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_%".contains($0) }), host.allSatisfy(\.isASCII)
        else { throw bad("the host has characters no host name or address has") }
        guard let port = Int(portText), (0...65535).contains(port), portText.allSatisfy(\.isASCII) else {
            throw bad("the port must be a number from 0 to 65535")
        }
        self.init(host: String(host), port: port)
    }

    /// True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1`.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
