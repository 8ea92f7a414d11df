import Foundation
import PostgresNIO

extension PostgresStore {
    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        try await transaction("addMedia") { db in
            // ON CONFLICT: two machines adding the same path at once both succeed, one of them as "known".
            let inserted = try await db.rows("""
                INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash",
                                         "Kind", "Width", "Height", "CapturedAt", "CapturedUtcOffset", "CaptureTimeRead")
                VALUES (\(info.path), \(info.fileName), \(info.fileExtension), \(info.size),
                        \(info.mtime.timeIntervalSince1970), \(info.contentHash), \(info.kind.rawValue),
                        \(info.width), \(info.height), \(info.capturedAt?.date), \(info.capturedAt?.utcOffsetMinutes), TRUE)
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
            if decision == .same {
                try await writeCaptureTime(db, file: fileId, info.capturedAt, onlyIfUnread: true)
                return .unchanged(fileId: fileId)
            }
            try await db.run("""
                UPDATE "MediaFile" SET "FileName" = \(info.fileName), "Extension" = \(info.fileExtension),
                       "Size" = \(info.size), "MTime" = \(info.mtime.timeIntervalSince1970),
                       "ContentHash" = \(info.contentHash), "Kind" = \(info.kind.rawValue), "Width" = \(info.width),
                       "Height" = \(info.height), "ModifiedAt" = now()
                WHERE "Id" = \(fileId)
                """, logger)
            try await writeCaptureTime(db, file: fileId, info.capturedAt, onlyIfUnread: false)
            if decision != .changed { return .unchanged(fileId: fileId) }
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
                         width: try r["Width"].decode(Int?.self), height: try r["Height"].decode(Int?.self),
                         capturedAt: try captureTime(r), captureTimeRead: try r["CaptureTimeRead"].decode(Bool.self))
    }

    /// `CapturedAt` and `CapturedUtcOffset` of a row that selected them.
    static func captureTime(_ r: PostgresRandomAccessRow) throws -> CaptureTime? {
        CaptureTime.stored(try r["CapturedAt"].decode(Date?.self), offset: try r["CapturedUtcOffset"].decode(Int?.self))
    }

    public func setCaptureTime(mediaFile id: Int64, _ time: CaptureTime?) async throws {
        try await transaction("setCaptureTime", id: id) { db in
            guard try await writeCaptureTime(db, file: id, time, onlyIfUnread: false) else {
                throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: id, detail: "no such media file")
            }
        }
    }

    /// Records what the file says about when it was taken, and that it has been read; false when no row changed.
    @discardableResult
    func writeCaptureTime(_ db: PostgresConnection, file: Int64, _ time: CaptureTime?, onlyIfUnread: Bool) async throws -> Bool {
        !(try await db.rows("""
            UPDATE "MediaFile" SET "CapturedAt" = \(time?.date), "CapturedUtcOffset" = \(time?.utcOffsetMinutes), "CaptureTimeRead" = TRUE
            WHERE "Id" = \(file) AND (NOT \(onlyIfUnread) OR NOT "CaptureTimeRead")
            RETURNING "Id"
            """, logger).isEmpty)
    }

    public func captureTimes() async throws -> [Int64: CaptureTime] {
        try await read("captureTimes") { db in
            var result: [Int64: CaptureTime] = [:]
            let rows = try await db.query("""
                SELECT fc."Id", mf."CapturedAt", mf."CapturedUtcOffset"
                FROM "Faces" fc
                JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
                WHERE mf."CapturedAt" IS NOT NULL
                """, logger: logger)
            for try await row in rows {
                let r = row.makeRandomAccess()
                result[try r["Id"].decode(Int64.self)] = try Self.captureTime(r)
            }
            return result
        }
    }
}
