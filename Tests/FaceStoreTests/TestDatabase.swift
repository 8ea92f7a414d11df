import Foundation
import GRDB
import PostgresNIO
import Testing
@testable import FaceStore

/// Which backends the parameterised tests run on. PostgreSQL is required unless explicitly skipped,
/// so a CI without a server fails loudly instead of silently testing half the code; under CI
/// (`CI=true`) the skip is refused. SQL Server joins
/// when FRS_TEST_SQLSERVER_URL names one (no CI has one); without it the "SQL Server" suite reports
/// itself skipped, so its absence is visible and never counted as a pass.
enum TestBackends {
    static let environment = ProcessInfo.processInfo.environment
    static let postgresURL = environment["FRS_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let sqlServerURL = environment["FRS_TEST_SQLSERVER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipPostgres = environment["FRS_SKIP_POSTGRES"] == "1" && environment["CI"] != "true"
    static let all: [StoreBackend] = (skipPostgres ? [.sqlite] : [.sqlite, .postgres]) + (sqlServerURL == nil ? [] : [.sqlServer])
    /// Why SQL Server tests do not run, for `.enabled(if:)`.
    static let sqlServerMissing: Comment = """
        FRS_TEST_SQLSERVER_URL is not set: set it to mssql://user:password@host:1433/master (a login that may \
        create databases) to run every store test on SQL Server too
        """
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// One fresh, empty database per test: a SQLite file in a new temp dir, a new PostgreSQL schema
/// (every connection of the test gets it as search_path), or a new SQL Server database (SQL Server
/// has no per-connection schema search). `destroy()` removes it.
struct TestDatabase: Sendable {
    let backend: StoreBackend
    /// SQLite: the file. PostgreSQL: the server URL. SQL Server: the URL of the test's database.
    let location: String
    /// PostgreSQL: the test's schema. SQL Server: the test's database.
    let schema: String?
    let directory: URL?

    static func make(_ backend: StoreBackend) async throws -> TestDatabase {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frs-store-test-\(tag)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return TestDatabase(backend: .sqlite, location: dir.appendingPathComponent("frs.sqlite").path,
                                schema: nil, directory: dir)
        case .postgres:
            guard let url = TestBackends.postgresURL else {
                throw TestSetupError(description: """
                    FRS_TEST_DATABASE_URL is not set, so the PostgreSQL tests cannot run. Start a throw-away \
                    server with `export FRS_TEST_DATABASE_URL="$(scripts/pg-test-server start)"` (installs \
                    PostgreSQL with apt-get when run as root), or set FRS_SKIP_POSTGRES=1 to test SQLite only.
                    """)
            }
            let database = TestDatabase(backend: .postgres, location: url, schema: "frs_test_\(tag)", directory: nil)
            // The schema name is generated above from hex digits, so quoting it as an identifier is safe.
            try await database.executeRaw(#"CREATE SCHEMA "\#(database.schema!)""#)
            return database
        case .sqlServer:
            let name = "frs_test_\(tag)"
            return TestDatabase(backend: .sqlServer, location: try await SQLServerTestServer.createDatabase(name),
                                schema: name, directory: nil)
        }
    }

    /// A new store with its own connection(s), like a separate worker process.
    func openStore(migrate: Bool = true) async throws -> any FaceStore {
        let store: any FaceStore = switch backend {
        case .sqlite: try SQLiteStore(path: location)
        case .postgres: try PostgresStore(url: location, schema: schema)
        case .sqlServer: try SQLServerStore(location: location)
        }
        if migrate { try await store.migrate() }
        return store
    }

    /// Runs fixture SQL the way another program would, outside the store's API.
    /// Only constant test SQL goes here.
    func executeRaw(_ sql: String) async throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: location)
            try await queue.write { try $0.execute(sql: sql) }
            try queue.close()
        case .postgres:
            let store = try PostgresStore(url: location, schema: schema, maximumConnections: 1)
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
                try await store.transaction("raw SQL") { try $0.run(sql) }
            } catch {
                try await store.close()
                throw TestSetupError(description: "raw SQL failed: \(error)")
            }
            try await store.close()
        }
    }

    func destroy() async {
        switch backend {
        case .sqlite:
            if let directory { try? FileManager.default.removeItem(at: directory) }
        case .postgres:
            try? await executeRaw(#"DROP SCHEMA "\#(schema!)" CASCADE"#)
        case .sqlServer:
            await SQLServerTestServer.dropDatabase(schema!)
        }
    }
}

/// The SQL Server named by FRS_TEST_SQLSERVER_URL (an mssql:// URL or ODBC string whose login may
/// create databases): one database per test, dropped afterwards.
enum SQLServerTestServer {
    static func location() throws -> String {
        guard let url = TestBackends.sqlServerURL else { throw TestSetupError(description: "\(TestBackends.sqlServerMissing)") }
        return url
    }

    /// Creates database `name` (hex digits and underscores, generated by the caller, so safe to
    /// quote as an identifier) and returns its location.
    static func createDatabase(_ name: String) async throws -> String {
        let server = try location()
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

    static func dropDatabase(_ name: String) async {
        guard let server = TestBackends.sqlServerURL, let admin = try? SQLServerStore(location: server, maximumConnections: 1) else { return }
        try? await admin.executeOutsideTransaction(SQLServerTarget.dropDatabase(name))
        try? await admin.close()
    }
}

/// Runs `body` with a migrated store on a fresh database, then closes and drops everything.
func withStore(_ backend: StoreBackend, migrate: Bool = true,
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

// MARK: - Fixtures

let fixedMTime = Date(timeIntervalSince1970: 1_700_000_000.123456)

func mediaInfo(_ path: String, size: Int64 = 1000, mtime: Date = fixedMTime, hash: String? = nil,
               kind: MediaKind = .image) -> MediaFileInfo {
    MediaFileInfo(path: path, size: size, mtime: mtime, contentHash: hash ?? String(repeating: "ab", count: 32),
                  kind: kind, width: 640, height: 480)
}

func newFace(_ n: Int, embedding: [Float]? = nil) -> NewFace {
    let x = Double(n) * 10
    return NewFace(box: BoundingBox(x1: x, y1: 5.5, x2: x + 40.25, y2: 60), score: 0.9,
                   landmarks: (0..<10).map { Float($0) + 0.5 }, faceSize: 40, embedding: embedding,
                   embeddingModel: embedding == nil ? nil : "arcface-r100")
}

/// Adds one file and returns its item id.
@discardableResult
func addItem(_ store: any FaceStore, _ path: String) async throws -> Int64 {
    guard case .added(_, let itemId) = try await store.addMedia(mediaInfo(path)) else {
        throw TestSetupError(description: "\(path) was not new")
    }
    return itemId
}

/// Adds a file, claims and completes it with `faces`; returns the face ids.
func addCompleted(_ store: any FaceStore, _ path: String, faces: [NewFace]) async throws -> [Int64] {
    let itemId = try await addItem(store, path)
    let claimed = try await store.claim(owner: "setup", limit: 100, leaseSeconds: 60)
    #expect(claimed.contains { $0.id == itemId })
    for item in claimed where item.id != itemId {
        try await store.fail(item: item.id, owner: "setup", error: "not part of this fixture")
    }
    return try await store.complete(item: itemId, owner: "setup", faces: faces)
}

/// Asserts that `body` throws a FaceStoreError with `reason`, and returns it.
@discardableResult
func expectStoreError(_ reason: FaceStoreError.Reason, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> FaceStoreError? {
    do {
        try await body()
        Issue.record("expected FaceStoreError.\(reason), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FaceStoreError {
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected FaceStoreError.\(reason), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
