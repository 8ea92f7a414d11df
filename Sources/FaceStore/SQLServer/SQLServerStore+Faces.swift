import Foundation

extension SQLServerStore {
    static func floats(_ row: ODBCRow, _ column: String, face: Int64) throws -> [Float]? {
        guard let data = try row.optionalData(column) else { return nil }
        guard let values = FloatCodec.decode(data) else {
            throw FaceStoreError(.invalidData, operation: "", backend: .sqlServer, id: face,
                                 detail: "float varbinary of \(data.count) bytes is not a multiple of 4")
        }
        return values
    }

    static func storedFace(_ r: ODBCRow) throws -> StoredFace {
        let id = try r.int64("Id")
        return StoredFace(
            id: id, mediaItemId: try r.int64("MediaItemId"), personId: try r.optionalInt64("PersonId"),
            box: try r.optionalString("BoundingBox").flatMap(BoundingBox.init(text:)),
            thumbnailName: try r.optionalString("Name"), frameNumber: try r.optionalInt("FrameNumber"),
            isUserVerified: try r.bool("IsUserVerified"), score: try r.optionalDouble("Score"),
            landmarks: try floats(r, "Landmarks", face: id), faceSize: try r.optionalInt("FaceSize"),
            embedding: try floats(r, "Embedding", face: id), embeddingModel: try r.optionalString("EmbeddingModel"),
            quality: try r.optionalDouble("Quality"), frameCut: try r.optionalDouble("FrameCut"))
    }

    public func faces(item: Int64) async throws -> [StoredFace] {
        try await read("faces", id: item) { db in
            try db.rows(SQLServerSQL.facesOfItem, [.int(item)]).map(Self.storedFace)
        }
    }

    public func faces(person: Int64) async throws -> [StoredFace] {
        try await read("faces", id: person) { db in
            try db.rows(SQLServerSQL.facesOfPerson, [.int(person)]).map(Self.storedFace)
        }
    }

    public func faceLocations(afterFaceId: Int64, limit: Int, selection: FaceSelection) async throws -> [FaceLocation] {
        let (sql, parameters): (String, [ODBCValue]) = switch selection {
        case .all: (SQLServerSQL.faceLocations, [.int(limit), .int(afterFaceId)])
        case .withoutEmbedding: (SQLServerSQL.faceLocationsWithoutEmbedding, [.int(limit), .int(afterFaceId)])
        case .embedded(let model): (SQLServerSQL.faceLocationsEmbedded, [.int(limit), .text(model), .int(afterFaceId)])
        }
        return try await read(selection.operation) { db in
            try db.rows(sql, parameters).map { r in
                let id = try r.int64("Id")
                return FaceLocation(faceId: id, mediaItemId: try r.int64("MediaItemId"), mediaPath: try r.string("FilePath"),
                                    frameNumber: try r.optionalInt("Frame"),
                                    box: try r.optionalString("BoundingBox").flatMap(BoundingBox.init(text:)),
                                    landmarks: try Self.floats(r, "Landmarks", face: id),
                                    thumbnailName: try r.optionalString("Name"), personId: try r.optionalInt64("PersonId"),
                                    score: try r.optionalDouble("Score"), capturedAt: try Self.captureTime(r))
            }
        }
    }

    public func setEmbeddings(_ updates: [EmbeddingUpdate]) async throws {
        try await transaction("setEmbeddings") { db in
            for update in updates {
                let quality = update.quality ?? FloatCodec.norm(update.vector)
                let changed = try db.rows(SQLServerSQL.setEmbedding, [.bytes(FloatCodec.encode(update.vector)), .text(update.model),
                                                                     .double(quality), .int(update.faceId)])
                if changed.isEmpty {
                    throw FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: update.faceId, detail: "no such face")
                }
            }
        }
    }

    public func embeddings(model: String?) async throws -> [StoredEmbedding] {
        try await read("embeddings") { db in
            // Decoded row by row as they are fetched: only the vectors are held, not the rows too.
            var result: [StoredEmbedding] = []
            try db.forEachRow(SQLServerSQL.embeddings, [.text(model), .text(model)]) { r in
                let id = try r.int64("Id")
                let bytes = try r.optionalData("Embedding") ?? Data()
                guard let vector = FloatCodec.decode(bytes) else {
                    throw FaceStoreError(.invalidData, operation: "", backend: .sqlServer, id: id,
                                         detail: "embedding of \(bytes.count) bytes is not a multiple of 4")
                }
                result.append(StoredEmbedding(faceId: id, personId: try r.optionalInt64("PersonId"), vector: vector,
                                              mediaItemId: try r.int64("MediaItemId"), quality: try r.optionalDouble("Quality"),
                                              isUserVerified: try r.bool("IsUserVerified"), score: try r.optionalDouble("Score"),
                                              faceSize: try r.optionalInt("FaceSize"),
                                              landmarks: try r.optionalData("Landmarks").flatMap(FloatCodec.decode),
                                              frameCut: try r.optionalDouble("FrameCut")))
            }
            return result
        }
    }

    public func assignmentVersion() async throws -> AssignmentVersion {
        try await read("assignmentVersion") { db in
            let r = try db.rows(SQLServerSQL.assignmentVersion)[0]
            return AssignmentVersion(lastAssignment: try r.int64("LastAssignment"), lastFace: try r.int64("LastFace"),
                                     assignedFaces: try r.int("Assigned"), assignedWithoutEmbedding: try r.int("Unembedded"),
                                     facesWithoutEmbedding: try r.int("AllUnembedded"))
        }
    }

    public func setVerified(faces: [Int64], verified: Bool) async throws {
        try await transaction("setVerified") { db in
            try db.run(SQLServerSQL.setVerified, [.bool(verified), TSQL.jsonArray(faces)])
        }
    }
}
