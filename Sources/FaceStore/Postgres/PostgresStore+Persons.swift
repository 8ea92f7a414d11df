import Foundation
import PostgresNIO

extension PostgresStore {
    static func person(_ row: PostgresRow) throws -> Person {
        let r = row.makeRandomAccess()
        return Person(id: try r["Id"].decode(Int64.self), number: try r["Number"].decode(Int64?.self),
                      name: try r["Name"].decode(String?.self), rank: try r["Rank"].decode(String?.self),
                      appointment: try r["Appointment"].decode(String?.self), type: try r["Type"].decode(String?.self),
                      portraitFaceId: try r["PortraitFaceId"].decode(Int64?.self),
                      portraitMediaFileId: try r["PortraitMediaFileId"].decode(Int64?.self),
                      isHidden: try r["IsHidden"].decode(Bool.self), isUserNamed: try r["IsUserNamed"].decode(Bool.self),
                      birthDate: try r["BirthDate"].decode(Date?.self).map(CalendarDay.init(utcDayOf:)))
    }

    func notFoundPerson(_ id: Int64) -> FaceStoreError {
        FaceStoreError(.notFound, operation: "", backend: .postgres, id: id, detail: "no such person")
    }

    /// Reads and locks a person for the rest of the transaction.
    func lockPerson(_ db: PostgresConnection, _ id: Int64) async throws -> Person {
        guard let row = try await db.rows(#"SELECT * FROM "Persons" WHERE "Id" = \#(id) FOR UPDATE"#, logger).first else {
            throw notFoundPerson(id)
        }
        return try Self.person(row)
    }

    /// Runs an UPDATE ... RETURNING "Id" on one person; throws `.notFound` when nothing matched.
    func updatePerson(_ db: PostgresConnection, _ id: Int64, _ query: PostgresQuery) async throws {
        if try await db.rows(query, logger).isEmpty { throw notFoundPerson(id) }
    }

    public func createPerson(name: String?, faces: [Int64], reason: AssignmentReason, actor: String,
                             verified: Bool?) async throws -> Person {
        try await transaction("createPerson") { db in
            // The row lock on the counter serialises concurrent creators; the value only grows,
            // so a deleted person's number is never handed out again.
            let number = try await db.rows("""
                UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Name" = \(personNumberCounter) RETURNING "Value"
                """, logger)[0].makeRandomAccess()["Value"].decode(Int64.self)
            let row = try await db.rows("""
                INSERT INTO "Persons" ("Name", "IsHidden", "IsUserNamed", "Number")
                VALUES (\(name ?? Person.machineName(number: number)), FALSE, \(name != nil), \(number))
                RETURNING *
                """, logger)[0]
            let person = try Self.person(row)
            try await assign(db, faces: faces, to: person.id, reason: reason, actor: actor, verified: verified)
            return person
        }
    }

