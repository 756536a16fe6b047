// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "lrledger",
    // Linux only, so no `platforms:` list: LRLedgerCommands imports Glibc unconditionally and
    // the ledger reads /proc to identify a writer (boot id, PID namespace, process start time).
    // CI builds and tests on Linux; a port to macOS would have to replace both first.
    products: [
        .library(name: "Schedules", targets: ["Schedules"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Trainer", targets: ["Trainer"]),
        .executable(name: "lrledger", targets: ["lrledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Keras-exact learning-rate schedules: pure math, no dependencies.
        .target(name: "Schedules"),

        // SQLite storage: migrations, runs, segments, rate log, checkpoints, audit.
        .target(
            name: "Ledger",
            dependencies: [
                "Schedules",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrations"]
        ),

        // The training loop, its built-in workloads and checkpoint encoding.
        .target(
            name: "Trainer",
            dependencies: [
                "Schedules",
                "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),

        // The attach protocol: one segment driven by another process (Python trainers).
        .target(
            name: "AttachProtocol",
            dependencies: ["Schedules", "Ledger", .product(name: "Logging", package: "swift-log")]
        ),

        // The web dashboard and JSON API over a read-only ledger (`lrledger serve`).
        .target(
            name: "Dashboard",
            dependencies: [
                "Schedules",
                "Ledger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The command-line interface, as a library so tests can drive it.
        .target(
            name: "LRLedgerCommands",
            dependencies: [
                "Schedules",
                "Ledger",
                "Trainer",
                "AttachProtocol",
                "Dashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "lrledger",
            dependencies: ["LRLedgerCommands", .product(name: "Logging", package: "swift-log")]
        ),

        // A child process for LedgerTests: attaches to a run and commits in a loop
        // (or holds the run), so tests can SIGKILL a real writer mid-commit.
        .executableTarget(name: "LedgerCrashProbe", dependencies: ["Ledger", "Schedules"]),

        // Build-time embedding of migrations/*.sql into the Ledger module, so the
        // binary carries its schema wherever it is copied.
        .executableTarget(name: "EmbedMigrationsTool", path: "Sources/EmbedMigrationsTool"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["EmbedMigrationsTool"]),

        // Helpers shared by the test targets (temporary folders, running a program, the sqlite3 shell).
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "SchedulesTests", dependencies: ["Schedules"], exclude: ["Fixtures"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Schedules", "LedgerCrashProbe", "TestSupport"]),
        .testTarget(name: "AttachProtocolTests", dependencies: ["AttachProtocol", "Ledger", "Schedules"]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "Ledger", "Schedules",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "Ledger", "Schedules"]),
        .testTarget(
            name: "LRLedgerCommandsTests",
            dependencies: [
                "LRLedgerCommands", "Schedules", "Ledger", "Trainer", "lrledger", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Fuzz"]
        ),
    ]
)
