import Foundation
import GRDB

extension SQLiteStore {
    public func migrate() async throws {
        // Up to date, as nearly always: no write lock, so that opening never waits for a writer.
        // Every version must be there, not only the highest: one added below it is applied too.
        if try await appliedVersions().isSuperset(of: Migrations.all.map(\.version)) { return }
        try await write("migrate") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS "schema_migrations" (
                    "version" INTEGER PRIMARY KEY,
                    "name" TEXT NOT NULL,
                    "applied_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
                )
                """)
            let applied = Set(try Int.fetchAll(db, sql: #"SELECT "version" FROM "schema_migrations""#))
            for migration in Migrations.all where !applied.contains(migration.version) {
                for statement in migration.sqlite {
                    try db.execute(sql: statement)
                }
                try db.execute(sql: #"INSERT INTO "schema_migrations" ("version", "name") VALUES (?, ?)"#,
                               arguments: [migration.version, migration.name])
            }
        }
    }

    func appliedVersions() async throws -> Set<Int> {
        try await read("schemaVersion") { db in
            guard try db.tableExists("schema_migrations") else { return [] }
            return Set(try Int.fetchAll(db, sql: #"SELECT "version" FROM "schema_migrations""#))
        }
    }

    public func schemaVersion() async throws -> Int {
        try await read("schemaVersion") { db in
            guard try db.tableExists("schema_migrations") else { return 0 }
            return try Int.fetchOne(db, sql: #"SELECT MAX("version") FROM "schema_migrations""#) ?? 0
        }
    }
}
