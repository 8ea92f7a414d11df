import Foundation
import Testing
@testable import FaceStore

@Suite("Schema")
struct SchemaTests {
    @Test("migrates from empty, twice, and from two processes at once", arguments: TestBackends.all)
    func migrateFromEmpty(_ backend: StoreBackend) async throws {
        try await withStore(backend, migrate: false) { store, database in
            #expect(try await store.schemaVersion() == 0)
            try await store.migrate()
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            try await store.migrate()
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            // The schema works after the second run.
            try await addItem(store, "/photos/a.jpg")
            #expect(try await store.statusCounts() == StatusCounts(pending: 1))
        }
        // Workers starting together on an empty database.
        let database = try await TestDatabase.make(backend)
        let stores = [try await database.openStore(migrate: false), try await database.openStore(migrate: false)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        for store in stores {
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            try await store.close()
        }
        await database.destroy()
    }

    @Test("openFaceStore picks the backend from the location and migrates", arguments: TestBackends.all)
    func openByLocation(_ backend: StoreBackend) async throws {
        let database = try await TestDatabase.make(backend)
        var location = database.location
        if backend == .postgres {
            // Run-time parameters in the URL reach the server: here the test's schema.
            var components = try #require(URLComponents(string: location))
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "search_path", value: database.schema)]
            location = try #require(components.string)
        }
        let store = try await openFaceStore(location)
        #expect(store.backend == backend)
        #expect(try await store.schemaVersion() == Migrations.latestVersion)
        try await store.close()
        await database.destroy()
    }

    @Test("migration versions strictly increase and every dialect has statements")
    func migrationList() {
        let versions = Migrations.all.map(\.version)
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        #expect(versions.first == 1)
        for migration in Migrations.all {
            #expect(!migration.sqlite.isEmpty && !migration.postgres.isEmpty && !migration.sqlServer.isEmpty)
        }
    }
}
