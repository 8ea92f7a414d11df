import Foundation
import PostgresNIO

extension PostgresStore {
    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        try await transaction("addMedia") { db in
            // ON CONFLICT: two machines adding the same path at once both succeed, one of them as "known".
            let inserted = try await db.rows("""
                INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash",
                                         "Kind", "Width", "Height")
                VALUES (\(info.path), \(info.fileName), \(info.fileExtension), \(info.size),
                        \(info.mtime.timeIntervalSince1970), \(info.contentHash), \(info.kind.rawValue),
                        \(info.width), \(info.height))
                ON CONFLICT ("FilePath") DO NOTHING
                RETURNING "Id"
                """, logger)
            if let row = inserted.first {
                let fileId = try row.makeRandomAccess()["Id"].decode(Int64.self)
                return .added(fileId: fileId, itemId: try await insertItems(db, fileId: fileId, info: info))
            }
            let existing = try await db.rows("""
                SELECT "Id", "Size", "MTime", "ContentHash" FROM "MediaFile" WHERE "FilePath" = \(info.path) FOR UPDATE
                """, logger)[0].makeRandomAccess()
            let fileId = try existing["Id"].decode(Int64.self)
            let stored = StoredMetadata(size: try existing["Size"].decode(Int64?.self),
                                        mtime: try existing["MTime"].decode(Double?.self),
                                        hash: try existing["ContentHash"].decode(String?.self))
            let decision = stored.compare(with: info)
            if decision == .same { return .unchanged(fileId: fileId) }
            try await db.run("""
                UPDATE "MediaFile" SET "FileName" = \(info.fileName), "Extension" = \(info.fileExtension),
                       "Size" = \(info.size), "MTime" = \(info.mtime.timeIntervalSince1970),
                       "ContentHash" = \(info.contentHash), "Kind" = \(info.kind.rawValue), "Width" = \(info.width),
                       "Height" = \(info.height), "ModifiedAt" = now()
                WHERE "Id" = \(fileId)
                """, logger)
            if decision == .legacy { return .unchanged(fileId: fileId) }
            let thumbnails = try await db.rows("""
                DELETE FROM "Faces" WHERE "MediaItemId" IN (SELECT "Id" FROM "MediaItems" WHERE "MediaFileId" = \(fileId))
                RETURNING "Name"
                """, logger).compactMap { try $0.makeRandomAccess()["Name"].decode(String?.self) }
            if info.frameItems != nil {
                try await db.run(#"DELETE FROM "MediaItems" WHERE "MediaFileId" = \#(fileId)"#, logger)
                _ = try await insertItems(db, fileId: fileId, info: info)
                return .changed(fileId: fileId, removedThumbnails: thumbnails)
            }
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'pending', "IsFacesExtracted" = FALSE, "FacesExtractedOn" = NULL,
                       "Error" = NULL, "Attempts" = 0, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "MediaFileId" = \(fileId)
                """, logger)
            return .changed(fileId: fileId, removedThumbnails: thumbnails)
        }
    }

    /// Inserts a file's pending items (one per video frame, or one without a frame); returns the first id.
    private func insertItems(_ db: PostgresConnection, fileId: Int64, info: MediaFileInfo) async throws -> Int64 {
        let rows: [PostgresRow]
        if let items = info.frameItems {
            // One statement for all of a video's frames, however many.
            rows = try await db.rows("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
                SELECT \(fileId), n, f, FALSE, 'pending', 0 FROM UNNEST(\(items.names)::text[], \(items.frames)::integer[]) AS t(n, f)
                ORDER BY f
                RETURNING "Id"
                """, logger)
        } else {
            rows = try await db.rows("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
                VALUES (\(fileId), \(info.fileName), NULL, FALSE, 'pending', 0)
                RETURNING "Id"
                """, logger)
        }
        return try rows.map { try $0.makeRandomAccess()["Id"].decode(Int64.self) }.min()!
    }

    public func mediaFile(path: String) async throws -> MediaFile? {
        try await read("mediaFile") { db in
            try await db.rows(#"SELECT * FROM "MediaFile" WHERE "FilePath" = \#(path)"#, logger).first.map(Self.mediaFile)
        }
    }

    public func mediaFiles(contentHash: String) async throws -> [MediaFile] {
        try await read("mediaFiles") { db in
            try await db.rows(#"SELECT * FROM "MediaFile" WHERE "ContentHash" = \#(contentHash) ORDER BY "Id""#, logger)
                .map(Self.mediaFile)
        }
    }

    static func mediaFile(_ row: PostgresRow) throws -> MediaFile {
        let r = row.makeRandomAccess()
        return MediaFile(id: try r["Id"].decode(Int64.self), path: try r["FilePath"].decode(String.self),
                         fileName: try r["FileName"].decode(String?.self),
                         fileExtension: try r["Extension"].decode(String?.self),
                         size: try r["Size"].decode(Int64?.self),
                         mtime: try r["MTime"].decode(Double?.self).map { Date(timeIntervalSince1970: $0) },
                         contentHash: try r["ContentHash"].decode(String?.self),
                         kind: try r["Kind"].decode(String?.self).flatMap(MediaKind.init(rawValue:)),
                         width: try r["Width"].decode(Int?.self), height: try r["Height"].decode(Int?.self))
    }
}
