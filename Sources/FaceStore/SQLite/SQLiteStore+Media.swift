import Foundation
import GRDB

extension SQLiteStore {
    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        try await write("addMedia") { db in
            let now = Date()
            let existing = try Row.fetchOne(db, sql: """
                SELECT "Id", "Size", "MTime", "ContentHash" FROM "MediaFile" WHERE "FilePath" = ?
                """, arguments: [info.path])
            guard let existing else {
                try db.execute(sql: """
                    INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash",
                                             "Kind", "Width", "Height", "CapturedAt", "CapturedUtcOffset",
                                             "CaptureTimeRead", "CreatedAt", "ModifiedAt")
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """, arguments: [info.path, info.fileName, info.fileExtension, info.size,
                                     info.mtime.timeIntervalSince1970, info.contentHash, info.kind.rawValue,
                                     info.width, info.height, info.capturedAt?.date, info.capturedAt?.utcOffsetMinutes,
                                     now, now])
                let fileId = db.lastInsertedRowID
                return .added(fileId: fileId, itemId: try Self.insertItems(db, fileId: fileId, info: info, now: now))
            }
            let fileId: Int64 = existing["Id"]
            let stored = StoredMetadata(size: existing["Size"], mtime: existing["MTime"], hash: existing["ContentHash"])
            let decision = stored.compare(with: info)
            if decision == .same {
                try Self.writeCaptureTime(db, file: fileId, info.capturedAt, onlyIfUnread: true)
                return .unchanged(fileId: fileId)
            }
            try db.execute(sql: """
                UPDATE "MediaFile" SET "FileName" = ?, "Extension" = ?, "Size" = ?, "MTime" = ?, "ContentHash" = ?,
                                       "Kind" = ?, "Width" = ?, "Height" = ?, "ModifiedAt" = ?
                WHERE "Id" = ?
                """, arguments: [info.fileName, info.fileExtension, info.size, info.mtime.timeIntervalSince1970,
                                 info.contentHash, info.kind.rawValue, info.width, info.height, now, fileId])
            try Self.writeCaptureTime(db, file: fileId, info.capturedAt, onlyIfUnread: false)
            if decision != .changed { return .unchanged(fileId: fileId) }
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
                  width: row["Width"], height: row["Height"],
                  capturedAt: CaptureTime.stored(row["CapturedAt"], offset: row["CapturedUtcOffset"]),
                  captureTimeRead: row["CaptureTimeRead"] ?? false)
    }

    public func setCaptureTime(mediaFile id: Int64, _ time: CaptureTime?) async throws {
        try await write("setCaptureTime", id: id) { db in
            try Self.writeCaptureTime(db, file: id, time, onlyIfUnread: false)
            if db.changesCount == 0 {
                throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: id, detail: "no such media file")
            }
        }
    }

    /// Records what the file says about when it was taken, and that it has been read.
    static func writeCaptureTime(_ db: Database, file: Int64, _ time: CaptureTime?, onlyIfUnread: Bool) throws {
        try db.execute(sql: """
            UPDATE "MediaFile" SET "CapturedAt" = ?, "CapturedUtcOffset" = ?, "CaptureTimeRead" = 1
            WHERE "Id" = ? AND (? = 0 OR "CaptureTimeRead" = 0)
            """, arguments: [time?.date, time?.utcOffsetMinutes, file, onlyIfUnread])
    }

    public func captureTimes() async throws -> [Int64: CaptureTime] {
        try await read("captureTimes") { db in
            var result: [Int64: CaptureTime] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT fc."Id", mf."CapturedAt", mf."CapturedUtcOffset"
                FROM "Faces" fc
                JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
                WHERE mf."CapturedAt" IS NOT NULL
                """)
            while let row = try rows.next() {
                result[row["Id"]] = CaptureTime.stored(row["CapturedAt"], offset: row["CapturedUtcOffset"])
            }
            return result
        }
    }
}
