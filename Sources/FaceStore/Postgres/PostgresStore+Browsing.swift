import Foundation
import PostgresNIO

extension PostgresStore: FaceBrowsing {
    /// Face columns without the embedding, plus where the face was found.
    static let faceDetailSelect = """
        SELECT fc."Id", fc."MediaItemId", fc."PersonId", fc."BoundingBox", fc."Name", fc."FrameNumber",
               fc."IsUserVerified", fc."Score", fc."Landmarks", fc."FaceSize", NULL::bytea AS "Embedding",
               fc."EmbeddingModel", fc."Quality", fc."FrameCut", i."MediaFileId", mf."FilePath", mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        """

    static func faceDetail(_ row: PostgresRow) throws -> FaceDetail {
        let r = row.makeRandomAccess()
        return FaceDetail(face: try storedFace(row), mediaFileId: try r["MediaFileId"].decode(Int64.self),
                          mediaPath: try r["FilePath"].decode(String.self), capturedAt: try captureTime(r))
    }

    public func faceDetails(ids: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            try await db.rows("""
                \(unescaped: Self.faceDetailSelect) WHERE fc."Id" = ANY(\(ids)) ORDER BY fc."Id"
                """, logger).map(Self.faceDetail)
        }
    }

    /// A constant condition on `$1` (the person id, bound, never spliced) for a filter.
    static func condition(_ filter: FaceFilter) -> (Int64?, String) {
        switch filter {
        case .person(let id): (id, #"fc."PersonId" = $1"#)
        case .unassigned: (nil, #"fc."PersonId" IS NULL AND $1::bigint IS NULL"#)
        case .all: (nil, #"$1::bigint IS NULL"#)
        }
    }

    public func faceCount(filter: FaceFilter) async throws -> Int {
        try await read("faceCount") { db in
            let (person, condition) = Self.condition(filter)
            var binds = PostgresBindings()
            binds.append(person)
            return try await db.rows(PostgresQuery(unsafeSQL: #"SELECT COUNT(*) AS "n" FROM "Faces" fc WHERE "# + condition,
                                                   binds: binds), logger)
                .first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
        }
    }

    public func faceDetails(filter: FaceFilter, after: Int64, limit: Int) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            let (person, condition) = Self.condition(filter)
            var binds = PostgresBindings()
            binds.append(person)
            binds.append(after)
            binds.append(limit)
            return try await db.rows(PostgresQuery(unsafeSQL: Self.faceDetailSelect + """
                 WHERE \(condition) AND fc."Id" > $2 ORDER BY fc."Id" LIMIT $3
                """, binds: binds), logger).map(Self.faceDetail)
        }
    }

    public func mediaFile(id: Int64) async throws -> MediaFile? {
        try await read("mediaFile", id: id) { db in
            try await db.rows(#"SELECT * FROM "MediaFile" WHERE "Id" = \#(id)"#, logger).first.map(Self.mediaFile)
        }
    }

    public func lastCompletedAt() async throws -> Date? {
        try await read("lastCompletedAt") { db in
            try await db.rows(#"SELECT MAX("FacesExtractedOn") AS "t" FROM "MediaItems""#, logger)
                .first?.makeRandomAccess()["t"].decode(Date?.self)
        }
    }
}
