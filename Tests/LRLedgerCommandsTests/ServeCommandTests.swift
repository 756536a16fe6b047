import Foundation
import TestSupport
import Testing

/// `lrledger serve` on the built binary: refusals in one line, a port in use, a
/// graceful stop that leaves the folder as it was.
struct ServeCommandTests {
    @Test("bad options, a missing ledger and a bad token file are refused in one line, without a stack trace")
    func refusals() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(["train", "--db", db, "--run", "demo", "--steps", "10"]).status == 0)
        let cases: [([String], String)] = [
            (
                ["--listen", "nonsense"],
                "Error: --listen takes HOST:PORT (for example 127.0.0.1:8080), got 'nonsense': no :PORT"
            ),
            (["--listen", "0.0.0.0:0"], "needs --token TOKEN or --token-file FILE"),
            (["--listen", "0.0.0.0:0", "--token", "short"], "at least 16 characters"),
            (["--listen", "0.0.0.0:0", "--token-file", folder.path("nope")], "cannot read the token file"),
            (["--db", folder.path("missing.sqlite")], "Error: no ledger at"),
        ]
        for (arguments, message) in cases {
            let result = try BoundedProcess.lrledger(["serve", "--db", db] + arguments, timeout: 30)
            #expect(result.status != 0, "\(arguments)")
            #expect(!result.timedOut, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        #expect(try folder.files() == ["ledger.sqlite"])
    }

    @Test("a port in use is one line; SIGTERM stops the server with status 0 and no side files")
    func portInUseAndGracefulStop() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(["train", "--db", db, "--run", "demo", "--steps", "10"]).status == 0)
        let server = Process()
        server.executableURL = LRLedgerProcess.binary
        server.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0"]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")), Date() < deadline {
            line.append(out.fileHandleForReading.availableData)
        }
        let text = String(decoding: line, as: UTF8.self)
        let address = try #require(text.components(separatedBy: "http://").last?.components(separatedBy: "/").first)
        #expect(text.hasPrefix("serving \(db) at http://127.0.0.1:"), "\(text)")

        let second = try BoundedProcess.lrledger(["serve", "--db", db, "--listen", address], timeout: 30)
        #expect(second.status == 1)
        #expect(second.stderr == "Error: cannot listen on \(address): Address already in use\n")

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
        #expect(try folder.files() == ["ledger.sqlite"])
    }
}
