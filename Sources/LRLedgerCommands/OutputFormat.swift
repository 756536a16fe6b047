import ArgumentParser

/// How a listing is printed: aligned for a terminal, or CSV and JSON for programs.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table
    case csv
    case json
}

/// The `--format` option every listing takes.
public struct FormatOptions: ParsableArguments {
    @Option(help: "Output format: table, csv or json.")
    public var format: OutputFormat = .table

    public init() {}
}
