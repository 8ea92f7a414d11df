import FRSTestSupport
import FacePipeline
import FaceVision
import Foundation
import Testing
@testable import FaceStore

/// Which backends the parameterised tests run on; PostgreSQL is required unless FRS_SKIP_POSTGRES=1,
/// like the store tests, so a CI without a server fails loudly.
enum TestBackends {
    static let environment = ProcessInfo.processInfo.environment
    static let postgresURL = environment["FRS_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// SQL Server joins when this is set; without it the "SQL Server people" suite reports itself skipped.
    static let sqlServerURL = environment["FRS_TEST_SQLSERVER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Under CI (`CI=true`) PostgreSQL is never skipped: a missing server fails the tests.
    static let all: [StoreBackend] = (environment["FRS_SKIP_POSTGRES"] == "1" && environment["CI"] != "true" ? [.sqlite] : [.sqlite, .postgres])
        + (sqlServerURL == nil ? [] : [.sqlServer])
    static let sqlServerMissing: Comment = """
        FRS_TEST_SQLSERVER_URL is not set: set it to mssql://user:password@host:1433/master (a login that may \
        create databases) to run the people and web tests on SQL Server too
        """
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Paths {
    static var seed: URL { SharedData.seed }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A fresh database per test, as in Tests/FaceStoreTests/TestDatabase.swift: a SQLite file in a new temp
/// folder, or a new PostgreSQL schema that the `search_path` URL parameter selects for every connection
/// (so the frs binary, given `location`, sees the same schema).
struct TestDatabase: Sendable {
    let backend: StoreBackend
    /// What `--database` takes.
    let location: String
    let schema: String?
    /// Holds the SQLite file, the data directory (thumbnails) and other test files.
    let directory: URL

    var dataDirectory: DataDirectory { DataDirectory(root: directory.appendingPathComponent("data")) }

    static func make(_ backend: StoreBackend) async throws -> TestDatabase {
        let directory = try Paths.temporaryDirectory("frs-web-test")
        switch backend {
        case .sqlite:
            return TestDatabase(backend: .sqlite, location: directory.appendingPathComponent("frs.sqlite").path,
                                schema: nil, directory: directory)
        case .postgres:
            guard let url = TestBackends.postgresURL else {
                throw TestFailure("""
                    FRS_TEST_DATABASE_URL is not set, so the PostgreSQL tests cannot run: \
                    export FRS_TEST_DATABASE_URL="$(scripts/pg-test-server start)", or FRS_SKIP_POSTGRES=1 for SQLite only
                    """)
            }
            let schema = "frs_web_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            // The schema name is hex digits generated here, so quoting it as an identifier is safe.
            try await raw(url, #"CREATE SCHEMA "\#(schema)""#)
            let location = url + (url.contains("?") ? "&" : "?") + "search_path=\(schema)"
            return TestDatabase(backend: .postgres, location: location, schema: schema, directory: directory)
        case .sqlServer:
            let name = "frs_web_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            do {
                return TestDatabase(backend: .sqlServer, location: try await SQLServerTestServer.createDatabase(name),
                                    schema: name, directory: directory)
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
        }
    }

    static func raw(_ url: String, _ sql: String) async throws {
        let store = try PostgresStore(url: url, maximumConnections: 1)
        do {
            try await store.client.query(.init(unsafeSQL: sql))
        } catch {
            try? await store.close()
            throw TestFailure("raw SQL failed: \(String(reflecting: error))")
        }
        try await store.close()
    }

    func openStore() async throws -> any FaceStore { try await openFaceStore(location) }

    func destroy() async {
        try? FileManager.default.removeItem(at: directory)
        if backend == .sqlServer, let schema {
            await SQLServerTestServer.dropDatabase(schema)
        } else if let schema, let url = TestBackends.postgresURL {
            try? await Self.raw(url, #"DROP SCHEMA "\#(schema)" CASCADE"#)
        }
    }
}

/// The SQL Server named by FRS_TEST_SQLSERVER_URL (an mssql:// URL or ODBC string whose login may
/// create databases): one database per test, dropped afterwards.
enum SQLServerTestServer {
    /// Creates database `name` (generated hex, safe to quote as an identifier) and returns its location.
    static func createDatabase(_ name: String) async throws -> String {
        guard let server = TestBackends.sqlServerURL else { throw TestFailure("\(TestBackends.sqlServerMissing)") }
        let admin = try SQLServerStore(location: server, maximumConnections: 1)
        do {
            try await admin.executeOutsideTransaction("CREATE DATABASE [\(name)]")
        } catch {
            try? await admin.close()
            throw TestFailure("cannot create the test database on \(maskedURL(server)): \(error)")
        }
        try await admin.close()
        return try SQLServerTarget.location(server, database: name)
    }

    static func dropDatabase(_ name: String) async {
        guard let server = TestBackends.sqlServerURL, let admin = try? SQLServerStore(location: server, maximumConnections: 1) else { return }
        try? await admin.executeOutsideTransaction(SQLServerTarget.dropDatabase(name))
        try? await admin.close()
    }
}

/// Runs `body` with a seeded library on a fresh database, then drops it.
func withSeededLibrary(_ backend: StoreBackend, _ body: (TestDatabase, SeededLibrary) async throws -> Void) async throws {
    let database = try await TestDatabase.make(backend)
    do {
        let library = try await withFaceStore(database.location) { store in
            try await SeededLibrary.create(in: store, data: database.dataDirectory)
        }
        try await body(database, library)
    } catch {
        await database.destroy()
        throw error
    }
    await database.destroy()
}
