import ArgumentParser
import FacePipeline
import FaceStore
import Foundation
import Logging

/// Options of every command that works on the library (database, data directory, logs).
struct LibraryOptions: ParsableArguments {
    @Option(name: .customLong("database"), help: ArgumentHelp("A postgres:// or mssql:// URL, a PostgreSQL keyword or ODBC connection string, or a SQLite file (default: frs.sqlite in the data directory; env FRS_DATABASE_URL).", valueName: "url|path"))
    var database: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the SQLite database, thumbnails and logs live (env FRS_DATA).", valueName: "dir"))
    var dataDirectory: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("Config file (env FRS_CONFIG; default $XDG_CONFIG_HOME/frs/config or ~/.config/frs/config).", valueName: "file"))
    var configFile: String?

    @Option(name: .customLong("path-map"), help: ArgumentHelp("Rewrite stored path prefixes, e.g. 'C:/media/=/mnt/media/' (';' between pairs).", valueName: "from=to"))
    var pathMap: String?

    @Flag(name: .shortAndLong, help: "Log more (debug level).") var verbose = false
    @Flag(name: .shortAndLong, help: "Log only warnings and errors.") var quiet = false

    func settings() throws -> Settings {
        var settings = try Settings.load(configFile: configFile.map { URL(fileURLWithPath: $0) })
        if let database { try settings.set(.database, database, source: .flag) }
        if let dataDirectory { try settings.set(.dataDirectory, dataDirectory, source: .flag) }
        if let pathMap { try settings.set(.pathMap, pathMap, source: .flag) }
        if verbose { try settings.set(.logLevel, "debug", source: .flag) }
        if quiet { try settings.set(.logLevel, "warning", source: .flag) }
        return settings
    }

    /// The settings with the detection flags applied, and logging set up: the start of every
    /// command that detects.
    func detectionSettings(_ detection: PipelineDetectionOptions, video: VideoOption? = nil, logFile: String? = nil) throws -> Settings {
        var settings = try settings()
        try detection.apply(to: &settings)
        try video?.apply(to: &settings)
        bootstrapLogging(settings, logFile: logFile)
        return settings
    }

    /// Sets up logging; `logFile` adds the rotating file in the data directory (watch, automate).
    func bootstrapLogging(_ settings: Settings, logFile: String? = nil) {
        let level = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
        LogOutput.bootstrap(level: level, file: logFile.map { settings.dataDirectory.logs.appendingPathComponent($0) })
    }

    /// Opens (and migrates) the database. In a dry run nothing is created: a database that does not
    /// exist yet (a missing SQLite file, an empty PostgreSQL schema) gives nil, and no migration runs.
    func openStore(_ settings: Settings, dryRun: Bool = false) async throws -> (any FaceStore)? {
        let location = settings.database
        if let path = try DatabaseLocation(location).sqlitePath {
            if dryRun && !FileManager.default.fileExists(atPath: path) { return nil }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let store = try await openFaceStore(location, migrate: !dryRun)
        if dryRun, try await store.schemaVersion() == 0 {
            try await store.close()
            return nil
        }
        return store
    }

    /// Opens the store like `openStore`, runs `body`, and closes the store before returning, whether
    /// `body` succeeds or throws: PostgreSQL connections end cleanly and SQLite's WAL is checkpointed
    /// before the process exits. Nil, without calling `body`, when a dry run finds no database.
    func withStore<T>(_ settings: Settings, dryRun: Bool = false, _ body: (any FaceStore) async throws -> T) async throws -> T? {
        guard let store = try await openStore(settings, dryRun: dryRun) else { return nil }
        return try await store.closing(body)
    }
}

/// The `--dry-run` flag of every command that writes.
struct DryRunOption: ParsableArguments {
    @Flag(help: "Show what would happen; write nothing (no rows, no files).") var dryRun = false
}
