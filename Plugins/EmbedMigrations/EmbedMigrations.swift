import Foundation
import PackagePlugin

/// Embeds the package's `migrations/*.sql` files (the SQLite store's) and
/// `migrations/postgres/*.sql` files (the PostgreSQL store's) into the target that uses
/// this plugin.
///
/// The SQL files stay the single source of truth for the schema; the generated Swift
/// file only carries their exact text into the binary, so a release binary copied
/// alone to another folder still knows its migrations.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "migrations")
        let postgresDirectory = directory.appending(path: "postgres")
        func sqlFiles(_ folder: URL) throws -> [URL] {
            try FileManager.default
                .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let sqliteFiles = try sqlFiles(directory)
        let postgresFiles = try sqlFiles(postgresDirectory)
        let files = sqliteFiles + postgresFiles
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) SQL migrations",
                executable: try context.tool(named: "EmbedMigrationsTool").url,
                arguments: [output.path] + sqliteFiles.map(\.path) + ["--postgres"] + postgresFiles.map(\.path),
                inputFiles: files + [directory, postgresDirectory],
                outputFiles: [output]
            )
        ]
    }
}
