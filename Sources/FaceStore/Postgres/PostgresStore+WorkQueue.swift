import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    static let workItemColumns = """
        i."Id", i."MediaFileId", f."FilePath", i."Name", i."FrameNumber", f."Kind", i."Attempts",
        i."LeaseOwner", i."LeaseExpiresAt"
        """

    static func workItem(_ row: PostgresRow) throws -> WorkItem {
        let r = row.makeRandomAccess()
        return WorkItem(id: try r["Id"].decode(Int64.self), mediaFileId: try r["MediaFileId"].decode(Int64.self),
                        path: try r["FilePath"].decode(String.self), name: try r["Name"].decode(String?.self),
                        frameNumber: try r["FrameNumber"].decode(Int?.self),
                        kind: try r["Kind"].decode(String?.self).flatMap(MediaKind.init(rawValue:)),
                        attempts: try r["Attempts"].decode(Int.self),
                        leaseOwner: try r["LeaseOwner"].decode(String?.self),
                        leaseExpiresAt: try r["LeaseExpiresAt"].decode(Date?.self))
    }

    /// Claimable rows, as in `FaceStore.claim`; `$1` is the retry-failed flag (bound, never spliced).
    static let claimableCondition = """
        (i."Status" = 'pending'
         OR (i."Status" IS NULL AND i."IsFacesExtracted" = FALSE)
         OR ($1 AND i."Status" = 'failed'))
        AND (i."LeaseExpiresAt" IS NULL OR i."LeaseExpiresAt" < now())
        """

    public func claim(owner: String, limit: Int, leaseSeconds: Double, retryFailed: Bool) async throws -> [WorkItem] {
        try await transaction("claim") { db in
            // SKIP LOCKED: rows another worker is claiming right now are passed over, not waited for.
            var binds = PostgresBindings()
            binds.append(retryFailed)
            binds.append(limit)
            let ids = try await db.rows(PostgresQuery(unsafeSQL: """
                SELECT i."Id" FROM "MediaItems" i
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT $2
                FOR UPDATE SKIP LOCKED
                """, binds: binds), logger).map { try $0.makeRandomAccess()["Id"].decode(Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.rows("""
                UPDATE "MediaItems" i SET "Status" = 'pending', "LeaseOwner" = \(owner),
                       "LeaseExpiresAt" = now() + make_interval(secs => \(leaseSeconds)),
                       "Attempts" = i."Attempts" + 1, "ModifiedAt" = now()
                FROM "MediaFile" f
                WHERE i."Id" = ANY(\(ids)) AND f."Id" = i."MediaFileId"
                RETURNING \(unescaped: Self.workItemColumns)
                """, logger).map(Self.workItem).sorted { $0.id < $1.id }
        }
    }

    /// Locks the item row and throws `.leaseLost` unless `owner` holds its lease and it is not done.
    static func checkLease(_ db: PostgresConnection, item: Int64, owner: String, _ logger: Logger) async throws {
        guard let row = try await db.rows("""
            SELECT "Status", "LeaseOwner", "IsFacesExtracted" FROM "MediaItems" WHERE "Id" = \(item) FOR UPDATE
            """, logger).first?.makeRandomAccess() else {
            throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: item, detail: "no such media item")
        }
        try LeaseCheck(status: try row["Status"].decode(String?.self),
                       leaseOwner: try row["LeaseOwner"].decode(String?.self),
                       isFacesExtracted: try row["IsFacesExtracted"].decode(Bool.self))
            .verify(owner: owner, item: item, backend: .postgres)
    }

    public func requeueFailed() async throws -> Int {
        try await transaction("requeueFailed") { db in
            try await db.rows("""
                UPDATE "MediaItems" SET "Status" = 'pending', "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Status" = 'failed' RETURNING "Id"
                """, logger).count
        }
    }

    public func failedItems(limit: Int) async throws -> [FailedItem] {
        try await read("failedItems") { db in
            try await db.rows("""
                SELECT i."Id", f."FilePath", COALESCE(i."Error", '') AS "Error", i."Attempts"
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE i."Status" = 'failed' ORDER BY i."Id" LIMIT \(limit)
                """, logger).map { row in
                let r = row.makeRandomAccess()
                return FailedItem(itemId: try r["Id"].decode(Int64.self), path: try r["FilePath"].decode(String.self),
                                  error: try r["Error"].decode(String.self), attempts: try r["Attempts"].decode(Int?.self) ?? 0)
            }
        }
    }

    public func leaseOwners() async throws -> [String: Int] {
        try await read("leaseOwners") { db in
            var owners: [String: Int] = [:]
            for row in try await db.rows("""
                SELECT "LeaseOwner", COUNT(*) AS "Items" FROM "MediaItems"
                WHERE "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" > now() AND COALESCE("Status", 'pending') = 'pending'
                GROUP BY "LeaseOwner"
                """, logger) {
                let r = row.makeRandomAccess()
                owners[try r["LeaseOwner"].decode(String.self)] = try r["Items"].decode(Int.self)
            }
            return owners
        }
    }

    public func releaseLeases(owner: String) async throws -> Int {
        try await transaction("releaseLeases") { db in
            try await db.rows("""
                UPDATE "MediaItems" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
                WHERE "LeaseOwner" = \(owner) AND COALESCE("Status", 'pending') = 'pending'
                RETURNING "Id"
                """, logger).count
        }
    }

    public func renewLease(item: Int64, owner: String, leaseSeconds: Double) async throws {
        try await transaction("renewLease", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            try await db.run("""
                UPDATE "MediaItems" SET "LeaseExpiresAt" = now() + make_interval(secs => \(leaseSeconds))
                WHERE "Id" = \(item)
                """, logger)
        }
    }

    public func complete(item: Int64, owner: String, faces: [NewFace]) async throws -> [Int64] {
        try await transaction("complete", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            // Faces left by a crashed earlier attempt (or another system) are replaced, never duplicated.
            try await db.run(#"DELETE FROM "Faces" WHERE "MediaItemId" = \#(item)"#, logger)
            var ids: [Int64] = []
            for face in faces {
                let quality = face.quality ?? face.embedding.flatMap(FloatCodec.norm)
                let id = try await db.rows("""
                    INSERT INTO "Faces" ("MediaItemId", "BoundingBox", "Embedding", "EmbeddingModel", "FrameNumber",
                                         "IsUserVerified", "Score", "Landmarks", "FaceSize", "Quality", "FrameCut")
                    VALUES (\(item), \(face.box.text), \(face.embedding.map(FloatCodec.encode)), \(face.embeddingModel),
                            \(face.frameNumber), FALSE, \(face.score), \(face.landmarks.map(FloatCodec.encode)),
                            \(face.faceSize), \(quality), \(face.frameCut))
                    RETURNING "Id"
                    """, logger)[0].makeRandomAccess()["Id"].decode(Int64.self)
                try await db.run(#"UPDATE "Faces" SET "Name" = \#(thumbnailNaming(id)) WHERE "Id" = \#(id)"#, logger)
                ids.append(id)
            }
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'done', "IsFacesExtracted" = TRUE, "FacesExtractedOn" = now(),
                       "Error" = NULL, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Id" = \(item)
                """, logger)
            return ids
        }
    }

    public func fail(item: Int64, owner: String, error: String) async throws {
        try await transaction("fail", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'failed', "Error" = \(clipped(error)), "LeaseOwner" = NULL,
                       "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Id" = \(item)
                """, logger)
        }
    }

    static let doneCondition = #"(i."Status" = 'done' OR (i."Status" IS NULL AND i."IsFacesExtracted" = TRUE))"#

    public func statusCounts() async throws -> StatusCounts {
        try await read("statusCounts") { db in
            let r = try await db.rows("""
                SELECT
                  COALESCE(SUM(CASE WHEN \(unescaped: Self.doneCondition) THEN 1 ELSE 0 END), 0) AS "done",
                  COALESCE(SUM(CASE WHEN i."Status" = 'failed' THEN 1 ELSE 0 END), 0) AS "failed",
                  COALESCE(SUM(CASE WHEN NOT \(unescaped: Self.doneCondition) AND COALESCE(i."Status", '') <> 'failed'
                                     AND i."LeaseExpiresAt" >= now() THEN 1 ELSE 0 END), 0) AS "leased",
                  COUNT(*) AS "total"
                FROM "MediaItems" i
                """, logger)[0].makeRandomAccess()
            let done = try r["done"].decode(Int.self), failed = try r["failed"].decode(Int.self)
            let leased = try r["leased"].decode(Int.self), total = try r["total"].decode(Int.self)
            return StatusCounts(pending: total - done - failed - leased, leased: leased, done: done, failed: failed)
        }
    }

    public func itemsNeedingWork(limit: Int, includeFailed: Bool) async throws -> [WorkItem] {
        try await read("itemsNeedingWork") { db in
            var binds = PostgresBindings()
            binds.append(includeFailed)
            binds.append(limit)
            return try await db.rows(PostgresQuery(unsafeSQL: """
                SELECT \(Self.workItemColumns)
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT $2
                """, binds: binds), logger).map(Self.workItem)
        }
    }
}
