import Foundation
import StoreTestSupport
import Testing
@testable import FaceStore

@Suite("Errors and URLs")
struct ErrorTests {
    @Test("maskedURL hides passwords and nothing else", arguments: [
        ("postgres://frs:s3cret@db.example:5432/frs", "postgres://frs:***@db.example:5432/frs"),
        ("postgres://frs:p@ss/w:rd@db:5432/frs?sslmode=require", "postgres://frs:***@db:5432/frs?sslmode=require"),
        ("postgres://frs@127.0.0.1:5432/frs_test", "postgres://frs@127.0.0.1:5432/frs_test"),
        ("postgresql://db/frs?user=x@y", "postgresql://db/frs?user=x@y"),
        ("/var/lib/frs/frs.sqlite", "/var/lib/frs/frs.sqlite"),
        ("not a url", "not a url"),
    ])
    func masking(_ input: String, _ expected: String) {
        #expect(maskedURL(input) == expected)
    }

    @Test("PostgreSQL URLs parse into connection settings")
    func parsing() throws {
        let url = try PostgresURL("postgres://frs:p%40ss@db.internal:6543/faces?sslmode=require&search_path=frs&application_name=worker")
        #expect(url.user == "frs" && url.password == "p@ss" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "faces" && url.tls == .require)
        #expect(url.parameters.map(\.0) == ["search_path", "application_name"])
        #expect(try PostgresURL("postgres://frs:a%2541@h/d").password == "a%41", "decoded exactly once")

        let socket = try PostgresURL("postgres://frs@localhost/frs_test?host=/tmp/frs-pg")
        #expect(socket.socketDirectory == "/tmp/frs-pg" && socket.port == 5432 && socket.password == nil)

        do {
            _ = try PostgresURL("mysql://frs:hunter2@db/x")
            Issue.record("a non-PostgreSQL URL must be rejected")
        } catch let error as FaceStoreError {
            #expect(error.reason == .invalidURL)
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("frs:***@db"))
        }
    }

    @Test("errors name backend, operation and id")
    func describing() {
        let error = FaceStoreError(.leaseLost, operation: "complete", backend: .postgres, id: 42, detail: "taken over")
        #expect(error.description == "postgres complete (id 42): lease lost: taken over")
    }

    @Test("database errors name the operation and leak no password", arguments: TestBackends.all)
    func databaseErrorIsSafe(_ backend: StoreBackend) async throws {
        let database = try await TestDatabase.make(backend)
        // An unmigrated database: every query fails on the server side.
        let store: any FaceStore
        switch backend {
        case .sqlite:
            store = try SQLiteStore(path: database.location)
        case .postgres:
            let server = try #require(database.server)
            var components = try #require(URLComponents(string: server))
            components.password = "hunter2" // the test server trusts local users, so any password works
            let url = try #require(components.string)
            store = try PostgresStore(url: url, schema: database.schema)
            #expect((store as? PostgresStore)?.displayURL.contains("hunter2") == false)
        case .sqlServer:
            // The test's database exists but is not migrated; its login's password is the real one.
            store = try SQLServerStore(location: database.location)
        }
        do {
            _ = try await store.statusCounts()
            Issue.record("expected a database error")
        } catch let error as FaceStoreError {
            #expect(error.reason == .database && error.operation == "statusCounts" && error.backend == backend)
            #expect(!error.description.contains("hunter2"), "\(error)")
            if backend == .sqlServer, let password = try? SQLServerTarget(database.location).password, !password.isEmpty {
                #expect(!error.description.contains(password), "\(error)")
            }
            #expect(error.description.contains("MediaItems"), "the server's message is kept: \(error)")
        }
        try await store.close()
        await database.destroy()
    }
}
