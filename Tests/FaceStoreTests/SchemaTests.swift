import Foundation
import StoreTestSupport
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
        // On PostgreSQL the location's run-time parameter `search_path` reaches the server: the test's schema.
        let store = try await openFaceStore(database.location)
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
