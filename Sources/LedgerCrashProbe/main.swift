import Foundation
import Ledger
import Schedules

// A writer process for LedgerTests.
//
//   LedgerCrashProbe commit DB RUN ROWS_PER_COMMIT   attach, then log ROWS_PER_COMMIT rows and
//                                                    commit, forever, printing "committed STEP"
//   LedgerCrashProbe hold DB RUN                     attach, print "attached SEGMENT", then sleep
//   LedgerCrashProbe bench DB RUN COMMITS ROWS       attach, then COMMITS times log ROWS rows and
//                                                    commit without state; print "bench ROWS_PER_SECOND"
//
// The schedule is Keras's doc example, InverseTimeDecay(0.1, 1.0, 0.5) in float32; each
// checkpoint's state is the step as 8 little-endian bytes. The parent kills it.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("LedgerCrashProbe: \(message)\n".utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3 else {
    fail("usage: LedgerCrashProbe commit DB RUN ROWS_PER_COMMIT | hold DB RUN")
}
let (mode, path, run) = (arguments[0], arguments[1], arguments[2])

/// Writes a line to stdout at once (unbuffered), so the parent sees every commit.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

do {
    let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
    let ledger = try Ledger(path: path)
    let writer = try ledger.attach(
        AttachRequest(
            run: run, defaultSchedule: schedule, targetSteps: Int64.max,
            settings: try RunSettings(json: #"{"probe":true}"#)))
    switch mode {
    case "hold":
        say("attached \(writer.segmentID)")
        while true { sleep(60) }
    case "commit":
        guard arguments.count >= 4, let rows = Int64(arguments[3]), rows > 0 else {
            fail("commit needs ROWS_PER_COMMIT > 0")
        }
        say("attached \(writer.segmentID) at \(writer.resumeStep)")
        var step = writer.resumeStep
        while true {
            for _ in 0..<rows {
                writer.log(step: step, rate: writer.schedule.rate(at: step))
                step += 1
            }
            withUnsafeBytes(of: step.littleEndian) { state in
                do {
                    try writer.commit(step: step, state: Array(state))
                } catch {
                    fail("\(error)")
                }
            }
            say("committed \(step)")
        }
    case "bench":
        guard arguments.count >= 5, let commits = Int(arguments[3]), let rows = Int64(arguments[4]) else {
            fail("bench needs COMMITS and ROWS")
        }
        var step = writer.resumeStep
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<commits {
                for _ in 0..<rows {
                    writer.log(step: step, rate: 0.001 * Double(step & 1023))
                    step += 1
                }
                try writer.commit(step: step, state: nil)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        say("bench \(Int(Double(commits) * Double(rows) / seconds))")
        try writer.close(reason: .finished)
    default:
        fail("unknown mode \(mode)")
    }
} catch {
    fail("\(error)")
}
