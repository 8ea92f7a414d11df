import Foundation
import GRDB

extension SQLiteStore {
    public func reject(faces: [Int64], from person: Int64, actor: String) async throws {
        try await write("reject", id: person) { db in
            _ = try Self.fetchPerson(db, person)
            let now = Date()
            for face in faces {
                guard let current = try Row.fetchOne(db, sql: #"SELECT "PersonId" FROM "Faces" WHERE "Id" = ?"#,
                                                     arguments: [face]) else {
                    throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: face, detail: "no such face")
                }
                let owner: Int64? = current["PersonId"]
                try db.execute(sql: """
                    INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor", "CreatedAt") VALUES (?, ?, ?, ?)
                    ON CONFLICT ("FaceId", "PersonId") DO NOTHING
                    """, arguments: [face, person, actor, now])
                if owner == person {
                    try db.execute(sql: """
                        UPDATE "Faces" SET "PersonId" = NULL, "IsUserVerified" = 0, "ModifiedAt" = ? WHERE "Id" = ?
                        """, arguments: [now, face])
                }
                // From the rejected person to wherever the face is now.
                try db.execute(sql: """
                    INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor", "CreatedAt")
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [face, person, owner == person ? nil : owner, AssignmentReason.reject.rawValue, actor, now])
            }
        }
    }

    public func forgetRejections(faces: [Int64], person: Int64) async throws {
        try await write("forgetRejections", id: person) { db in
            for chunk in stride(from: 0, to: faces.count, by: 500).map({ Array(faces[$0..<min($0 + 500, faces.count)]) }) {
                try db.execute(sql: #"DELETE FROM "FaceRejections" WHERE "PersonId" = ? AND "FaceId" IN "#
                                   + "(\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: StatementArguments([person] + chunk))
            }
        }
    }

    public func rejections() async throws -> [FaceRejection] {
        try await read("rejections") { db in
            try Row.fetchAll(db, sql: #"SELECT "FaceId", "PersonId" FROM "FaceRejections" ORDER BY "Id""#)
                .map { FaceRejection(faceId: $0["FaceId"], personId: $0["PersonId"]) }
        }
    }

    /// Inside `merge`: the sources' rejections become the target's, before the sources are deleted.
    static func moveRejections(_ db: Database, from source: Int64, to target: Int64) throws {
        try db.execute(sql: """
            INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor", "CreatedAt")
            SELECT "FaceId", ?, "Actor", "CreatedAt" FROM "FaceRejections" WHERE "PersonId" = ?
            ON CONFLICT ("FaceId", "PersonId") DO NOTHING
            """, arguments: [target, source])
    }
}
