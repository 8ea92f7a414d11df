import Foundation
import GRDB

/// Pages of persons and photos, and "different people" (migration 7).
extension SQLiteStore {
    /// What `PersonKey` holds, read from the row: the index's own expressions.
    static let keyColumns = #"lower(COALESCE(p."Name", '')) AS "SortName", CAST(p."ModifiedAt" AS TEXT) AS "ModifiedKey""#

    /// The keyset condition and order for `query`, each served by an index of migration 7.
    static func personOrder(_ query: PersonQuery) -> (condition: String, arguments: StatementArguments, order: String) {
        guard let after = query.after else {
            switch query.order {
            case .faces: return ("1", [], #"p."FaceCount" DESC, p."Id""#)
            case .name: return ("1", [], #"lower(COALESCE(p."Name", '')), p."Id""#)
            case .recent: return ("1", [], #"p."ModifiedAt" DESC, p."Id" DESC"#)
            }
        }
        // `a <= x AND (a < x OR ...)`: the first half bounds the index range, the second breaks ties.
        switch query.order {
        case .faces:
            return (#"p."FaceCount" <= ? AND (p."FaceCount" < ? OR p."Id" > ?)"#,
                    [after.faceCount, after.faceCount, after.id], #"p."FaceCount" DESC, p."Id""#)
        case .name:
            let name = #"lower(COALESCE(p."Name", ''))"#
            return ("\(name) >= ? AND (\(name) > ? OR p.\"Id\" > ?)", [after.sortName, after.sortName, after.id], "\(name), p.\"Id\"")
        case .recent:
            return (#"p."ModifiedAt" <= ? AND (p."ModifiedAt" < ? OR p."Id" < ?)"#,
                    [after.modifiedAt, after.modifiedAt, after.id], #"p."ModifiedAt" DESC, p."Id" DESC"#)
        }
    }

    static func personFilter(_ query: PersonQuery) -> (String, StatementArguments) {
        var condition = query.includeHidden ? "1" : #"p."IsHidden" = 0"#
        var arguments: StatementArguments = []
        if let pattern = query.namePattern {
            condition += #" AND lower(COALESCE(p."Name", '')) LIKE ? ESCAPE '\'"#
            arguments += [pattern]
        }
        return (condition, arguments)
    }

    public func persons(_ query: PersonQuery) async throws -> [PersonSummary] {
        try await read("persons") { db in
            let (filter, filterArguments) = Self.personFilter(query)
            let (keyset, keysetArguments, order) = Self.personOrder(query)
            return try Row.fetchAll(db, sql: """
                SELECT p.*, \(Self.keyColumns) FROM "Persons" p WHERE \(filter) AND \(keyset) ORDER BY \(order) LIMIT ?
                """, arguments: filterArguments + keysetArguments + [query.limit]).map { row in
                PersonSummary(person: Self.person(row), faceCount: row["FaceCount"], photoCount: nil,
                              sortName: row["SortName"], modifiedKey: row["ModifiedKey"])
            }
        }
    }

    public func personSummaries(ids: [Int64]) async throws -> [PersonSummary] {
        try await read("personSummaries") { db in
            var rows: [Row] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                rows += try Row.fetchAll(db, sql: #"SELECT p.*, \#(Self.keyColumns) FROM "Persons" p WHERE p."Id" IN (\#(databaseQuestionMarks(count: chunk.count))) ORDER BY p."Id""#,
                                         arguments: StatementArguments(chunk))
            }
            let photos = try Self.photoCounts(db, persons: rows.map { $0["Id"] })
            return rows.map { row in
                let person = Self.person(row)
                return PersonSummary(person: person, faceCount: row["FaceCount"], photoCount: photos[person.id] ?? 0,
                                     sortName: row["SortName"], modifiedKey: row["ModifiedKey"])
            }
        }
    }

    /// Distinct media files per person, for the persons of one page (their faces only).
    static func photoCounts(_ db: Database, persons: [Int64]) throws -> [Int64: Int] {
        guard !persons.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT fc."PersonId", COUNT(DISTINCT i."MediaFileId") AS "n" FROM "Faces" fc
            JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
            WHERE fc."PersonId" IN (\(databaseQuestionMarks(count: persons.count))) GROUP BY fc."PersonId"
            """, arguments: StatementArguments(persons))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["PersonId"], $0["n"]) })
    }

    public func personCount(_ query: PersonQuery) async throws -> Int {
        try await read("personCount") { db in
            let (filter, arguments) = Self.personFilter(query)
            return try Int.fetchOne(db, sql: #"SELECT COUNT(*) FROM "Persons" p WHERE "# + filter, arguments: arguments) ?? 0
        }
    }

    public func faceDetails(mediaFiles: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in try Self.faceDetails(db, where: #"i."MediaFileId""#, in: mediaFiles) }
    }

    public func mediaFiles(_ query: MediaQuery) async throws -> [MediaFile] {
        let persons = Array(Set(query.persons))
        guard !persons.isEmpty else { return [] }
        return try await read("mediaFiles") { db in
            let (keyset, keysetArguments, order) = Self.mediaOrder(query)
            // The persons' faces only: bounded by how often they appear, whatever the library's size.
            return try Row.fetchAll(db, sql: """
                SELECT mf.* FROM "MediaFile" mf WHERE mf."Id" IN (
                    SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                    WHERE fc."PersonId" IN (\(databaseQuestionMarks(count: persons.count)))
                    GROUP BY i."MediaFileId" HAVING COUNT(DISTINCT fc."PersonId") = ?)
                AND \(keyset) ORDER BY \(order) LIMIT ?
                """, arguments: StatementArguments(persons) + [persons.count] + keysetArguments + [query.limit]).map(Self.mediaFile)
        }
    }

    /// Dated files newest first, then undated ones; ties and undated files by id, newest first.
    static func mediaOrder(_ query: MediaQuery) -> (String, StatementArguments, String) {
        switch (query.order, query.after) {
        case (.added, nil): return ("1", [], #"mf."Id" DESC"#)
        case (.added, let after?): return (#"mf."Id" < ?"#, [after.id], #"mf."Id" DESC"#)
        case (.date, nil): return ("1", [], #"mf."CapturedAt" IS NULL, mf."CapturedAt" DESC, mf."Id" DESC"#)
        case (.date, let after?):
            let order = #"mf."CapturedAt" IS NULL, mf."CapturedAt" DESC, mf."Id" DESC"#
            guard let date = after.capturedAt else { return (#"mf."CapturedAt" IS NULL AND mf."Id" < ?"#, [after.id], order) }
            return (#"(mf."CapturedAt" < ? OR (mf."CapturedAt" = ? AND mf."Id" < ?) OR mf."CapturedAt" IS NULL)"#,
                    [date, date, after.id], order)
        }
    }

    public func markDifferent(_ a: Int64, _ b: Int64, actor: String) async throws {
        let pair = PersonPair(a, b)
        try await write("markDifferent", id: pair.first) { db in
            _ = try Self.fetchPerson(db, pair.first)
            _ = try Self.fetchPerson(db, pair.second)
            try db.execute(sql: """
                INSERT OR IGNORE INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor", "CreatedAt") VALUES (?, ?, ?, ?)
                """, arguments: [pair.first, pair.second, actor, Date()])
        }
    }

    public func personDistinctions() async throws -> Set<PersonPair> {
        try await read("personDistinctions") { db in
            Set(try Row.fetchAll(db, sql: #"SELECT "PersonId1", "PersonId2" FROM "PersonDistinctions""#)
                .map { PersonPair($0["PersonId1"], $0["PersonId2"]) })
        }
    }

    /// A merge moves the source's "different people" pairs to the target (a pair with the target
    /// itself means nothing any more); the cascade then removes the source's rows.
    static func moveDistinctions(_ db: Database, from source: Int64, to target: Int64) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor", "CreatedAt")
            SELECT MIN(?, "Other"), MAX(?, "Other"), "Actor", "CreatedAt" FROM (
                SELECT CASE WHEN "PersonId1" = ? THEN "PersonId2" ELSE "PersonId1" END AS "Other", "Actor", "CreatedAt"
                FROM "PersonDistinctions" WHERE "PersonId1" = ? OR "PersonId2" = ?)
            WHERE "Other" <> ?
            """, arguments: [target, target, source, source, source, target])
    }
}
