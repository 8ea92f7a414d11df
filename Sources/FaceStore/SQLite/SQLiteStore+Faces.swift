import Foundation
import GRDB

extension SQLiteStore {
    static func storedFace(_ row: Row) throws -> StoredFace {
        let id: Int64 = row["Id"]
        return StoredFace(
            id: id, mediaItemId: row["MediaItemId"], personId: row["PersonId"],
            box: (row["BoundingBox"] as String?).flatMap(BoundingBox.init(text:)),
            thumbnailName: row["Name"], frameNumber: row["FrameNumber"], isUserVerified: row["IsUserVerified"],
            score: row["Score"], landmarks: try decodeFloats(row["Landmarks"], face: id),
            faceSize: row["FaceSize"], embedding: try decodeFloats(row["Embedding"], face: id),
            embeddingModel: row["EmbeddingModel"], quality: row["Quality"], frameCut: row["FrameCut"])
    }

    static func decodeFloats(_ data: Data?, face: Int64) throws -> [Float]? {
        guard let data else { return nil }
        guard let values = FloatCodec.decode(data) else {
            throw FaceStoreError(.invalidData, operation: "", backend: .sqlite, id: face,
                                 detail: "float blob of \(data.count) bytes is not a multiple of 4")
        }
        return values
    }

    public func faces(item: Int64) async throws -> [StoredFace] {
        try await read("faces", id: item) { db in
            try Row.fetchAll(db, sql: #"SELECT * FROM "Faces" WHERE "MediaItemId" = ? ORDER BY "Id""#,
                             arguments: [item]).map(Self.storedFace)
        }
    }

    public func faces(person: Int64) async throws -> [StoredFace] {
        try await read("faces", id: person) { db in
            try Row.fetchAll(db, sql: #"SELECT * FROM "Faces" WHERE "PersonId" = ? ORDER BY "Id""#,
                             arguments: [person]).map(Self.storedFace)
        }
    }

    public func faceLocations(afterFaceId: Int64, limit: Int, selection: FaceSelection) async throws -> [FaceLocation] {
        // One statement per selection, so that each can use its index (the backlog's partial
        // index, the model tag's).
        let (condition, arguments): (String, StatementArguments) = switch selection {
        case .all: ("1 = 1", [])
        case .withoutEmbedding: (Self.withoutEmbeddingCondition, [])
        case .embedded(let model): (Self.embeddedCondition, [model])
        }
        return try await read(selection.operation) { db in
            try Row.fetchAll(db, sql: Self.faceLocationsSQL(where: condition), arguments: arguments + [afterFaceId, limit]).map { row in
                let id: Int64 = row["Id"]
                return FaceLocation(faceId: id, mediaItemId: row["MediaItemId"], mediaPath: row["FilePath"],
                                   frameNumber: row["Frame"],
                                   box: (row["BoundingBox"] as String?).flatMap(BoundingBox.init(text:)),
                                   landmarks: try Self.decodeFloats(row["Landmarks"], face: id),
                                   thumbnailName: row["Name"], personId: row["PersonId"], score: row["Score"],
                                   capturedAt: CaptureTime.stored(row["CapturedAt"], offset: row["CapturedUtcOffset"]))
            }
        }
    }

    static let withoutEmbeddingCondition = #"fc."Embedding" IS NULL"#
    static let embeddedCondition = #"fc."EmbeddingModel" = ?"#

    /// Binds: the condition's values, after id, limit.
    static func faceLocationsSQL(where condition: String) -> String {
        """
        SELECT fc."Id", fc."MediaItemId", mf."FilePath", COALESCE(fc."FrameNumber", i."FrameNumber") AS "Frame",
               fc."BoundingBox", fc."Landmarks", fc."Name", fc."PersonId", fc."Score",
               mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        WHERE \(condition) AND fc."Id" > ?
        ORDER BY fc."Id" LIMIT ?
        """
    }

    public func setEmbeddings(_ updates: [EmbeddingUpdate]) async throws {
        try await write("setEmbeddings") { db in
            let now = Date()
            for update in updates {
                try db.execute(sql: """
                    UPDATE "Faces" SET "Embedding" = ?, "EmbeddingModel" = ?, "Quality" = ?, "ModifiedAt" = ?
                    WHERE "Id" = ?
                    """, arguments: [FloatCodec.encode(update.vector), update.model,
                                     update.quality ?? FloatCodec.norm(update.vector), now, update.faceId])
                if db.changesCount == 0 {
                    throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: update.faceId,
                                         detail: "no such face")
                }
            }
        }
    }

    public func embeddings(model: String?) async throws -> [StoredEmbedding] {
        try await read("embeddings") { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT "Id", "PersonId", "Embedding", "MediaItemId", "Quality", "IsUserVerified",
                       "Score", "FaceSize", "Landmarks", "FrameCut" FROM "Faces"
                WHERE "Embedding" IS NOT NULL AND (? IS NULL OR "EmbeddingModel" = ?)
                ORDER BY "Id"
                """, arguments: [model, model])
            var result: [StoredEmbedding] = []
            while let row = try rows.next() {
                let id: Int64 = row["Id"]
                result.append(StoredEmbedding(faceId: id, personId: row["PersonId"],
                                            vector: try Self.decodeFloats(row["Embedding"], face: id) ?? [],
                                            mediaItemId: row["MediaItemId"], quality: row["Quality"],
                                            isUserVerified: row["IsUserVerified"], score: row["Score"],
                                            faceSize: row["FaceSize"], landmarks: try Self.decodeFloats(row["Landmarks"], face: id),
                                            frameCut: row["FrameCut"]))
            }
            return result
        }
    }

    public func assignmentVersion() async throws -> AssignmentVersion {
        try await read("assignmentVersion") { db in
            let row = try Row.fetchOne(db, sql: PortableSQL.assignmentVersion)!
            return AssignmentVersion(lastAssignment: row[0], lastFace: row[1], assignedFaces: row[2], assignedWithoutEmbedding: row[3],
                                     facesWithoutEmbedding: row[4])
        }
    }

    public func setVerified(faces: [Int64], verified: Bool) async throws {
        try await write("setVerified") { db in
            let now = Date()
            for face in faces {
                try db.execute(sql: #"UPDATE "Faces" SET "IsUserVerified" = ?, "ModifiedAt" = ? WHERE "Id" = ?"#,
                               arguments: [verified, now, face])
            }
        }
    }
}
