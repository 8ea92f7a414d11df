import Foundation

extension SQLServerStore: FaceBrowsing {
    static func faceDetail(_ r: ODBCRow) throws -> FaceDetail {
        FaceDetail(face: try storedFace(r), mediaFileId: try r.int64("MediaFileId"), mediaPath: try r.string("FilePath"),
                   capturedAt: try captureTime(r))
    }

    public func faceDetails(ids: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            try db.rows(SQLServerSQL.faceDetailsByIds, [TSQL.jsonArray(ids)]).map(Self.faceDetail)
        }
    }

    /// The filter's bound value: the person id for `.person`, nothing otherwise.
    static func values(_ filter: FaceFilter) -> [ODBCValue] {
        if case .person(let id) = filter { [.int(id)] } else { [] }
    }

    public func faceCount(filter: FaceFilter) async throws -> Int {
        try await read("faceCount") { db in
            try db.rows(SQLServerSQL.faceCount(filter), Self.values(filter)).first?.int("Count") ?? 0
        }
    }

    public func faceDetails(filter: FaceFilter, after: Int64, limit: Int) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            try db.rows(SQLServerSQL.faceDetails(filter), [.int(limit)] + Self.values(filter) + [.int(after)]).map(Self.faceDetail)
        }
    }

    public func mediaFile(id: Int64) async throws -> MediaFile? {
        try await read("mediaFile", id: id) { db in
            try db.rows(SQLServerSQL.mediaFileById, [.int(id)]).first.map(Self.mediaFile)
        }
    }

    public func lastCompletedAt() async throws -> Date? {
        try await read("lastCompletedAt") { db in
            try db.rows(SQLServerSQL.lastCompletedAt).first?.optionalDate("LastCompleted")
        }
    }
}
