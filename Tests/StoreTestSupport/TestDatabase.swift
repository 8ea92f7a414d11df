import FaceStore
import Foundation
import GRDB
import PostgresNIO
import Testing

/// Which backends the parameterised tests run on. PostgreSQL is required unless FRS_SKIP_POSTGRES=1,
/// so a CI without a server fails loudly instead of silently testing half the code. SQL Server joins
/// when FRS_TEST_SQLSERVER_URL names one (no CI has one); without it the SQL Server suites report
/// themselves skipped, so its absence is visible and never counted as a pass.
public enum TestBackends {
    static let environment = ProcessInfo.processInfo.environment
    public static let postgresURL = environment["FRS_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let sqlServerURL = environment["FRS_TEST_SQLSERVER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let skipPostgres = environment["FRS_SKIP_POSTGRES"] == "1"
    static let postgres: [StoreBackend] = skipPostgres ? [] : [.postgres]
    static let sqlServer: [StoreBackend] = sqlServerURL == nil ? [] : [.sqlServer]
    public static let all: [StoreBackend] = [.sqlite] + postgres + sqlServer
    /// The backends many machines share.
    public static let servers: [StoreBackend] = postgres + sqlServer
    /// Why the SQL Server tests do not run, for `.enabled(if:)`.
    public static let sqlServerMissing: Comment = """
        FRS_TEST_SQLSERVER_URL is not set: set it to mssql://user:password@host:1433/master (a login that may \
        create databases) to run the tests on SQL Server too
        """
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// One fresh, empty database per test: a SQLite file in a new temporary folder, a new PostgreSQL
/// schema that the URL's `search_path` parameter selects for every connection (so a `frs` process given
/// `location` sees the same schema), or a new SQL Server database (SQL Server has no per-connection
/// schema search). `destroy()` removes the folder and the schema or database.
public struct TestDatabase: Sendable {
    public let backend: StoreBackend
    /// What `openFaceStore` and `--database` take: the SQLite file, the PostgreSQL server URL with the
    /// schema, or the URL of the SQL Server test database.
    public let location: String
    /// PostgreSQL only: the server, without the schema.
    public let server: String?
    /// PostgreSQL: the test's schema. SQL Server: the test's database.
    public let schema: String?
    /// A new folder for the test's files; it holds the SQLite file (in `data/`, where frs keeps it).
    public let directory: URL

    /// `server` is a PostgreSQL URL to use instead of `FRS_TEST_DATABASE_URL`.
    public static func make(_ backend: StoreBackend, server: String? = nil) async throws -> TestDatabase {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frs-test-\(tag)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            return TestDatabase(backend: .sqlite, location: directory.appendingPathComponent("data/frs.sqlite").path,
                                server: nil, schema: nil, directory: directory)
        case .postgres:
            guard let url = server ?? TestBackends.postgresURL else {
                throw TestSetupError(description: """
                    FRS_TEST_DATABASE_URL is not set, so the PostgreSQL tests cannot run. Start a throw-away \
                    server with `export FRS_TEST_DATABASE_URL="$(scripts/pg-test-server start)"` (installs \
                    PostgreSQL with apt-get when run as root), or set FRS_SKIP_POSTGRES=1 to test SQLite only.
                    """)
            }
            let schema = "frs_test_\(tag)"
            let location = url + (url.contains("?") ? "&" : "?") + "search_path=\(schema)"
            let database = TestDatabase(backend: .postgres, location: location, server: url, schema: schema, directory: directory)
            // The schema name is generated above from hex digits, so quoting it as an identifier is safe.
            try await database.executeRaw(#"CREATE SCHEMA "\#(schema)""#)
            return database
        case .sqlServer:
            let name = "frs_test_\(tag)"
            return TestDatabase(backend: .sqlServer, location: try await SQLServerTestServer.createDatabase(name),
                                server: nil, schema: name, directory: directory)
        }
    }

    /// A new store with its own connection(s), like a separate worker process.
    public func openStore(migrate: Bool = true) async throws -> any FaceStore {
        let store: any FaceStore = switch backend {
        case .sqlite: try SQLiteStore(path: location)
        case .postgres: try PostgresStore(url: server!, schema: schema)
        case .sqlServer: try SQLServerStore(location: location)
        }
        if migrate { try await store.migrate() }
        return store
    }

    /// Runs fixture SQL the way another program would, outside the store's API.
    /// Only constant test SQL goes here.
    public func executeRaw(_ sql: String) async throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: location)
            try await queue.write { try $0.execute(sql: sql) }
            try queue.close()
        case .postgres:
            let store = try PostgresStore(url: server!, schema: schema, maximumConnections: 1)
            do {
                try await store.client.query(PostgresQuery(unsafeSQL: sql))
            } catch {
                try await store.close()
                throw TestSetupError(description: "raw SQL failed: \(String(reflecting: error))")
            }
            try await store.close()
        case .sqlServer:
            let store = try SQLServerStore(location: location, maximumConnections: 1)
            do {
                try await store.executeOutsideTransaction(sql)
            } catch {
                try await store.close()
                throw TestSetupError(description: "raw SQL failed: \(error)")
            }
            try await store.close()
        }
    }

    public func destroy() async {
        try? FileManager.default.removeItem(at: directory)
        guard let schema else { return }
        switch backend {
        case .sqlite: break
        // A schema on a test's own server is thrown away with that server (which may be gone by now).
        case .postgres: if server == TestBackends.postgresURL { try? await executeRaw(#"DROP SCHEMA "\#(schema)" CASCADE"#) }
        case .sqlServer: await SQLServerTestServer.dropDatabase(schema)
        }
    }
}

/// The SQL Server named by FRS_TEST_SQLSERVER_URL (an mssql:// URL or ODBC string whose login may
/// create databases): one database per test, dropped afterwards.
public enum SQLServerTestServer {
    /// Creates database `name` (hex digits and underscores, generated by the caller, so safe to
    /// quote as an identifier) and returns its location.
    public static func createDatabase(_ name: String) async throws -> String {
        guard let server = TestBackends.sqlServerURL else { throw TestSetupError(description: "\(TestBackends.sqlServerMissing)") }
        let admin = try SQLServerStore(location: server, maximumConnections: 1)
        do {
            try await admin.executeOutsideTransaction("CREATE DATABASE [\(name)]")
        } catch {
            try? await admin.close()
            throw TestSetupError(description: "cannot create the test database on \(maskedURL(server)): \(error)")
        }
        try await admin.close()
        return try SQLServerTarget.location(server, database: name)
    }

    public static func dropDatabase(_ name: String) async {
        guard let server = TestBackends.sqlServerURL, let admin = try? SQLServerStore(location: server, maximumConnections: 1) else { return }
        try? await admin.executeOutsideTransaction(SQLServerTarget.dropDatabase(name))
        try? await admin.close()
    }
}

/// Runs `body` with a migrated store on a fresh database, then closes and drops everything.
public func withStore(_ backend: StoreBackend, migrate: Bool = true,
                      _ body: (any FaceStore, TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.make(backend)
    do {
        let store = try await database.openStore(migrate: migrate)
        do {
            try await body(store, database)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    } catch {
        await database.destroy()
        throw error
    }
    await database.destroy()
}
