import Foundation

/// Pages of persons and photos, and "different people" (migration 7); see `SQLiteStore+People`.
extension SQLServerStore {
    public func persons(_ query: PersonQuery) async throws -> [PersonSummary] {
        let (sql, values) = SQLServerSQL.personPage(query)
        return try await summaries("persons", sql, values, countingPhotos: false)
    }

    public func personSummaries(ids: [Int64]) async throws -> [PersonSummary] {
        try await summaries("personSummaries", SQLServerSQL.personsByIds, [TSQL.jsonArray(ids)], countingPhotos: true)
    }

    /// The persons a statement selects, with their photos counted for them only.
    private func summaries(_ operation: String, _ sql: String, _ values: [ODBCValue], countingPhotos: Bool) async throws -> [PersonSummary] {
        try await read(operation) { db in
            let summaries = try db.rows(sql, values).map { r in
                PersonSummary(person: try Self.person(r), faceCount: try r.int("FaceCount"), photoCount: nil,
                              sortName: try r.optionalString("SortName") ?? "", modifiedKey: try r.optionalString("ModifiedKey") ?? "")
            }
            guard countingPhotos, !summaries.isEmpty else { return summaries }
            var photos: [Int64: Int] = [:]
            for r in try db.rows(SQLServerSQL.photoCounts, [TSQL.jsonArray(summaries.map(\.person.id))]) {
                photos[try r.int64("PersonId")] = try r.int("PhotoCount")
            }
            return summaries.map { var summary = $0; summary.photoCount = photos[summary.person.id] ?? 0; return summary }
        }
    }

    public func personCount(_ query: PersonQuery) async throws -> Int {
        let (condition, values) = SQLServerSQL.personFilter(query)
        return try await read("personCount") { db in
            try db.rows(#"SELECT COUNT_BIG(*) AS "Count" FROM "Persons" p WHERE "# + condition, values).first?.int("Count") ?? 0
        }
    }

    public func faceDetails(mediaFiles: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            try db.rows(SQLServerSQL.faceDetailsOfFiles, [TSQL.jsonArray(mediaFiles)]).map(Self.faceDetail)
        }
    }

    public func mediaFiles(_ query: MediaQuery) async throws -> [MediaFile] {
        let persons = Array(Set(query.persons))
        guard !persons.isEmpty else { return [] }
        let (sql, values) = SQLServerSQL.mediaPage(query, persons: persons)
        return try await read("mediaFiles") { db in try db.rows(sql, values).map(Self.mediaFile) }
    }

    public func markDifferent(_ a: Int64, _ b: Int64, actor: String) async throws {
        let pair = PersonPair(a, b)
        try await transaction("markDifferent", id: pair.first) { db in
            _ = try Self.lockPerson(db, pair.first)
            _ = try Self.lockPerson(db, pair.second)
            try db.run(SQLServerSQL.markDifferent, [.int(pair.first), .int(pair.second), .text(actor), .int(pair.first), .int(pair.second)])
        }
    }

    public func personDistinctions() async throws -> Set<PersonPair> {
        try await read("personDistinctions") { db in
            Set(try db.rows(SQLServerSQL.personDistinctions).map { PersonPair(try $0.int64("PersonId1"), try $0.int64("PersonId2")) })
        }
    }

    /// Inside `merge` (before the source is deleted): see `SQLiteStore.moveDistinctions`.
    static func moveDistinctions(_ db: ODBCConnection, from source: Int64, to target: Int64) throws {
        try db.run(SQLServerSQL.moveDistinctions, [.int(target), .int(source)])
        try deleteDistinctions(db, of: source)
    }

    /// No cascade here (see `SQLServerSchema.peoplePages`): a person's pairs go before the person.
    static func deleteDistinctions(_ db: ODBCConnection, of person: Int64) throws {
        try db.run(SQLServerSQL.deleteDistinctions, [.int(person), .int(person)])
    }
}

extension SQLServerSQL {
    /// What `PersonKey` holds: the name (the collation ignores case) and `ModifiedAt` as ISO 8601 text,
    /// which style 126 writes and reads back exactly.
    static let keyColumns = #"COALESCE(p."Name", N'') AS "SortName", CONVERT(NVARCHAR(40), p."ModifiedAt", 126) AS "ModifiedKey""#

    static func personFilter(_ query: PersonQuery) -> (String, [ODBCValue]) {
        var condition = query.includeHidden ? "1 = 1" : #"p."IsHidden" = 0"#
        var values: [ODBCValue] = []
        if let pattern = query.namePattern {
            // The default collation ignores case; '\' escapes the pattern's own % and _.
            condition += #" AND COALESCE(p."Name", N'') LIKE ? ESCAPE N'\'"#
            values.append(.text(pattern))
        }
        return (condition, values)
    }

    static func personPage(_ query: PersonQuery) -> (String, [ODBCValue]) {
        var (condition, values) = personFilter(query)
        let order: String
        switch query.order {
        case .faces:
            order = #"p."FaceCount" DESC, p."Id""#
            if let after = query.after {
                condition += #" AND p."FaceCount" <= ? AND (p."FaceCount" < ? OR p."Id" > ?)"#
                values += [.int(after.faceCount), .int(after.faceCount), .int(after.id)]
            }
        case .name:
            order = #"COALESCE(p."Name", N''), p."Id""#
            if let after = query.after {
                condition += #" AND COALESCE(p."Name", N'') >= ? AND (COALESCE(p."Name", N'') > ? OR p."Id" > ?)"#
                values += [.text(after.sortName), .text(after.sortName), .int(after.id)]
            }
        case .recent:
            order = #"p."ModifiedAt" DESC, p."Id" DESC"#
            if let after = query.after {
                condition += #" AND p."ModifiedAt" <= CONVERT(DATETIME2(7), ?, 126) AND (p."ModifiedAt" < CONVERT(DATETIME2(7), ?, 126) OR p."Id" < ?)"#
                values += [.text(after.modifiedAt), .text(after.modifiedAt), .int(after.id)]
            }
        }
        let columns = personColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return ("""
            SELECT TOP (?) \(columns), p."FaceCount", \(keyColumns) FROM "Persons" p WHERE \(condition) ORDER BY \(order)
            """, [.int(query.limit)] + values)
    }

