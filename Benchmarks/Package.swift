// swift-tools-version: 6.1
// lrledger's benchmarks: a package of their own, beside the main one (as swift-log
// keeps its benchmarks), so that `swift build` of lrledger never fetches or builds the
// benchmark framework.
//
//   cd Benchmarks && swift package benchmark     # the in-process suites (package-benchmark)
//   scripts/bench                                # whole-program figures against C baselines
import PackageDescription

let package = Package(
    name: "lrledger-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "lrledger", path: ".."),
        // ordo-one/benchmark is package-benchmark's current name (the old identifier is
        // deprecated). MallocInterposer only: the default traits also pull in a runtime
        // interposer this build does not need.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Rates per second of the schedule the trainer evaluates every step.
        .executableTarget(
            name: "ScheduleBenchmarks",
            dependencies: [
                .product(name: "Schedules", package: "lrledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ScheduleBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The ledger's hot paths: buffering a logged rate, committing 1,000 rows.
        .executableTarget(
            name: "LedgerBenchmarks",
            dependencies: [
                .product(name: "Schedules", package: "lrledger"),
                .product(name: "Ledger", package: "lrledger"),
                .product(name: "Trainer", package: "lrledger"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LedgerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Encoding and decoding a workload's checkpoint.
        .executableTarget(
            name: "CheckpointBenchmarks",
            dependencies: [
                .product(name: "Trainer", package: "lrledger"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CheckpointBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The in-process baselines scripts/bench needs: the model's arithmetic alone,
        // and schedule evaluation over a million steps. No benchmark framework, so the
        // script builds only this and lrledger's own libraries.
        .executableTarget(
            name: "lrledger-bench-tool",
            dependencies: [
                .product(name: "Schedules", package: "lrledger"),
                .product(name: "Trainer", package: "lrledger"),
            ],
            path: "Sources/BenchTool"
        ),
    ]
)
