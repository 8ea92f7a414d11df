import Foundation
import GRDB

extension SQLiteStore {
    static func person(_ row: Row) -> Person {
        Person(id: row["Id"], number: row["Number"], name: row["Name"], rank: row["Rank"],
               appointment: row["Appointment"], type: row["Type"], portraitFaceId: row["PortraitFaceId"],
               portraitMediaFileId: row["PortraitMediaFileId"], isHidden: row["IsHidden"],
               isUserNamed: row["IsUserNamed"], birthDate: CalendarDay.stored(row["BirthDate"]))
    }

    static func fetchPerson(_ db: Database, _ id: Int64) throws -> Person {
        guard let row = try Row.fetchOne(db, sql: #"SELECT * FROM "Persons" WHERE "Id" = ?"#, arguments: [id]) else {
            throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: id, detail: "no such person")
        }
        return person(row)
    }

    /// Updates one person row; throws `.notFound` when it does not exist.
    static func updatePerson(_ db: Database, _ id: Int64, sql: String, _ arguments: StatementArguments) throws {
        try db.execute(sql: sql, arguments: arguments)
        if db.changesCount == 0 {
            throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: id, detail: "no such person")
        }
    }

    public func createPerson(name: String?, faces: [Int64], reason: AssignmentReason, actor: String,
                             verified: Bool?) async throws -> Person {
        try await write("createPerson") { db in
            let now = Date()
            // The counter only grows, so a deleted person's number is never handed out again.
            try db.execute(sql: #"UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Name" = ?"#,
                           arguments: [personNumberCounter])
            let number = try Int64.fetchOne(db, sql: #"SELECT "Value" FROM "Counters" WHERE "Name" = ?"#,
                                             arguments: [personNumberCounter])!
            try db.execute(sql: """
                INSERT INTO "Persons" ("Name", "IsHidden", "IsUserNamed", "Number", "CreatedAt", "ModifiedAt")
                VALUES (?, 0, ?, ?, ?, ?)
                """, arguments: [name ?? Person.machineName(number: number), name != nil, number, now, now])
            let person = try Self.fetchPerson(db, db.lastInsertedRowID)
            try Self.assign(db, faces: faces, to: person.id, reason: reason, actor: actor, verified: verified)
            return person
        }
    }

    public func person(id: Int64) async throws -> Person? {
        try await read("person", id: id) { db in
            try Row.fetchOne(db, sql: #"SELECT * FROM "Persons" WHERE "Id" = ?"#, arguments: [id]).map(Self.person)
        }
    }

    public func persons(includeHidden: Bool) async throws -> [PersonSummary] {
        try await read("persons") { db in
            try Row.fetchAll(db, sql: """
                SELECT p.*, COUNT(DISTINCT i."MediaFileId") AS "PhotoCount"
                FROM "Persons" p
                LEFT JOIN "Faces" fc ON fc."PersonId" = p."Id"
                LEFT JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                WHERE ? OR p."IsHidden" = 0
                GROUP BY p."Id"
                ORDER BY p."FaceCount" DESC, p."Id"
                """, arguments: [includeHidden]).map {
                PersonSummary(person: Self.person($0), faceCount: $0["FaceCount"], photoCount: $0["PhotoCount"])
            }
        }
    }

    public func allPersons() async throws -> [Person] {
        try await read("allPersons") { db in
            try Row.fetchAll(db, sql: #"SELECT * FROM "Persons" ORDER BY "Id""#).map(Self.person)
        }
    }

    /// History rows first (they read the old PersonId), then the move. Faces already there are skipped.
    static func moveFaces(_ db: Database, where condition: String, _ arguments: StatementArguments,
                          to person: Int64?, reason: AssignmentReason, actor: String) throws {
        let now = Date()
        try db.execute(sql: """
            INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor", "CreatedAt")
            SELECT "Id", "PersonId", ?, ?, ?, ? FROM "Faces" WHERE (\(condition)) AND "PersonId" IS NOT ?
            """, arguments: [person, reason.rawValue, actor, now] + arguments + [person])
        try db.execute(sql: """
            UPDATE "Faces" SET "PersonId" = ?, "ModifiedAt" = ? WHERE (\(condition)) AND "PersonId" IS NOT ?
            """, arguments: [person, now] + arguments + [person])
    }

    public func assign(faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String, verified: Bool?) async throws {
        try await write("assign", id: person) { db in
            if let person { _ = try Self.fetchPerson(db, person) }
            try Self.assign(db, faces: faces, to: person, reason: reason, actor: actor, verified: verified)
        }
    }

    static func assign(_ db: Database, faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String,
                       verified: Bool?) throws {
        let now = Date()
        // Chunks keep the statement under SQLite's bound-parameter limit.
        for chunk in stride(from: 0, to: faces.count, by: 500).map({ Array(faces[$0..<min($0 + 500, faces.count)]) }) {
            let condition = #""Id" IN "# + "(\(databaseQuestionMarks(count: chunk.count)))"
            try moveFaces(db, where: condition, StatementArguments(chunk), to: person, reason: reason, actor: actor)
            if let verified {
                try db.execute(sql: #"UPDATE "Faces" SET "IsUserVerified" = ?, "ModifiedAt" = ? WHERE "# + condition,
                               arguments: [verified, now] + StatementArguments(chunk))
            }
        }
    }

    public func rename(person: Int64, to name: String) async throws {
        try await write("rename", id: person) { db in
            try Self.updatePerson(db, person, sql: """
                UPDATE "Persons" SET "Name" = ?, "IsUserNamed" = 1, "ModifiedAt" = ? WHERE "Id" = ?
                """, [name, Date(), person])
        }
    }

    public func setHidden(person: Int64, hidden: Bool) async throws {
        try await write("setHidden", id: person) { db in
            try Self.updatePerson(db, person, sql: """
                UPDATE "Persons" SET "IsHidden" = ?, "ModifiedAt" = ? WHERE "Id" = ?
                """, [hidden, Date(), person])
        }
    }

    public func setBirthDate(person: Int64, _ day: CalendarDay?) async throws {
        try await write("setBirthDate", id: person) { db in
            try Self.updatePerson(db, person, sql: """
                UPDATE "Persons" SET "BirthDate" = ?, "ModifiedAt" = ? WHERE "Id" = ?
                """, [day?.description, Date(), person])
        }
    }

    public func setPortrait(person: Int64, face: Int64) async throws {
        try await write("setPortrait", id: person) { db in
            guard let mediaFileId = try Int64.fetchOne(db, sql: """
                SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                WHERE fc."Id" = ?
                """, arguments: [face]) else {
                throw FaceStoreError(.notFound, operation: "", backend: .sqlite, id: face, detail: "no such face")
            }
            try Self.updatePerson(db, person, sql: """
                UPDATE "Persons" SET "PortraitFaceId" = ?, "PortraitMediaFileId" = ?, "ModifiedAt" = ? WHERE "Id" = ?
                """, [face, mediaFileId, Date(), person])
        }
    }

    public func merge(_ sources: [Int64], into target: Int64, actor: String) async throws {
        try await write("merge", id: target) { db in
            let targetPerson = try Self.fetchPerson(db, target)
            var sourcePersons: [Person] = []
            for source in sources where source != target {
                sourcePersons.append(try Self.fetchPerson(db, source))
                try Self.moveFaces(db, where: #""PersonId" = ?"#, [source], to: target, reason: .merge, actor: actor)
                try Self.moveRejections(db, from: source, to: target)
                try Self.moveDistinctions(db, from: source, to: target)
                try db.execute(sql: #"DELETE FROM "Persons" WHERE "Id" = ?"#, arguments: [source])
            }
            if let adoptedName = Person.nameDonor(target: targetPerson, sources: sourcePersons)?.name {
                try db.execute(sql: """
                    UPDATE "Persons" SET "Name" = ?, "IsUserNamed" = 1, "ModifiedAt" = ? WHERE "Id" = ?
                    """, arguments: [adoptedName, Date(), target])
            }
            if let day = Person.adoptedBirthDate(target: targetPerson, sources: sourcePersons) {
                try db.execute(sql: #"UPDATE "Persons" SET "BirthDate" = ? WHERE "Id" = ?"#, arguments: [day.description, target])
            }
        }
    }

    public func deletePerson(_ id: Int64, actor: String) async throws {
        try await write("deletePerson", id: id) { db in
            _ = try Self.fetchPerson(db, id)
            try db.execute(sql: #"UPDATE "Faces" SET "IsUserVerified" = 0, "ModifiedAt" = ? WHERE "PersonId" = ?"#,
                           arguments: [Date(), id])
            try Self.moveFaces(db, where: #""PersonId" = ?"#, [id], to: nil, reason: .deletePerson, actor: actor)
            try db.execute(sql: #"DELETE FROM "Persons" WHERE "Id" = ?"#, arguments: [id])
        }
    }

    public func assignments(face: Int64) async throws -> [FaceAssignment] {
        try await assignments("assignments", #"SELECT * FROM "FaceAssignments" WHERE "FaceId" = ? ORDER BY "Id""#, [face])
    }

    public func assignments(after id: Int64, limit: Int) async throws -> [FaceAssignment] {
        try await assignments("assignmentsAfter", #"SELECT * FROM "FaceAssignments" WHERE "Id" > ? ORDER BY "Id" LIMIT ?"#, [id, limit])
    }

    private func assignments(_ operation: String, _ sql: String, _ arguments: StatementArguments) async throws -> [FaceAssignment] {
        try await read(operation) { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                FaceAssignment(id: $0["Id"], faceId: $0["FaceId"], fromPersonId: $0["FromPersonId"],
                               toPersonId: $0["ToPersonId"], reason: AssignmentReason(rawValue: $0["Reason"]),
                               actor: $0["Actor"], createdAt: $0["CreatedAt"])
            }
        }
    }
}
