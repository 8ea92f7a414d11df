import Foundation
import PostgresNIO

extension PostgresStore {
    public func reject(faces: [Int64], from person: Int64, actor: String) async throws {
        try await transaction("reject", id: person) { db in
            _ = try await lockPerson(db, person)
            for face in faces {
                guard let row = try await db.rows(#"SELECT "PersonId" FROM "Faces" WHERE "Id" = \#(face) FOR UPDATE"#,
                                                  logger).first else {
                    throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: face, detail: "no such face")
                }
                let owner = try row.makeRandomAccess()["PersonId"].decode(Int64?.self)
                try await db.run("""
                    INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor") VALUES (\(face), \(person), \(actor))
                    ON CONFLICT ("FaceId", "PersonId") DO NOTHING
                    """, logger)
                if owner == person {
                    try await db.run("""
                        UPDATE "Faces" SET "PersonId" = NULL, "IsUserVerified" = FALSE, "ModifiedAt" = now()
                        WHERE "Id" = \(face)
                        """, logger)
                }
                // From the rejected person to wherever the face is now.
                let now: Int64? = owner == person ? nil : owner
                try await db.run("""
                    INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor")
                    VALUES (\(face), \(person), \(now), \(AssignmentReason.reject.rawValue), \(actor))
                    """, logger)
            }
        }
    }

    public func forgetRejections(faces: [Int64], person: Int64) async throws {
        try await transaction("forgetRejections", id: person) { db in
            try await db.run(#"DELETE FROM "FaceRejections" WHERE "PersonId" = \#(person) AND "FaceId" = ANY(\#(faces))"#, logger)
        }
    }

    public func rejections() async throws -> [FaceRejection] {
        try await read("rejections") { db in
            var result: [FaceRejection] = []
            let rows = try await db.query(#"SELECT "FaceId", "PersonId" FROM "FaceRejections" ORDER BY "Id""#, logger: logger)
            for try await (face, person) in rows.decode((Int64, Int64).self) {
                result.append(FaceRejection(faceId: face, personId: person))
            }
            return result
        }
    }

    /// Inside `merge`: the sources' rejections become the target's, before the sources are deleted.
    func moveRejections(_ db: PostgresConnection, from source: Int64, to target: Int64) async throws {
        try await db.run("""
            INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor", "CreatedAt")
            SELECT "FaceId", \(target), "Actor", "CreatedAt" FROM "FaceRejections" WHERE "PersonId" = \(source)
            ON CONFLICT ("FaceId", "PersonId") DO NOTHING
            """, logger)
    }
}
