import Foundation
import PostgresNIO

/// Builds a query from pieces whose values are bound (`$1`, `$2`, ...), never spliced into the text.
struct PostgresQueryBuilder {
    private(set) var sql = ""
    private(set) var binds = PostgresBindings()
    private var count = 0

    /// Appends `text`, where each `?` takes the next of `values`.
    mutating func append(_ text: String, _ values: [any PostgresNonThrowingEncodable & Sendable] = []) {
        var values = values.makeIterator()
        for character in text {
            guard character == "?" else { sql.append(character); continue }
            count += 1
            sql += "$\(count)"
            binds.appendAny(values.next()!)
        }
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

private extension PostgresBindings {
    mutating func appendAny(_ value: any PostgresNonThrowingEncodable & Sendable) {
        func open<T: PostgresNonThrowingEncodable>(_ value: T) { append(value) }
        open(value)
    }
}

/// Pages of persons and photos, and "different people" (migration 7); see `SQLiteStore+People`.
extension PostgresStore {
    static let sortName = #"lower(COALESCE(p."Name", ''))"#
    /// What `PersonKey` holds: the name as the index orders it, and `ModifiedAt` to the microsecond as text.
    static let keyColumns = sortName + #" AS "SortName", to_char(p."ModifiedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "ModifiedKey""#

    static func appendPersonFilter(_ query: PersonQuery, to builder: inout PostgresQueryBuilder) {
        builder.append(query.includeHidden ? "TRUE" : #"p."IsHidden" = FALSE"#)
        if let pattern = query.namePattern { builder.append(" AND \(sortName) LIKE ? ESCAPE '\\'", [pattern]) }
    }

    public func persons(_ query: PersonQuery) async throws -> [PersonSummary] {
        var builder = PostgresQueryBuilder()
        builder.append(#"SELECT p.*, "# + Self.keyColumns + #" FROM "Persons" p WHERE "#)
        Self.appendPersonFilter(query, to: &builder)
        let order: String
        switch query.order {
        case .faces:
            order = #"p."FaceCount" DESC, p."Id""#
            if let after = query.after {
                builder.append(#" AND p."FaceCount" <= ? AND (p."FaceCount" < ? OR p."Id" > ?)"#, [after.faceCount, after.faceCount, after.id])
            }
        case .name:
            order = "\(Self.sortName), p.\"Id\""
            if let after = query.after {
                builder.append(" AND \(Self.sortName) >= ? AND (\(Self.sortName) > ? OR p.\"Id\" > ?)", [after.sortName, after.sortName, after.id])
            }
        case .recent:
            order = #"p."ModifiedAt" DESC, p."Id" DESC"#
            if let after = query.after {
                builder.append(#" AND p."ModifiedAt" <= ?::timestamptz AND (p."ModifiedAt" < ?::timestamptz OR p."Id" < ?)"#,
                               [after.modifiedAt, after.modifiedAt, after.id])
            }
        }
        builder.append(" ORDER BY \(order) LIMIT ?", [query.limit])
        return try await summaries("persons", builder.query, countingPhotos: false)
    }

    public func personSummaries(ids: [Int64]) async throws -> [PersonSummary] {
        try await summaries("personSummaries", "SELECT p.*, \(unescaped: Self.keyColumns) FROM \"Persons\" p WHERE p.\"Id\" = ANY(\(ids)) ORDER BY p.\"Id\"",
                            countingPhotos: true)
    }

    /// The persons a query selects, with their photos counted for them only.
    private func summaries(_ operation: String, _ query: PostgresQuery, countingPhotos: Bool) async throws -> [PersonSummary] {
        try await read(operation) { db in
            var summaries: [PersonSummary] = []
            for row in try await db.rows(query, logger) {
                let r = row.makeRandomAccess()
                summaries.append(PersonSummary(person: try Self.person(row), faceCount: try r["FaceCount"].decode(Int.self),
                                               photoCount: nil, sortName: try r["SortName"].decode(String.self),
                                               modifiedKey: try r["ModifiedKey"].decode(String.self)))
            }
            guard countingPhotos, !summaries.isEmpty else { return summaries }
            // Distinct media files of these persons only.
            var photos: [Int64: Int] = [:]
            let ids = summaries.map(\.person.id)
            let rows = try await db.query("""
                SELECT fc."PersonId", COUNT(DISTINCT i."MediaFileId")::bigint FROM "Faces" fc
                JOIN "MediaItems" i ON i."Id" = fc."MediaItemId" WHERE fc."PersonId" = ANY(\(ids)) GROUP BY fc."PersonId"
                """, logger: logger)
            for try await (person, count) in rows.decode((Int64, Int64).self) { photos[person] = Int(count) }
            return summaries.map { var summary = $0; summary.photoCount = photos[summary.person.id] ?? 0; return summary }
        }
    }

    public func personCount(_ query: PersonQuery) async throws -> Int {
        var builder = PostgresQueryBuilder()
        builder.append(#"SELECT COUNT(*) AS "n" FROM "Persons" p WHERE "#)
        Self.appendPersonFilter(query, to: &builder)
        return try await read("personCount") { db in
            try await db.rows(builder.query, logger).first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
        }
    }

    public func faceDetails(mediaFiles: [Int64]) async throws -> [FaceDetail] {
        try await read("faceDetails") { db in
            try await db.rows("""
                \(unescaped: Self.faceDetailSelect) WHERE i."MediaFileId" = ANY(\(mediaFiles)) ORDER BY fc."Id"
                """, logger).map(Self.faceDetail)
        }
    }

    public func mediaFiles(_ query: MediaQuery) async throws -> [MediaFile] {
        let persons = Array(Set(query.persons))
        guard !persons.isEmpty else { return [] }
        var builder = PostgresQueryBuilder()
        builder.append("""
            SELECT mf.* FROM "MediaFile" mf WHERE mf."Id" IN (
                SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                WHERE fc."PersonId" = ANY(?) GROUP BY i."MediaFileId" HAVING COUNT(DISTINCT fc."PersonId") = ?)
            """, [persons, persons.count])
        switch (query.order, query.after) {
        case (.added, nil): builder.append(#" ORDER BY mf."Id" DESC"#)
        case (.added, let after?): builder.append(#" AND mf."Id" < ? ORDER BY mf."Id" DESC"#, [after.id])
        case (.date, let after):
            if let after, let date = after.capturedAt {
                builder.append(#" AND (mf."CapturedAt" < ? OR (mf."CapturedAt" = ? AND mf."Id" < ?) OR mf."CapturedAt" IS NULL)"#,
                               [date, date, after.id])
            } else if let after {
                builder.append(#" AND mf."CapturedAt" IS NULL AND mf."Id" < ?"#, [after.id])
            }
            builder.append(#" ORDER BY mf."CapturedAt" DESC NULLS LAST, mf."Id" DESC"#)
        }
        builder.append(" LIMIT ?", [query.limit])
        return try await read("mediaFiles") { db in
            try await db.rows(builder.query, logger).map(Self.mediaFile)
        }
    }

    public func markDifferent(_ a: Int64, _ b: Int64, actor: String) async throws {
        let pair = PersonPair(a, b)
        try await transaction("markDifferent", id: pair.first) { db in
            _ = try await lockPerson(db, pair.first)
            _ = try await lockPerson(db, pair.second)
            try await db.run("""
                INSERT INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor") VALUES (\(pair.first), \(pair.second), \(actor))
                ON CONFLICT ("PersonId1", "PersonId2") DO NOTHING
                """, logger)
        }
    }

    public func personDistinctions() async throws -> Set<PersonPair> {
        try await read("personDistinctions") { db in
            var pairs = Set<PersonPair>()
            let rows = try await db.query(#"SELECT "PersonId1", "PersonId2" FROM "PersonDistinctions""#, logger: logger)
            for try await (a, b) in rows.decode((Int64, Int64).self) { pairs.insert(PersonPair(a, b)) }
            return pairs
        }
    }

    /// Inside `merge`: see `SQLiteStore.moveDistinctions`.
    func moveDistinctions(_ db: PostgresConnection, from source: Int64, to target: Int64) async throws {
        try await db.run("""
            INSERT INTO "PersonDistinctions" ("PersonId1", "PersonId2", "Actor", "CreatedAt")
            SELECT LEAST(\(target), "Other"), GREATEST(\(target), "Other"), "Actor", "CreatedAt" FROM (
                SELECT CASE WHEN "PersonId1" = \(source) THEN "PersonId2" ELSE "PersonId1" END AS "Other", "Actor", "CreatedAt"
                FROM "PersonDistinctions" WHERE "PersonId1" = \(source) OR "PersonId2" = \(source)) o
            WHERE "Other" <> \(target)
            ON CONFLICT ("PersonId1", "PersonId2") DO NOTHING
            """, logger)
    }
}
