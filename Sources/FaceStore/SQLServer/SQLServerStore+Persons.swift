import Foundation

extension SQLServerStore {
    static func person(_ r: ODBCRow) throws -> Person {
        Person(id: try r.int64("Id"), number: try r.optionalInt64("Number"), name: try r.optionalString("Name"),
               rank: try r.optionalString("Rank"), appointment: try r.optionalString("Appointment"),
               type: try r.optionalString("Type"), portraitFaceId: try r.optionalInt64("PortraitFaceId"),
               portraitMediaFileId: try r.optionalInt64("PortraitMediaFileId"), isHidden: try r.bool("IsHidden"),
               isUserNamed: try r.bool("IsUserNamed"), birthDate: CalendarDay.stored(try r.optionalString("BirthDate")))
    }

    static func notFoundPerson(_ id: Int64) -> FaceStoreError {
        FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: id, detail: "no such person")
    }

    /// Reads and locks a person for the rest of the transaction.
    static func lockPerson(_ db: ODBCConnection, _ id: Int64) throws -> Person {
        guard let row = try db.rows(SQLServerSQL.lockPerson, [.int(id)]).first else { throw notFoundPerson(id) }
        return try person(row)
    }

    /// Runs an UPDATE ... OUTPUT INSERTED."Id" on one person; throws `.notFound` when nothing matched.
    static func updatePerson(_ db: ODBCConnection, _ id: Int64, _ sql: String, _ values: [ODBCValue]) throws {
        if try db.rows(sql, values).isEmpty { throw notFoundPerson(id) }
    }

    /// A new person, and with `faces` those faces moved to it in the same transaction (see `assign`).
    public func createPerson(name: String?, faces: [Int64], reason: AssignmentReason, actor: String,
                             verified: Bool?) async throws -> Person {
        try await transaction("createPerson") { db in
            // The counter row's update lock serialises concurrent creators; the value only grows,
            // so a deleted person's number is never handed out again.
            let number = try db.rows(SQLServerSQL.nextPersonNumber, [.text(personNumberCounter)])[0].int64("Value")
            let row = try db.rows(SQLServerSQL.insertPerson, [.text(name ?? Person.machineName(number: number)),
                                                              .bool(name != nil), .int(number)])[0]
            let person = try Self.person(row)
            try Self.assign(db, faces: faces, to: person.id, reason: reason, actor: actor, verified: verified)
            return person
        }
    }

    public func person(id: Int64) async throws -> Person? {
        try await read("person", id: id) { db in try db.rows(SQLServerSQL.personById, [.int(id)]).first.map(Self.person) }
    }

    public func persons(includeHidden: Bool) async throws -> [PersonSummary] {
        try await read("persons") { db in
            try db.rows(SQLServerSQL.personSummaries, [.bool(includeHidden)]).map { r in
                PersonSummary(person: try Self.person(r), faceCount: try r.int("FaceCount"), photoCount: try r.int("PhotoCount"))
            }
        }
    }

    public func allPersons() async throws -> [Person] {
        try await read("allPersons") { db in try db.rows(SQLServerSQL.allPersons).map(Self.person) }
    }

    /// Moves the faces with the given ids to `person`, with history rows written first (they read
    /// the old PersonId); faces already there are skipped.
    static func moveFaces(_ db: ODBCConnection, ids: [Int64], to person: Int64?, reason: AssignmentReason,
                          actor: String) throws {
        let ids = TSQL.jsonArray(ids)
        try db.run(SQLServerSQL.historyForIds, [.int(person), .text(reason.rawValue), .text(actor), ids, .int(person)])
        try db.run(SQLServerSQL.moveIds, [.int(person), ids, .int(person)])
    }

    /// Moves every face of `source` to `person`, with history rows.
    static func moveFaces(_ db: ODBCConnection, fromPerson source: Int64, to person: Int64?, reason: AssignmentReason,
                          actor: String) throws {
        try db.run(SQLServerSQL.historyFromPerson, [.int(person), .text(reason.rawValue), .text(actor), .int(source), .int(person)])
        try db.run(SQLServerSQL.moveFromPerson, [.int(person), .int(source), .int(person)])
    }

    /// Moves faces to `person` (nil: unassign) with history rows; `verified`, when given, sets their
    /// `IsUserVerified` in the same transaction, so a user's move is confirmed with it or not at all.
    public func assign(faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String, verified: Bool?) async throws {
        try await transaction("assign", id: person) { db in
            if let person { _ = try Self.lockPerson(db, person) }
            try Self.assign(db, faces: faces, to: person, reason: reason, actor: actor, verified: verified)
        }
    }

    static func assign(_ db: ODBCConnection, faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String,
                       verified: Bool?) throws {
        guard !faces.isEmpty else { return }
        try moveFaces(db, ids: faces, to: person, reason: reason, actor: actor)
        if let verified {
            try db.run(SQLServerSQL.setVerified, [.bool(verified), TSQL.jsonArray(faces)])
        }
    }

    public func rename(person: Int64, to name: String) async throws {
        try await transaction("rename", id: person) { db in
            try Self.updatePerson(db, person, SQLServerSQL.rename, [.text(name), .int(person)])
        }
    }

    public func setHidden(person: Int64, hidden: Bool) async throws {
        try await transaction("setHidden", id: person) { db in
            try Self.updatePerson(db, person, SQLServerSQL.setHidden, [.bool(hidden), .int(person)])
        }
    }

    public func setBirthDate(person: Int64, _ day: CalendarDay?) async throws {
        try await transaction("setBirthDate", id: person) { db in
            try Self.updatePerson(db, person, SQLServerSQL.setBirthDate, [.text(day?.description), .int(person)])
        }
    }

    public func setPortrait(person: Int64, face: Int64) async throws {
        try await transaction("setPortrait", id: person) { db in
            guard let row = try db.rows(SQLServerSQL.mediaFileOfFace, [.int(face)]).first else {
                throw FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: face, detail: "no such face")
            }
            try Self.updatePerson(db, person, SQLServerSQL.setPortrait, [.int(face), .int(try row.int64("MediaFileId")), .int(person)])
        }
    }

    public func merge(_ sources: [Int64], into target: Int64, actor: String) async throws {
        try await transaction("merge", id: target) { db in
            let targetPerson = try Self.lockPerson(db, target)
            var adoptedName: String?
            var sourcePersons: [Person] = []
            for source in sources where source != target {
                let sourcePerson = try Self.lockPerson(db, source)
                sourcePersons.append(sourcePerson)
                if !targetPerson.isUserNamed, adoptedName == nil, sourcePerson.isUserNamed {
                    adoptedName = sourcePerson.name
                }
                // Faces first: Faces -> Persons has no ON DELETE action (it would close a cascade cycle).
                try Self.moveFaces(db, fromPerson: source, to: target, reason: .merge, actor: actor)
                // The merged person is the same person: a face rejected from the source is not the target either.
                try db.run("""
                    INSERT INTO "FaceRejections" ("FaceId", "PersonId", "Actor", "CreatedAt")
                    SELECT r."FaceId", ?, r."Actor", r."CreatedAt" FROM "FaceRejections" r
                    WHERE r."PersonId" = ? AND NOT EXISTS (SELECT 1 FROM "FaceRejections" t WHERE t."FaceId" = r."FaceId" AND t."PersonId" = ?)
                    """, [.int(target), .int(source), .int(target)])
                try Self.moveDistinctions(db, from: source, to: target)
                try db.run(SQLServerSQL.deletePerson, [.int(source)])
            }
            if let adoptedName {
                try db.run(SQLServerSQL.adoptName, [.text(adoptedName), .int(target)])
            }
            if let day = Person.adoptedBirthDate(target: targetPerson, sources: sourcePersons) {
                _ = try db.rows(SQLServerSQL.setBirthDate, [.text(day.description), .int(target)])
            }
        }
    }

    public func deletePerson(_ id: Int64, actor: String) async throws {
        try await transaction("deletePerson", id: id) { db in
            _ = try Self.lockPerson(db, id)
            // Its faces are the machine's again: unassigned and unconfirmed.
            try db.run(SQLServerSQL.unverifyFacesOfPerson, [.int(id)])
            try Self.moveFaces(db, fromPerson: id, to: nil, reason: .deletePerson, actor: actor)
            try Self.deleteDistinctions(db, of: id)
            try db.run(SQLServerSQL.deletePerson, [.int(id)])
        }
    }

    public func assignments(face: Int64) async throws -> [FaceAssignment] {
        try await assignments("assignments", SQLServerSQL.assignments, [.int(face)])
    }

    public func assignments(after id: Int64, limit: Int) async throws -> [FaceAssignment] {
        try await assignments("assignmentsAfter", SQLServerSQL.assignmentsAfter, [.int(limit), .int(id)])
    }

    private func assignments(_ operation: String, _ sql: String, _ values: [ODBCValue]) async throws -> [FaceAssignment] {
        try await read(operation) { db in
            try db.rows(sql, values).map { r in
                FaceAssignment(id: try r.int64("Id"), faceId: try r.int64("FaceId"), fromPersonId: try r.optionalInt64("FromPersonId"),
                               toPersonId: try r.optionalInt64("ToPersonId"), reason: AssignmentReason(rawValue: try r.string("Reason")),
                               actor: try r.string("Actor"), createdAt: try r.date("CreatedAt"))
            }
        }
    }
}
