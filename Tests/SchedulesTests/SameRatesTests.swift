import Schedules
import Testing

/// When two schedule configs are the same schedule: when they compute the same rates.
struct SameRatesTests {
    private func decode(_ json: String, _ dtype: DType = .float32) throws -> any LearningRateSchedule {
        try ScheduleCodec.decode(json, dtype: dtype)
    }

    private func inverseTime(name: String = "InverseTimeDecay", rate: String = "0.5") -> String {
        #"{"class_name":"InverseTimeDecay","config":{"initial_learning_rate":0.1,"decay_steps":1.0,"decay_rate":\#(rate),"staircase":false,"name":"\#(name)"}}"#
    }

    @Test("configs differing only in Keras's name, or in a value equal once cast to float32, compute the same rates")
    func sameRates() throws {
        let stored = try decode(inverseTime())
        for other in [inverseTime(name: "my_schedule"), inverseTime(rate: "0.50000001"), inverseTime(rate: "5e-1")] {
            let requested = try decode(other)
            #expect(requested.computesSameRates(as: stored), "\(other)")
            #expect(requested.canonicalJSON != stored.canonicalJSON || other == inverseTime(rate: "5e-1"))
            for step: Int64 in [0, 1, 7, 1000, 123_456_789] {
                #expect(requested.rate(at: step).bitPattern == stored.rate(at: step).bitPattern)
            }
        }
    }

    @Test("a value that differs in the dtype, another dtype, a flag or another class is a different schedule")
    func differentRates() throws {
        let stored = try decode(inverseTime())
        #expect(!(try decode(inverseTime(rate: "0.5000001"))).computesSameRates(as: stored))
        #expect(!(try decode(inverseTime(rate: "0.50000001"), .float64)).computesSameRates(as: stored))
        #expect(!(try decode(inverseTime(), .float64)).computesSameRates(as: stored))
        let staircase = inverseTime().replacingOccurrences(of: "\"staircase\":false", with: "\"staircase\":true")
        #expect(!(try decode(staircase)).computesSameRates(as: stored))
        let exponential =
            #"{"class_name":"ExponentialDecay","config":{"initial_learning_rate":0.1,"decay_steps":1.0,"decay_rate":0.5}}"#
        #expect(!(try decode(exponential)).computesSameRates(as: stored))
        // In float64 a float is rounded to float32 first, as Keras does: 0.50000001 is still 0.5.
        #expect(
            (try decode(inverseTime(rate: "0.50000001"), .float64)).computesSameRates(
                as: try decode(inverseTime(), .float64)))
    }

    @Test("piecewise boundaries equal in float32 but not as integers are a different schedule")
    func piecewiseBoundaries() throws {
        func piecewise(_ boundary: String) throws -> any LearningRateSchedule {
            try decode(
                #"{"class_name":"PiecewiseConstantDecay","config":{"boundaries":[\#(boundary)],"values":[0.1,0.01],"name":"x"}}"#
            )
        }
        #expect(!(try piecewise("16777217")).computesSameRates(as: try piecewise("16777216")))
        #expect((try piecewise("100")).computesSameRates(as: try piecewise("100")))
    }
}
