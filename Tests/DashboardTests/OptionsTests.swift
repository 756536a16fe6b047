import Dashboard
import Foundation
import Testing

struct OptionsTests {
    @Test("--listen takes HOST:PORT and [IPV6]:PORT and knows loopback from the rest")
    func listenAddress() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress(parsing: "[::1]:9000") == ListenAddress(host: "::1", port: 9000))
        #expect(try ListenAddress(parsing: "localhost:0").isLoopback)
        #expect(try ListenAddress(parsing: "127.1.2.3:80").isLoopback)
        #expect(try !ListenAddress(parsing: "0.0.0.0:8080").isLoopback)
        #expect(try !ListenAddress(parsing: "[::]:8080").isLoopback)
        #expect(try !ListenAddress(parsing: "example.com:8080").isLoopback)
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
        for bad in ["8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:99999", "127.0.0.1:-1", "::1:80", "a b:80"] {
            #expect(throws: DashboardError.self, "\(bad)") { try ListenAddress(parsing: bad) }
        }
    }

    @Test("a token must be long enough and printable; a token file is read without its line break")
    func tokens() throws {
        #expect(throws: DashboardError.self) { try AccessToken("short") }
        #expect(throws: DashboardError.self) { try AccessToken("0123456789abcdef with space") }
        let token = try AccessToken("0123456789abcdef")
        #expect(token.matches("0123456789abcdef"))
        #expect(!token.matches("0123456789abcdeF"))
        #expect(!token.matches("0123456789abcdef0"))
        #expect(!token.matches(""))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("0123456789abcdef\n".utf8).write(to: file)
        #expect(try AccessToken(contentsOfFile: file.path) == token)
        let error = #expect(throws: DashboardError.self) { try AccessToken(contentsOfFile: file.path + ".missing") }
        #expect(error?.message == "cannot read the token file \(file.path).missing: it does not exist")
    }
}
