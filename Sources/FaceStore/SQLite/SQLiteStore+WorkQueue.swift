import Foundation
import GRDB

extension SQLiteStore {
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
                                         "IsUserVerified", "Score", "Landmarks", "FaceSize", "Quality", "FrameCut",
                                         "CreatedAt", "ModifiedAt")
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item, face.box.text, face.embedding.map(FloatCodec.encode), face.embeddingModel,
                                     face.frameNumber, face.score, face.landmarks.map(FloatCodec.encode),
                                     face.faceSize, face.quality ?? face.embedding.flatMap(FloatCodec.norm), face.frameCut, now, now])
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
