import Foundation
import PostgresNIO

extension PostgresStore {
    public func migrate() async throws {
        try await transaction("migrate") { db in
            // Many workers may start at once: serialise migrators per schema for this transaction.
            try await db.run(#"SELECT pg_advisory_xact_lock(hashtext('frs.migrate.' || COALESCE(current_schema(), '')))"#, logger)
            try await db.run("""
                CREATE TABLE IF NOT EXISTS "schema_migrations" (
                    "version" INTEGER PRIMARY KEY,
                    "name" TEXT NOT NULL,
                    "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger)
            let applied = Set(try await db.rows(#"SELECT "version" FROM "schema_migrations""#, logger)
                .map { try $0.makeRandomAccess()["version"].decode(Int.self) })
            for migration in Migrations.all where !applied.contains(migration.version) {
                for statement in migration.postgres {
                    try await db.run(PostgresQuery(unsafeSQL: statement), logger)
                }
                try await db.run("""
                    INSERT INTO "schema_migrations" ("version", "name") VALUES (\(migration.version), \(migration.name))
                    """, logger)
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await read("schemaVersion") { db in
            let exists = try await db.rows(#"SELECT to_regclass('"schema_migrations"') IS NOT NULL AS "e""#, logger)
                .first?.makeRandomAccess()["e"].decode(Bool.self) ?? false
            guard exists else { return 0 }
            return try await db.rows(#"SELECT COALESCE(MAX("version"), 0) AS "v" FROM "schema_migrations""#, logger)
                .first?.makeRandomAccess()["v"].decode(Int.self) ?? 0
        }
    }
}
