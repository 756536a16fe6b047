import Foundation

/// An SVG chart of a run's rate (left axis) and loss (right axis) against step, with a
/// dashed vertical mark at each restart labelled with how the previous process ended,
/// and a solid purple mark at each recorded schedule change.
///
/// Marks closer together than a label's height share one label ("3 restarts, steps
/// 1200–1500"), so a run restarted many times stays readable.
///
/// Points are gathered into one bucket per pixel column (first, minimum and maximum
/// of each), so a run of ten million steps draws as fast and as faithfully as a short one.
struct RatePlot {
    /// A vertical mark at a step, with its label.
    struct Mark {
        let step: Int64
        let label: String
    }

    let title: String
    let subtitle: String
    let firstStep: Int64
    let lastStep: Int64
    var restarts: [Mark] = []
    var scheduleChanges: [Mark] = []

    static let width = 960.0
    static let height = 540.0
    static let left = 80.0
    static let right = 80.0
    static let top = 70.0
    static let bottom = 60.0
    static let columns = 880

    private var rate = Buckets(count: columns)
    private var loss = Buckets(count: columns)

    init(title: String, subtitle: String, firstStep: Int64, lastStep: Int64) {
        self.title = title
        self.subtitle = subtitle
        self.firstStep = firstStep
        self.lastStep = max(lastStep, firstStep + 1)
    }

    private func column(_ step: Int64) -> Int {
        let fraction = Double(step - firstStep) / Double(lastStep - firstStep)
        return min(Self.columns - 1, max(0, Int(fraction * Double(Self.columns - 1))))
    }

    mutating func add(step: Int64, rate value: Double, loss lossValue: Double?) {
        let column = column(step)
        if value.isFinite { rate.add(column: column, step: step, value: value) }
        if let lossValue, lossValue.isFinite { loss.add(column: column, step: step, value: lossValue) }
    }

    func svg() -> String {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let x = { (step: Double) in
            Self.left + (step - Double(self.firstStep)) / Double(self.lastStep - self.firstStep) * plotWidth
        }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Self.width / 2)" y="26" text-anchor="middle" font-size="17" font-weight="bold">\(Self.escape(title))</text>
            <text x="\(Self.width / 2)" y="46" text-anchor="middle" font-size="12" fill="#555">\(Self.escape(subtitle))</text>
            <rect x="\(Self.left)" y="\(Self.top)" width="\(plotWidth)" height="\(plotHeight)" fill="none" stroke="#333"/>

