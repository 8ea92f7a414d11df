import Foundation
import GRDB

extension SQLiteStore: FaceBrowsing {
    /// Face columns without the embedding, plus where the face was found.
    static let faceDetailSelect = """
        SELECT fc."Id", fc."MediaItemId", fc."PersonId", fc."BoundingBox", fc."Name", fc."FrameNumber",
               fc."IsUserVerified", fc."Score", fc."Landmarks", fc."FaceSize", NULL AS "Embedding",
               fc."EmbeddingModel", fc."Quality", fc."FrameCut", i."MediaFileId", mf."FilePath", mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        """

    static func faceDetail(_ row: Row) throws -> FaceDetail {
        FaceDetail(face: try storedFace(row), mediaFileId: row["MediaFileId"], mediaPath: row["FilePath"],
                   capturedAt: CaptureTime.stored(row["CapturedAt"], offset: row["CapturedUtcOffset"]))
    }

    public func faceDetails(ids: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in try Self.faceDetails(db, where: #"fc."Id""#, in: ids) }
    }

    /// The faces whose `column` is one of `values`, by id. Chunks keep the statement under SQLite's
    /// bound-parameter limit.
    static func faceDetails(_ db: Database, where column: String, in values: [Int64]) throws -> [FaceDetail] {
        var result: [FaceDetail] = []
        for start in stride(from: 0, to: values.count, by: 500) {
            let chunk = Array(values[start..<min(start + 500, values.count)])
            result += try Row.fetchAll(db, sql: faceDetailSelect + " WHERE \(column) IN (\(databaseQuestionMarks(count: chunk.count)))",
                                       arguments: StatementArguments(chunk)).map(faceDetail)
        }
        return result.sorted { $0.face.id < $1.face.id }
    }

    static func condition(_ filter: FaceFilter) -> (String, StatementArguments) {
        switch filter {
        case .person(let id): (#"fc."PersonId" = ?"#, [id])
        case .unassigned: (#"fc."PersonId" IS NULL"#, [])
        case .all: ("1", [])
        }
    }

    public func faceCount(filter: FaceFilter) async throws -> Int {
        try await read("faceCount") { db in
            let (condition, arguments) = Self.condition(filter)
            return try Int.fetchOne(db, sql: #"SELECT COUNT(*) FROM "Faces" fc WHERE "# + condition,
                                    arguments: arguments) ?? 0
        }
    }

    public func faceDetails(filter: FaceFilter, after: Int64, limit: Int) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            let (condition, arguments) = Self.condition(filter)
            return try Row.fetchAll(db, sql: Self.faceDetailSelect + " WHERE \(condition) AND fc.\"Id\" > ? ORDER BY fc.\"Id\" LIMIT ?",
                                    arguments: arguments + [after, limit]).map(Self.faceDetail)
        }
    }

    public func mediaFile(id: Int64) async throws -> MediaFile? {
        try await read("mediaFile", id: id) { db in
            try Row.fetchOne(db, sql: #"SELECT * FROM "MediaFile" WHERE "Id" = ?"#, arguments: [id]).map(Self.mediaFile)
        }
    }

    public func lastCompletedAt() async throws -> Date? {
        try await read("lastCompletedAt") { db in
            try Date.fetchOne(db, sql: #"SELECT MAX("FacesExtractedOn") FROM "MediaItems""#)
        }
    }
}
