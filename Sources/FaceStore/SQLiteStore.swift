import Foundation
import GRDB

/// The default store: one SQLite file in WAL mode with foreign keys on and a busy timeout, so several
/// worker processes on one machine can share it. Writes use `BEGIN IMMEDIATE` transactions: the write
/// lock is taken up front, which makes read-then-write sequences (claiming, completing) atomic
/// across processes.
public final class SQLiteStore: FaceStore {
    public var backend: StoreBackend { .sqlite }
    public let path: String
    let pool: DatabasePool
    public let thumbnailNaming: ThumbnailNaming

    /// Opens (creating if needed) the database file. Call `migrate()` before use.
    public init(path: String, busyTimeout: TimeInterval = 30,
                thumbnailNaming: @escaping ThumbnailNaming = Thumbnails.defaultNaming) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "frs"
        self.path = path
        self.thumbnailNaming = thumbnailNaming
        do {
            // DatabasePool switches the file to WAL mode.
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw FaceStoreError(.database, operation: "open", backend: .sqlite, detail: safeDetail(error))
        }
    }

    /// Copies what the write-ahead log holds into the database file first (passive: never waits for
    /// other processes), so that after a command ends the `.sqlite` file alone holds its work, as a
    /// backup copy of that one file expects. GRDB's close leaves the log as it is.
    public func close() async throws {
        try await storeOperation("close", .sqlite) {
            _ = try await pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
            try pool.close()
        }
    }

    // MARK: Helpers

    /// A write transaction that takes SQLite's write lock at BEGIN.
    func write<T: Sendable>(_ operation: String, id: Int64? = nil,
                            _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storeOperation(operation, .sqlite, id: id) {
            try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    func read<T: Sendable>(_ operation: String, id: Int64? = nil,
                           _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storeOperation(operation, .sqlite, id: id) { try await pool.read(body) }
    }

    func leaseLost(_ id: Int64, _ why: String) -> FaceStoreError {
        FaceStoreError(.leaseLost, operation: "", backend: .sqlite, id: id, detail: why)
    }

    // MARK: Schema

    public func migrate() async throws {
        // Up to date, as nearly always: no write lock, so that opening never waits for a writer.
        if try await schemaVersion() >= Migrations.latestVersion { return }
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

    public func schemaVersion() async throws -> Int {
        try await read("schemaVersion") { db in
            guard try db.tableExists("schema_migrations") else { return 0 }
            return try Int.fetchOne(db, sql: #"SELECT MAX("version") FROM "schema_migrations""#) ?? 0
        }
    }

    // MARK: Media

    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        try await write("addMedia") { db in
            let now = Date()
            let existing = try Row.fetchOne(db, sql: """
                SELECT "Id", "Size", "MTime", "ContentHash" FROM "MediaFile" WHERE "FilePath" = ?
                """, arguments: [info.path])
            guard let existing else {
                try db.execute(sql: """
                    INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash",
                                             "Kind", "Width", "Height", "CreatedAt", "ModifiedAt")
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [info.path, info.fileName, info.fileExtension, info.size,
                                     info.mtime.timeIntervalSince1970, info.contentHash, info.kind.rawValue,
                                     info.width, info.height, now, now])
                let fileId = db.lastInsertedRowID
                return .added(fileId: fileId, itemId: try Self.insertItems(db, fileId: fileId, info: info, now: now))
            }
            let fileId: Int64 = existing["Id"]
            let stored = StoredMetadata(size: existing["Size"], mtime: existing["MTime"], hash: existing["ContentHash"])
            let decision = stored.compare(with: info)
            if decision == .same { return .unchanged(fileId: fileId) }
            try db.execute(sql: """
                UPDATE "MediaFile" SET "FileName" = ?, "Extension" = ?, "Size" = ?, "MTime" = ?, "ContentHash" = ?,
                                       "Kind" = ?, "Width" = ?, "Height" = ?, "ModifiedAt" = ?
                WHERE "Id" = ?
                """, arguments: [info.fileName, info.fileExtension, info.size, info.mtime.timeIntervalSince1970,
                                 info.contentHash, info.kind.rawValue, info.width, info.height, now, fileId])
            if decision == .legacy { return .unchanged(fileId: fileId) }
            let faces = #"FROM "Faces" WHERE "MediaItemId" IN (SELECT "Id" FROM "MediaItems" WHERE "MediaFileId" = ?)"#
            let thumbnails = try String.fetchAll(db, sql: #"SELECT "Name" "# + faces + #" AND "Name" IS NOT NULL"#, arguments: [fileId])
            try db.execute(sql: "DELETE " + faces, arguments: [fileId])
            if info.frameItems != nil {
                try db.execute(sql: #"DELETE FROM "MediaItems" WHERE "MediaFileId" = ?"#, arguments: [fileId])
                _ = try Self.insertItems(db, fileId: fileId, info: info, now: now)
                return .changed(fileId: fileId, removedThumbnails: thumbnails)
            }
            try db.execute(sql: """
                UPDATE "MediaItems" SET "Status" = 'pending', "IsFacesExtracted" = 0, "FacesExtractedOn" = NULL,
                                        "Error" = NULL, "Attempts" = 0, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL,
                                        "ModifiedAt" = ?
                WHERE "MediaFileId" = ?
                """, arguments: [now, fileId])
            return .changed(fileId: fileId, removedThumbnails: thumbnails)
        }
    }

    /// Inserts a file's pending items (one per video frame, or one without a frame); returns the first id.
    private static func insertItems(_ db: Database, fileId: Int64, info: MediaFileInfo, now: Date) throws -> Int64 {
        let (names, frames): ([String], [Int?]) = info.frameItems.map { ($0.names, $0.frames) } ?? ([info.fileName], [nil])
        let statement = try db.cachedStatement(sql: """
            INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status",
                                      "Attempts", "CreatedAt", "ModifiedAt")
            VALUES (?, ?, ?, 0, 'pending', 0, ?, ?)
            """)
        var first: Int64?
        for (name, frame) in zip(names, frames) {
            try statement.execute(arguments: [fileId, name, frame, now, now])
            first = first ?? db.lastInsertedRowID
        }
        return first!
    }

    public func mediaFile(path: String) async throws -> MediaFile? {
        try await read("mediaFile") { db in
            try Row.fetchOne(db, sql: #"SELECT * FROM "MediaFile" WHERE "FilePath" = ?"#, arguments: [path])
                .map(Self.mediaFile)
        }
    }

    public func mediaFiles(contentHash: String) async throws -> [MediaFile] {
        try await read("mediaFiles") { db in
            try Row.fetchAll(db, sql: #"SELECT * FROM "MediaFile" WHERE "ContentHash" = ? ORDER BY "Id""#,
                             arguments: [contentHash]).map(Self.mediaFile)
        }
    }

    static func mediaFile(_ row: Row) -> MediaFile {
        MediaFile(id: row["Id"], path: row["FilePath"], fileName: row["FileName"], fileExtension: row["Extension"],
                  size: row["Size"], mtime: (row["MTime"] as Double?).map { Date(timeIntervalSince1970: $0) },
                  contentHash: row["ContentHash"], kind: (row["Kind"] as String?).flatMap(MediaKind.init(rawValue:)),
                  width: row["Width"], height: row["Height"])
    }

    // MARK: Work queue

    /// Claimable items. Arguments: `:now`, `:retryFailed`.
    static let claimableCondition = """
        (i."Status" = 'pending'
         OR (i."Status" IS NULL AND i."IsFacesExtracted" = 0)
         OR (:retryFailed AND i."Status" = 'failed'))
        AND (i."LeaseExpiresAt" IS NULL OR i."LeaseExpiresAt" < :now)
        """

    static let workItemColumns = """
        i."Id", i."MediaFileId", f."FilePath", i."Name", i."FrameNumber", f."Kind", i."Attempts",
        i."LeaseOwner", i."LeaseExpiresAt"
        """

    static func workItem(_ row: Row) -> WorkItem {
        WorkItem(id: row["Id"], mediaFileId: row["MediaFileId"], path: row["FilePath"], name: row["Name"],
                 frameNumber: row["FrameNumber"], kind: (row["Kind"] as String?).flatMap(MediaKind.init(rawValue:)),
                 attempts: row["Attempts"], leaseOwner: row["LeaseOwner"], leaseExpiresAt: row["LeaseExpiresAt"])
    }

    public func claim(owner: String, limit: Int, leaseSeconds: Double, retryFailed: Bool) async throws -> [WorkItem] {
        try await write("claim") { db in
            let now = Date()
            let expires = now.addingTimeInterval(leaseSeconds)
            let candidates = try Row.fetchAll(db, sql: """
                SELECT \(Self.workItemColumns)
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT :limit
                """, arguments: ["now": now, "retryFailed": retryFailed, "limit": limit]).map(Self.workItem)
            return try candidates.map { candidate in
                try db.execute(sql: """
                    UPDATE "MediaItems" SET "Status" = 'pending', "LeaseOwner" = ?, "LeaseExpiresAt" = ?,
                                            "Attempts" = "Attempts" + 1, "ModifiedAt" = ?
                    WHERE "Id" = ?
                    """, arguments: [owner, expires, now, candidate.id])
                var item = candidate
                item.attempts += 1
                item.leaseOwner = owner
                item.leaseExpiresAt = expires
                return item
            }
        }
    }

    /// Throws `.leaseLost` unless `owner` holds the item's lease and it is not done.
    /// A lease that expired but was not taken over still counts: nobody else has touched the item.
    static func checkLease(_ db: Database, item: Int64, owner: String) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT "Status", "LeaseOwner", "IsFacesExtracted" FROM "MediaItems" WHERE "Id" = ?
            """, arguments: [item]) else {
            throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: item, detail: "no such media item")
        }
        try LeaseCheck(status: row["Status"], leaseOwner: row["LeaseOwner"],
                       isFacesExtracted: row["IsFacesExtracted"]).verify(owner: owner, item: item, backend: .sqlite)
    }

    public func leaseOwners() async throws -> [String: Int] {
        try await read("leaseOwners") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT "LeaseOwner", COUNT(*) AS "Items" FROM "MediaItems"
                WHERE "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" > ? AND COALESCE("Status", 'pending') = 'pending'
                GROUP BY "LeaseOwner"
                """, arguments: [Date()])
            return Dictionary(uniqueKeysWithValues: rows.map { (($0["LeaseOwner"] as String), ($0["Items"] as Int)) })
        }
    }

    public func releaseLeases(owner: String) async throws -> Int {
        try await write("releaseLeases") { db in
            try db.execute(sql: """
                UPDATE "MediaItems" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
                WHERE "LeaseOwner" = ? AND COALESCE("Status", 'pending') = 'pending'
                """, arguments: [owner])
            return db.changesCount
        }
    }

    public func renewLease(item: Int64, owner: String, leaseSeconds: Double) async throws {
        try await write("renewLease", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            try db.execute(sql: #"UPDATE "MediaItems" SET "LeaseExpiresAt" = ? WHERE "Id" = ?"#,
                           arguments: [Date().addingTimeInterval(leaseSeconds), item])
        }
    }

    public func complete(item: Int64, owner: String, faces: [NewFace]) async throws -> [Int64] {
        let naming = thumbnailNaming
        return try await write("complete", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            let now = Date()
            // Faces left by a crashed earlier attempt (or another system) are replaced, never duplicated.
            try db.execute(sql: #"DELETE FROM "Faces" WHERE "MediaItemId" = ?"#, arguments: [item])
            var ids: [Int64] = []
            for face in faces {
                try db.execute(sql: """
                    INSERT INTO "Faces" ("MediaItemId", "BoundingBox", "Embedding", "EmbeddingModel", "FrameNumber",
                                         "IsUserVerified", "Score", "Landmarks", "FaceSize", "Quality",
                                         "CreatedAt", "ModifiedAt")
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item, face.box.text, face.embedding.map(FloatCodec.encode), face.embeddingModel,
                                     face.frameNumber, face.score, face.landmarks.map(FloatCodec.encode),
                                     face.faceSize, face.quality ?? face.embedding.flatMap(FloatCodec.norm), now, now])
                let id = db.lastInsertedRowID
                try db.execute(sql: #"UPDATE "Faces" SET "Name" = ? WHERE "Id" = ?"#, arguments: [naming(id), id])
                ids.append(id)
            }
            try db.execute(sql: """
                UPDATE "MediaItems" SET "Status" = 'done', "IsFacesExtracted" = 1, "FacesExtractedOn" = ?,
                                        "Error" = NULL, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = ?
                WHERE "Id" = ?
                """, arguments: [now, now, item])
            return ids
        }
    }

    public func fail(item: Int64, owner: String, error: String) async throws {
        try await write("fail", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            try db.execute(sql: """
                UPDATE "MediaItems" SET "Status" = 'failed', "Error" = ?, "LeaseOwner" = NULL,
                                        "LeaseExpiresAt" = NULL, "ModifiedAt" = ?
                WHERE "Id" = ?
                """, arguments: [clipped(error), Date(), item])
        }
    }

    public func statusCounts() async throws -> StatusCounts {
        try await read("statusCounts") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT
                  COALESCE(SUM(CASE WHEN \(Self.doneCondition) THEN 1 ELSE 0 END), 0) AS "done",
                  COALESCE(SUM(CASE WHEN i."Status" = 'failed' THEN 1 ELSE 0 END), 0) AS "failed",
                  COALESCE(SUM(CASE WHEN NOT (\(Self.doneCondition)) AND COALESCE(i."Status", '') <> 'failed'
                                     AND i."LeaseExpiresAt" >= :now THEN 1 ELSE 0 END), 0) AS "leased",
                  COUNT(*) AS "total"
                FROM "MediaItems" i
                """, arguments: ["now": Date()])!
            let done: Int = row["done"], failed: Int = row["failed"], leased: Int = row["leased"], total: Int = row["total"]
            return StatusCounts(pending: total - done - failed - leased, leased: leased, done: done, failed: failed)
        }
    }

    static let doneCondition = #"(i."Status" = 'done' OR (i."Status" IS NULL AND i."IsFacesExtracted" = 1))"#

    public func requeueFailed() async throws -> Int {
        try await write("requeueFailed") { db in
            try db.execute(sql: """
                UPDATE "MediaItems" SET "Status" = 'pending', "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = ?
                WHERE "Status" = 'failed'
                """, arguments: [Date()])
            return db.changesCount
        }
    }

    public func failedItems(limit: Int) async throws -> [FailedItem] {
        try await read("failedItems") { db in
            try Row.fetchAll(db, sql: """
                SELECT i."Id", f."FilePath", COALESCE(i."Error", '') AS "Error", i."Attempts"
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE i."Status" = 'failed' ORDER BY i."Id" LIMIT ?
                """, arguments: [limit]).map {
                FailedItem(itemId: $0["Id"], path: $0["FilePath"], error: $0["Error"], attempts: $0["Attempts"] ?? 0)
            }
        }
    }

    public func itemsNeedingWork(limit: Int, includeFailed: Bool) async throws -> [WorkItem] {
        try await read("itemsNeedingWork") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.workItemColumns)
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT :limit
                """, arguments: ["now": Date(), "retryFailed": includeFailed, "limit": limit]).map(Self.workItem)
        }
    }
}