            """
        // X axis ticks.
        for tick in NiceTicks.ticks(from: Double(firstStep), to: Double(lastStep)) {
            let px = x(tick)
            out +=
                "<line x1=\"\(Self.f(px))\" y1=\"\(Self.f(Self.top + plotHeight))\" x2=\"\(Self.f(px))\" y2=\"\(Self.f(Self.top + plotHeight + 5))\" stroke=\"#333\"/>"
            out +=
                "<text x=\"\(Self.f(px))\" y=\"\(Self.f(Self.top + plotHeight + 19))\" text-anchor=\"middle\">\(NiceTicks.label(tick))</text>\n"
        }
        out +=
            "<text x=\"\(Self.f(Self.left + plotWidth / 2))\" y=\"\(Self.f(Self.height - 16))\" text-anchor=\"middle\">step</text>\n"

        // Series with their own vertical axes: rate on the left (log scale when it spans
        // more than two decades, as inverse-time decay does), loss on the right (the mean
        // of each pixel column, drawn lighter and under the rate).
        let series: [(Buckets, String, String, Bool)] = [
            (loss, "loss", "#d62728", false), (rate, "rate", "#1f77b4", true),
        ]
        for (buckets, name, color, isLeft) in series where buckets.hasValues {
            let logarithmic = isLeft && buckets.minimum > 0 && buckets.maximum / buckets.minimum > 100
            let axis: Axis
            if logarithmic {
                axis = Axis.logarithmic(low: buckets.minimum, high: buckets.maximum)
            } else {
                axis = Axis.linear(low: min(0, buckets.minimum), high: buckets.maximum)
            }
            let y = { (value: Double) in Self.top + plotHeight - axis.position(value) * plotHeight }
            let axisX = isLeft ? Self.left : Self.left + plotWidth
            for tick in axis.ticks {
                let py = y(tick)
                let tickEnd = isLeft ? axisX - 5 : axisX + 5
                out +=
                    "<line x1=\"\(Self.f(axisX))\" y1=\"\(Self.f(py))\" x2=\"\(Self.f(tickEnd))\" y2=\"\(Self.f(py))\" stroke=\"\(color)\"/>"
                if isLeft {
                    out +=
                        "<line x1=\"\(Self.f(Self.left))\" y1=\"\(Self.f(py))\" x2=\"\(Self.f(Self.left + plotWidth))\" y2=\"\(Self.f(py))\" stroke=\"#eee\"/>"
                }
                out +=
                    "<text x=\"\(Self.f(isLeft ? axisX - 8 : axisX + 8))\" y=\"\(Self.f(py + 4))\" text-anchor=\"\(isLeft ? "end" : "start")\" fill=\"\(color)\">\(NiceTicks.label(tick))</text>\n"
            }
            let labelX = isLeft ? 18.0 : Self.width - 18
            let axisName = logarithmic ? "\(name) (log scale)" : (isLeft ? name : "\(name) (mean over nearby steps)")
            out +=
                "<text x=\"\(Self.f(labelX))\" y=\"\(Self.f(Self.top + plotHeight / 2))\" text-anchor=\"middle\" fill=\"\(color)\" transform=\"rotate(-90 \(Self.f(labelX)) \(Self.f(Self.top + plotHeight / 2)))\">\(axisName)</text>\n"
            var points: [String] = []
            for (step, value) in isLeft ? buckets.points() : buckets.means() {
                points.append("\(Self.f(x(Double(step)))),\(Self.f(y(value)))")
            }
            let style = isLeft ? "stroke-width=\"2\"" : "stroke-width=\"1\" stroke-opacity=\"0.6\""
            out +=
                "<polyline class=\"\(name)\" fill=\"none\" stroke=\"\(color)\" \(style) points=\"\(points.joined(separator: " "))\"/>\n"
        }

        // Restarts (dashed grey) and schedule changes (solid purple).
        let kinds: [([Mark], String, String, String)] = [
            (restarts, "restart", "#7f7f7f", "stroke-dasharray=\"4 3\""),
            (scheduleChanges, "schedule-change", "#9467bd", "stroke-width=\"1.5\""),
        ]
        for (marks, name, color, style) in kinds {
            for mark in marks {
                let px = x(Double(mark.step))
                out +=
                    "<line class=\"\(name)\" x1=\"\(Self.f(px))\" y1=\"\(Self.f(Self.top))\" x2=\"\(Self.f(px))\" y2=\"\(Self.f(Self.top + plotHeight))\" stroke=\"\(color)\" \(style)/>\n"
            }
            for group in Self.labelGroups(marks, x: { x(Double($0)) }) {
                let px = x(Double(group.step)) + (name == "restart" ? 3 : -11)
                out +=
                    "<text class=\"\(name)-label\" x=\"\(Self.f(px))\" y=\"\(Self.f(Self.top + 12))\" font-size=\"10\" fill=\"\(color)\" transform=\"rotate(90 \(Self.f(px)) \(Self.f(Self.top + 12)))\">\(Self.escape(group.label))</text>\n"
            }
        }

        // Legend.
        var legendY = Self.top + 14
        for (buckets, name, color, _) in series.reversed() where buckets.hasValues {
            out +=
                "<line x1=\"\(Self.f(Self.left + plotWidth - 110))\" y1=\"\(Self.f(legendY - 4))\" x2=\"\(Self.f(Self.left + plotWidth - 90))\" y2=\"\(Self.f(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(Self.f(Self.left + plotWidth - 84))\" y=\"\(Self.f(legendY))\">\(name)</text>\n"
            legendY += 16
        }
        for (marks, name, color, style) in kinds where !marks.isEmpty {
            out +=
                "<line x1=\"\(Self.f(Self.left + plotWidth - 110))\" y1=\"\(Self.f(legendY - 4))\" x2=\"\(Self.f(Self.left + plotWidth - 90))\" y2=\"\(Self.f(legendY - 4))\" stroke=\"\(color)\" \(style)/>"
            out +=
                "<text x=\"\(Self.f(Self.left + plotWidth - 84))\" y=\"\(Self.f(legendY))\">\(name.replacingOccurrences(of: "-", with: " "))</text>\n"
            legendY += 16
        }
        if !rate.hasValues {
            out +=
                "<text x=\"\(Self.f(Self.left + plotWidth / 2))\" y=\"\(Self.f(Self.top + plotHeight / 2))\" text-anchor=\"middle\" fill=\"#555\">no logged rates</text>\n"
        }
        return out + "</svg>\n"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// The minimum horizontal distance, in pixels, between two mark labels (a label is
    /// 10-pixel text turned on its side).
    static let labelSpacing = 12.0

    /// One label per cluster of marks closer than `labelSpacing`: the mark's own label
    /// when alone, else a count and the steps the cluster spans.
    static func labelGroups(_ marks: [Mark], x: (Int64) -> Double) -> [Mark] {
        var groups: [[Mark]] = []
        for mark in marks.sorted(by: { $0.step < $1.step }) {
            if let last = groups.last?.last, x(mark.step) - x(last.step) < labelSpacing {
                groups[groups.count - 1].append(mark)
            } else {
                groups.append([mark])
            }
        }
        return groups.map { group in
            guard group.count > 1, let first = group.first, let last = group.last else { return group[0] }
            let noun = group.allSatisfy { $0.label.hasPrefix("schedule change") } ? "schedule changes" : "restarts"
            return Mark(
                step: first.step,
                label:
                    "\(group.count) \(noun), steps \(NiceTicks.label(Double(first.step)))–\(NiceTicks.label(Double(last.step)))"
            )
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Per-column first, minimum and maximum of a series.
struct Buckets {
    private var first: [(step: Int64, value: Double)?]
    private var low: [(step: Int64, value: Double)?]
    private var high: [(step: Int64, value: Double)?]
    private var sum: [Double]
    private var count: [Int]
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity

    init(count: Int) {
        first = Array(repeating: nil, count: count)
        low = Array(repeating: nil, count: count)
        high = Array(repeating: nil, count: count)
        sum = Array(repeating: 0, count: count)
        self.count = Array(repeating: 0, count: count)
    }

    var hasValues: Bool { minimum <= maximum }

    mutating func add(column: Int, step: Int64, value: Double) {
        if first[column] == nil { first[column] = (step, value) }
        if low[column].map({ value < $0.value }) ?? true { low[column] = (step, value) }
        if high[column].map({ value > $0.value }) ?? true { high[column] = (step, value) }
        sum[column] += value
        count[column] += 1
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    /// One point per non-empty column: its first step and its mean value.
    func means() -> [(Int64, Double)] {
        first.indices.compactMap { index in
            first[index].map { ($0.step, sum[index] / Double(count[index])) }
        }
    }

    /// The kept points in step order.
    func points() -> [(Int64, Double)] {
        var out: [(Int64, Double)] = []
        for index in first.indices {
            var column = [first[index], low[index], high[index]].compactMap { $0 }
            column.sort { $0.step < $1.step }
            var lastStep: Int64?
            for point in column where point.step != lastStep {
                out.append((point.step, point.value))
                lastStep = point.step
            }
        }
        return out
    }
}

/// A vertical axis: where a value sits (0 at the bottom, 1 at the top) and its ticks.
struct Axis {
    let position: (Double) -> Double
    let ticks: [Double]

    static func linear(low: Double, high: Double) -> Axis {
        let high = high > low ? high : low + 1
        let ticks = NiceTicks.ticks(from: low, to: high)
        let top = max(high, ticks.last ?? high)
        return Axis(position: { ($0 - low) / (top - low) }, ticks: ticks)
    }

    /// Decades from the one below `low` to the one above `high`.
    static func logarithmic(low: Double, high: Double) -> Axis {
        let bottom = floor(log10(low))
        let top = max(ceil(log10(high)), bottom + 1)
        let ticks = stride(from: bottom, through: top, by: 1).map { pow(10, $0) }
        return Axis(position: { (log10($0) - bottom) / (top - bottom) }, ticks: ticks)
    }
}

/// Round tick values (1, 2 or 5 times a power of ten) spanning a range.
enum NiceTicks {
    static func ticks(from low: Double, to high: Double, count: Int = 6) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }

    /// A tick's text: whole numbers with thousands separators (`1,500,000`, as steps
    /// are read), tiny values with an exponent (`1e-04`), others as short decimals.
    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) < 1e-3 { return String(format: "%.0e", value) }
        if value == value.rounded(), abs(value) < 9e18 { return grouped(Int64(value)) }
        if abs(value) >= 1e6 { return String(format: "%.3g", value) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// `1500000` as `1,500,000`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