    public func person(id: Int64) async throws -> Person? {
        try await read("person", id: id) { db in
            try await db.rows(#"SELECT * FROM "Persons" WHERE "Id" = \#(id)"#, logger).first.map(Self.person)
        }
    }

    public func persons(includeHidden: Bool) async throws -> [PersonSummary] {
        try await read("persons") { db in
            try await db.rows("""
                SELECT p.*, COUNT(DISTINCT i."MediaFileId") AS "PhotoCount"
                FROM "Persons" p
                LEFT JOIN "Faces" fc ON fc."PersonId" = p."Id"
                LEFT JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                WHERE \(includeHidden) OR p."IsHidden" = FALSE
                GROUP BY p."Id"
                ORDER BY p."FaceCount" DESC, p."Id"
                """, logger).map { row in
                let r = row.makeRandomAccess()
                return PersonSummary(person: try Self.person(row), faceCount: try r["FaceCount"].decode(Int.self),
                                     photoCount: try r["PhotoCount"].decode(Int.self))
            }
        }
    }

    public func allPersons() async throws -> [Person] {
        try await read("allPersons") { db in
            try await db.rows(#"SELECT * FROM "Persons" ORDER BY "Id""#, logger).map(Self.person)
        }
    }

    /// Moves the faces with the given ids, or all faces of `fromPerson`, to `person`, with history rows.
    /// History is written first because it reads the old PersonId; faces already there are skipped.
    func moveFaces(_ db: PostgresConnection, ids: [Int64]? = nil, fromPerson: Int64? = nil, to person: Int64?,
                   reason: AssignmentReason, actor: String) async throws {
        try await db.run("""
            INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor")
            SELECT "Id", "PersonId", \(person), \(reason.rawValue), \(actor) FROM "Faces"
            WHERE (\(ids)::bigint[] IS NULL OR "Id" = ANY(\(ids)))
              AND (\(fromPerson)::bigint IS NULL OR "PersonId" = \(fromPerson))
              AND "PersonId" IS DISTINCT FROM \(person)
            """, logger)
        try await db.run("""
            UPDATE "Faces" SET "PersonId" = \(person), "ModifiedAt" = now()
            WHERE (\(ids)::bigint[] IS NULL OR "Id" = ANY(\(ids)))
              AND (\(fromPerson)::bigint IS NULL OR "PersonId" = \(fromPerson))
              AND "PersonId" IS DISTINCT FROM \(person)
            """, logger)
    }

    public func assign(faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String, verified: Bool?) async throws {
        try await transaction("assign", id: person) { db in
            if let person { _ = try await lockPerson(db, person) }
            try await assign(db, faces: faces, to: person, reason: reason, actor: actor, verified: verified)
        }
    }

    func assign(_ db: PostgresConnection, faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String,
                verified: Bool?) async throws {
        guard !faces.isEmpty else { return }
        try await moveFaces(db, ids: faces, to: person, reason: reason, actor: actor)
        if let verified {
            try await db.run("""
                UPDATE "Faces" SET "IsUserVerified" = \(verified), "ModifiedAt" = now() WHERE "Id" = ANY(\(faces))
                """, logger)
        }
    }

    public func rename(person: Int64, to name: String) async throws {
        try await transaction("rename", id: person) { db in
            try await updatePerson(db, person, """
                UPDATE "Persons" SET "Name" = \(name), "IsUserNamed" = TRUE, "ModifiedAt" = now()
                WHERE "Id" = \(person) RETURNING "Id"
                """)
        }
    }

    public func setHidden(person: Int64, hidden: Bool) async throws {
        try await transaction("setHidden", id: person) { db in
            try await updatePerson(db, person, """
                UPDATE "Persons" SET "IsHidden" = \(hidden), "ModifiedAt" = now() WHERE "Id" = \(person) RETURNING "Id"
                """)
        }
    }

    public func setBirthDate(person: Int64, _ day: CalendarDay?) async throws {
        try await transaction("setBirthDate", id: person) { db in
            try await updatePerson(db, person, """
                UPDATE "Persons" SET "BirthDate" = \(day?.description)::date, "ModifiedAt" = now() WHERE "Id" = \(person) RETURNING "Id"
                """)
        }
    }

    public func setPortrait(person: Int64, face: Int64) async throws {
        try await transaction("setPortrait", id: person) { db in
            guard let row = try await db.rows("""
                SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                WHERE fc."Id" = \(face)
                """, logger).first else {
                throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: face, detail: "no such face")
            }
            let mediaFileId = try row.makeRandomAccess()["MediaFileId"].decode(Int64.self)
            try await updatePerson(db, person, """
                UPDATE "Persons" SET "PortraitFaceId" = \(face), "PortraitMediaFileId" = \(mediaFileId),
                       "ModifiedAt" = now()
                WHERE "Id" = \(person) RETURNING "Id"
                """)
        }
    }

    public func merge(_ sources: [Int64], into target: Int64, actor: String) async throws {
        try await transaction("merge", id: target) { db in
            let targetPerson = try await lockPerson(db, target)
            var sourcePersons: [Person] = []
            for source in sources where source != target {
                sourcePersons.append(try await lockPerson(db, source))
                try await moveFaces(db, fromPerson: source, to: target, reason: .merge, actor: actor)
                try await moveRejections(db, from: source, to: target)
                try await moveDistinctions(db, from: source, to: target)
                try await db.run(#"DELETE FROM "Persons" WHERE "Id" = \#(source)"#, logger)
            }
            if let adoptedName = Person.nameDonor(target: targetPerson, sources: sourcePersons)?.name {
                try await db.run("""
                    UPDATE "Persons" SET "Name" = \(adoptedName), "IsUserNamed" = TRUE, "ModifiedAt" = now()
                    WHERE "Id" = \(target)
                    """, logger)
            }
            if let day = Person.adoptedBirthDate(target: targetPerson, sources: sourcePersons) {
                try await db.run(#"UPDATE "Persons" SET "BirthDate" = \#(day.description)::date WHERE "Id" = \#(target)"#, logger)
            }
        }
    }

    public func deletePerson(_ id: Int64, actor: String) async throws {
        try await transaction("deletePerson", id: id) { db in
            _ = try await lockPerson(db, id)
            try await db.run("""
                UPDATE "Faces" SET "IsUserVerified" = FALSE, "ModifiedAt" = now() WHERE "PersonId" = \(id)
                """, logger)
            try await moveFaces(db, fromPerson: id, to: nil, reason: .deletePerson, actor: actor)
            try await db.run(#"DELETE FROM "Persons" WHERE "Id" = \#(id)"#, logger)
        }
    }

    public func assignments(face: Int64) async throws -> [FaceAssignment] {
        try await assignments("assignments", #"SELECT * FROM "FaceAssignments" WHERE "FaceId" = \#(face) ORDER BY "Id""#)
    }

    public func assignments(after id: Int64, limit: Int) async throws -> [FaceAssignment] {
        try await assignments("assignmentsAfter", #"SELECT * FROM "FaceAssignments" WHERE "Id" > \#(id) ORDER BY "Id" LIMIT \#(limit)"#)
    }

    private func assignments(_ operation: String, _ query: PostgresQuery) async throws -> [FaceAssignment] {
        try await read(operation) { db in
            try await db.rows(query, logger)
                .map { row in
                    let r = row.makeRandomAccess()
                    return FaceAssignment(id: try r["Id"].decode(Int64.self), faceId: try r["FaceId"].decode(Int64.self),
                                          fromPersonId: try r["FromPersonId"].decode(Int64?.self),
                                          toPersonId: try r["ToPersonId"].decode(Int64?.self),
                                          reason: AssignmentReason(rawValue: try r["Reason"].decode(String.self)),
                                          actor: try r["Actor"].decode(String.self),
                                          createdAt: try r["CreatedAt"].decode(Date.self))
                }
        }
    }
}