    static var personsByIds: String {
        let columns = personColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return #"SELECT \#(columns), p."FaceCount", \#(keyColumns) FROM "Persons" p WHERE p."Id" IN (\#(TSQL.idsFromJSON)) ORDER BY p."Id""#
    }

    static let photoCounts = """
        SELECT fc."PersonId", COUNT_BIG(DISTINCT i."MediaFileId") AS "PhotoCount" FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId" WHERE fc."PersonId" IN (\(TSQL.idsFromJSON)) GROUP BY fc."PersonId"
        """

    static let faceDetailsOfFiles = #"\#(faceDetailSelect) WHERE i."MediaFileId" IN (\#(TSQL.idsFromJSON)) ORDER BY fc."Id""#

    /// Binds the limit, the persons (JSON) and their count, then the keyset.
    static func mediaPage(_ query: MediaQuery, persons: [Int64]) -> (String, [ODBCValue]) {
        var condition = """
            mf."Id" IN (SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                        WHERE fc."PersonId" IN (\(TSQL.idsFromJSON)) GROUP BY i."MediaFileId" HAVING COUNT(DISTINCT fc."PersonId") = ?)
            """
        var values: [ODBCValue] = [.int(query.limit), TSQL.jsonArray(persons), .int(persons.count)]
        let order: String
        switch query.order {
        case .added:
            order = #"mf."Id" DESC"#
            if let after = query.after { condition += #" AND mf."Id" < ?"#; values.append(.int(after.id)) }
        case .date:
            order = #"CASE WHEN mf."CapturedAt" IS NULL THEN 1 ELSE 0 END, mf."CapturedAt" DESC, mf."Id" DESC"#
            if let after = query.after, let date = after.capturedAt {
                condition += " AND (mf.\"CapturedAt\" < \(TSQL.instant) OR (mf.\"CapturedAt\" = \(TSQL.instant) AND mf.\"Id\" < ?) OR mf.\"CapturedAt\" IS NULL)"
                values += TSQL.instantParts(date) + TSQL.instantParts(date) + [.int(after.id)]
            } else if let after = query.after {
                condition += #" AND mf."CapturedAt" IS NULL AND mf."Id" < ?"#
                values.append(.int(after.id))
            }
        }
        return (#"SELECT TOP (?) mf.* FROM "MediaFile" mf WHERE "# + condition + " ORDER BY " + order, values)
    }

    static let markDifferent = """
        INSERT INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor")
        SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "PersonDistinctions" WHERE "PersonId1" = ? AND "PersonId2" = ?)
        """
    static let personDistinctions = #"SELECT "PersonId1", "PersonId2" FROM "PersonDistinctions""#
    /// Binds target, source.
    static let moveDistinctions = """
        INSERT INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor", "CreatedAt")
        SELECT p."Low", p."High", p."Actor", p."CreatedAt"
        FROM (SELECT CAST(? AS BIGINT) AS "Target", CAST(? AS BIGINT) AS "Source") v
        CROSS APPLY (SELECT CASE WHEN d."PersonId1" = v."Source" THEN d."PersonId2" ELSE d."PersonId1" END AS "Other", d."Actor", d."CreatedAt"
                     FROM "PersonDistinctions" d WHERE d."PersonId1" = v."Source" OR d."PersonId2" = v."Source") o
        CROSS APPLY (SELECT CASE WHEN o."Other" < v."Target" THEN o."Other" ELSE v."Target" END AS "Low",
                            CASE WHEN o."Other" < v."Target" THEN v."Target" ELSE o."Other" END AS "High", o."Actor", o."CreatedAt") p
        WHERE o."Other" <> v."Target"
          AND NOT EXISTS (SELECT 1 FROM "PersonDistinctions" e WHERE e."PersonId1" = p."Low" AND e."PersonId2" = p."High")
        """
    static let deleteDistinctions = #"DELETE FROM "PersonDistinctions" WHERE "PersonId1" = ? OR "PersonId2" = ?"#

    /// The statements above with sample keys, for the dialect tests.
    static var peopleStatements: [(String, String)] {
        let key = PersonKey(id: 1, faceCount: 2, sortName: "a", modifiedAt: "2026-01-02T03:04:05.1234567")
        var list: [(String, String)] = [
            ("photoCounts", photoCounts), ("personsByIds", personsByIds), ("faceDetailsOfFiles", faceDetailsOfFiles), ("markDifferent", markDifferent),
            ("personDistinctions", personDistinctions), ("moveDistinctions", moveDistinctions), ("deleteDistinctions", deleteDistinctions),
        ]
        for order in PersonOrder.allCases {
            for after in [nil, key] {
                list.append(("personPage(\(order), \(after == nil ? "first" : "after"))",
                             personPage(PersonQuery(order: order, nameContains: "x", after: after)).0))
            }
        }
        for order in MediaOrder.allCases {
            for after in [nil, MediaKey(id: 3, capturedAt: Date()), MediaKey(id: 3, capturedAt: nil)] {
                list.append(("mediaPage(\(order))", mediaPage(MediaQuery(persons: [1, 2], order: order, after: after), persons: [1, 2]).0))
            }
        }
        return list
    }
}
