import ArgumentParser
import FacePipeline
import FaceStore
import Foundation

/// Which database a command works on, shared by every command that reads or writes persons.
struct StoreOptions: ParsableArguments {
    /// The database, data directory and config file, resolved like every library command does.
    @OptionGroup var library: LibraryOptions

    var settings: Settings { get throws { try library.settings() } }
    var location: String { get throws { try settings.database } }

    /// Opens the store, runs `body` and closes the store whatever happens.
    /// A SQLite file must exist already: a typo should not quietly create an empty database.
    func withStore<T>(_ body: (any FaceStore) async throws -> T) async throws -> T {
        let location = try location
        if let path = try DatabaseLocation(location).sqlitePath {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no library at \(path): run `frs run PHOTOS` or `frs add` first, or give --database / --data-dir")
            }
        }
        return try await withFaceStore(location, body)
    }

    func withPeople<T>(_ body: (PeopleService) async throws -> T) async throws -> T {
        try await withStore { try await body(PeopleService(store: $0, actor: Self.actor)) }
    }

    /// The history rows' actor for changes made from the command line: the login name.
    static var actor: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        return user.isEmpty ? "cli" : user
    }
}

/// `--dry-run` and the database, for every command that changes persons.
struct ChangeOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Flag(help: "Print what would change and write nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run(_ change: (PeopleService, Bool) async throws -> ChangeReport) async throws {
        let report = try await store.withPeople { try await change($0, dryRun) }
        if json {
            print(try JSONOutput.string(report))
        } else {
            print(Printable.escaped(report.message))
            for warning in report.warnings { FileHandle.standardError.write(Data(("warning: " + Printable.escaped(warning) + "\n").utf8)) }
        }
    }
}
