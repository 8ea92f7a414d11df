import Foundation
import PostgresNIO

extension PostgresStore {
    static func floats(_ cell: PostgresCell, face: Int64) throws -> [Float]? {
        guard let data = try cell.decode(Data?.self) else { return nil }
        guard let values = FloatCodec.decode(data) else {
            throw FaceStoreError(.invalidData, operation: "", backend: .postgres, id: face,
                                 detail: "float bytea of \(data.count) bytes is not a multiple of 4")
        }
        return values
    }

    static func storedFace(_ row: PostgresRow) throws -> StoredFace {
        let r = row.makeRandomAccess()
        let id = try r["Id"].decode(Int64.self)
        return StoredFace(
            id: id, mediaItemId: try r["MediaItemId"].decode(Int64.self), personId: try r["PersonId"].decode(Int64?.self),
            box: try r["BoundingBox"].decode(String?.self).flatMap(BoundingBox.init(text:)),
            thumbnailName: try r["Name"].decode(String?.self), frameNumber: try r["FrameNumber"].decode(Int?.self),
            isUserVerified: try r["IsUserVerified"].decode(Bool.self), score: try r["Score"].decode(Double?.self),
            landmarks: try floats(r["Landmarks"], face: id), faceSize: try r["FaceSize"].decode(Int?.self),
            embedding: try floats(r["Embedding"], face: id), embeddingModel: try r["EmbeddingModel"].decode(String?.self),
            quality: try r["Quality"].decode(Double?.self), frameCut: try r["FrameCut"].decode(Double?.self))
    }

    public func faces(item: Int64) async throws -> [StoredFace] {
        try await read("faces", id: item) { db in
            try await db.rows(#"SELECT * FROM "Faces" WHERE "MediaItemId" = \#(item) ORDER BY "Id""#, logger)
                .map(Self.storedFace)
        }
    }

    public func faces(person: Int64) async throws -> [StoredFace] {
        try await read("faces", id: person) { db in
            try await db.rows(#"SELECT * FROM "Faces" WHERE "PersonId" = \#(person) ORDER BY "Id""#, logger)
                .map(Self.storedFace)
        }
    }

    public func faceLocations(afterFaceId: Int64, limit: Int, selection: FaceSelection) async throws -> [FaceLocation] {
        // One statement per selection, so that each can use its index (the backlog's partial
        // index, the model tag's).
        let query: PostgresQuery = switch selection {
        case .all:
            "\(unescaped: Self.faceLocationSelect) WHERE fc.\"Id\" > \(afterFaceId) ORDER BY fc.\"Id\" LIMIT \(limit)"
        case .withoutEmbedding:
            "\(unescaped: Self.faceLocationSelect) WHERE fc.\"Embedding\" IS NULL AND fc.\"Id\" > \(afterFaceId) ORDER BY fc.\"Id\" LIMIT \(limit)"
        case .embedded(let model):
            "\(unescaped: Self.faceLocationSelect) WHERE fc.\"EmbeddingModel\" = \(model) AND fc.\"Id\" > \(afterFaceId) ORDER BY fc.\"Id\" LIMIT \(limit)"
        }
        return try await read(selection.operation) { db in
            try await db.rows(query, logger).map { row in
                let r = row.makeRandomAccess()
                let id = try r["Id"].decode(Int64.self)
                return FaceLocation(faceId: id, mediaItemId: try r["MediaItemId"].decode(Int64.self),
                                   mediaPath: try r["FilePath"].decode(String.self),
                                   frameNumber: try r["Frame"].decode(Int?.self),
                                   box: try r["BoundingBox"].decode(String?.self).flatMap(BoundingBox.init(text:)),
                                   landmarks: try Self.floats(r["Landmarks"], face: id),
                                   thumbnailName: try r["Name"].decode(String?.self),
                                   personId: try r["PersonId"].decode(Int64?.self), score: try r["Score"].decode(Double?.self),
                                   capturedAt: try Self.captureTime(r))
            }
        }
    }

    static let faceLocationSelect = """
        SELECT fc."Id", fc."MediaItemId", mf."FilePath", COALESCE(fc."FrameNumber", i."FrameNumber") AS "Frame",
               fc."BoundingBox", fc."Landmarks", fc."Name", fc."PersonId", fc."Score",
               mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        """

    public func setEmbeddings(_ updates: [EmbeddingUpdate]) async throws {
        try await transaction("setEmbeddings") { db in
            for update in updates {
                let quality = update.quality ?? FloatCodec.norm(update.vector)
                let changed = try await db.rows("""
                    UPDATE "Faces" SET "Embedding" = \(FloatCodec.encode(update.vector)), "EmbeddingModel" = \(update.model),
                           "Quality" = \(quality), "ModifiedAt" = now()
                    WHERE "Id" = \(update.faceId)
                    RETURNING "Id"
                    """, logger)
                if changed.isEmpty {
                    throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: update.faceId,
                                         detail: "no such face")
                }
            }
        }
    }

    public func embeddings(model: String?) async throws -> [StoredEmbedding] {
        try await read("embeddings") { db in
            // Streamed row by row: only the decoded vectors are held, not the whole result twice.
            let rows = try await db.query("""
                SELECT "Id", "PersonId", "Embedding", "MediaItemId", "Quality", "IsUserVerified",
                       "Score", "FaceSize", "Landmarks", "FrameCut" FROM "Faces"
                WHERE "Embedding" IS NOT NULL AND (\(model)::text IS NULL OR "EmbeddingModel" = \(model))
                ORDER BY "Id"
                """, logger: logger)
            var result: [StoredEmbedding] = []
            for try await (id, personId, bytes, item, quality, verified, score, size, landmarks, frameCut)
                in rows.decode((Int64, Int64?, Data, Int64, Double?, Bool, Double?, Int?, Data?, Double?).self) {
                guard let vector = FloatCodec.decode(bytes) else {
                    throw FaceStoreError(.invalidData, operation: "", backend: .postgres, id: id,
                                         detail: "embedding of \(bytes.count) bytes is not a multiple of 4")
                }
                result.append(StoredEmbedding(faceId: id, personId: personId, vector: vector, mediaItemId: item,
                                            quality: quality, isUserVerified: verified, score: score, faceSize: size,
                                            landmarks: landmarks.flatMap(FloatCodec.decode), frameCut: frameCut))
            }
            return result
        }
    }

    public func assignmentVersion() async throws -> AssignmentVersion {
        try await read("assignmentVersion") { db in
            let row = try await db.rows(PostgresQuery(unsafeSQL: PortableSQL.assignmentVersion), logger)[0]
            let (assignment, face, assigned, unembedded, allUnembedded) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
            return AssignmentVersion(lastAssignment: assignment, lastFace: face, assignedFaces: Int(assigned),
                                     assignedWithoutEmbedding: Int(unembedded), facesWithoutEmbedding: Int(allUnembedded))
        }
    }

    public func setVerified(faces: [Int64], verified: Bool) async throws {
        try await transaction("setVerified") { db in
            try await db.run("""
                UPDATE "Faces" SET "IsUserVerified" = \(verified), "ModifiedAt" = now() WHERE "Id" = ANY(\(faces))
                """, logger)
        }
    }
}
