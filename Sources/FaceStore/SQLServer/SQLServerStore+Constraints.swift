import Foundation

extension SQLServerStore {
    public func reject(faces: [Int64], from person: Int64, actor: String) async throws {
        try await transaction("reject", id: person) { db in
            _ = try Self.lockPerson(db, person)
            for face in faces {
                guard let row = try db.rows(#"SELECT "PersonId" FROM "Faces" WITH (UPDLOCK, ROWLOCK) WHERE "Id" = ?"#, [.int(face)]).first else {
                    throw FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: face, detail: "no such face")
                }
                let owner = try row.optionalInt64("PersonId")
                try db.run("""
                    IF NOT EXISTS (SELECT 1 FROM "FaceRejections" WHERE "FaceId" = ? AND "PersonId" = ?)
                    INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor") VALUES (?, ?, ?)
                    """, [.int(face), .int(person), .int(face), .int(person), .text(actor)])
                if owner == person {
                    try db.run(#"UPDATE "Faces" SET "PersonId" = NULL, "IsUserVerified" = 0, "ModifiedAt" = SYSUTCDATETIME() WHERE "Id" = ?"#,
                               [.int(face)])
                }
                // From the rejected person to wherever the face is now.
                try db.run("""
                    INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor") VALUES (?, ?, ?, ?, ?)
                    """, [.int(face), .int(person), .int(owner == person ? nil : owner), .text(AssignmentReason.reject.rawValue), .text(actor)])
            }
        }
    }

    public func forgetRejections(faces: [Int64], person: Int64) async throws {
        try await transaction("forgetRejections", id: person) { db in
            try db.run(#"DELETE FROM "FaceRejections" WHERE "PersonId" = ? AND "FaceId" IN (SELECT CAST("value" AS BIGINT) FROM OPENJSON(?))"#,
                       [.int(person), TSQL.jsonArray(faces)])
        }
    }

    public func rejections() async throws -> [FaceRejection] {
        try await read("rejections") { db in
            try db.rows(#"SELECT "FaceId", "PersonId" FROM "FaceRejections" ORDER BY "Id""#).map {
                FaceRejection(faceId: try $0.int64("FaceId"), personId: try $0.int64("PersonId"))
            }
        }
    }
}
