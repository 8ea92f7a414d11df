import Foundation
import Testing
@testable import FaceStore

/// The SQL Server dialect read as data: no server is needed to check that every statement binds its
/// values, uses T-SQL forms only, and that the schema keeps the other backends' tables and columns.
@Suite("SQL Server dialect")
struct SQLServerDialectTests {
    /// The text of a statement outside string literals (so that N'...' constants are not searched).
    static func code(_ sql: String) -> String {
        var result = ""
        var inString = false
        for c in sql {
            if c == "'" { inString.toggle(); continue }
            if !inString { result.append(c) }
        }
        return result.uppercased()
    }

    @Test("no PostgreSQL or SQLite forms are left in any statement")
    func noForeignSyntax() {
        let forbidden = ["LIMIT ", "RETURNING", "ON CONFLICT", "NOW()", "FOR UPDATE", "SKIP LOCKED", "ANY(", "::",
                         "UNNEST", "IS DISTINCT FROM", " TRUE", " FALSE", "$1", "MAKE_INTERVAL", "CURRENT_TIMESTAMP",
                         "AUTOINCREMENT", "BYTEA", "TIMESTAMPTZ", " TEXT", "BOOLEAN", "IF NOT EXISTS \"", "PG_"]
        for (name, sql) in SQLServerSQL.all {
            let code = Self.code(sql)
            for word in forbidden {
                #expect(!code.contains(word), "\(name) contains \(word)")
            }
        }
    }

    @Test("values are only ever bound: no literal besides N'...' constants, placeholders counted right")
    func boundValues() {
        for (name, sql) in SQLServerSQL.all {
            // Every string literal is a Unicode constant written here (or an OPENJSON path), never a value.
            var index = sql.startIndex
            while let quote = sql[index...].firstIndex(of: "'") {
                let before = quote > sql.startIndex ? sql[sql.index(before: quote)] : " "
                let isJSONPath = sql[sql.index(after: quote)...].hasPrefix("$.")
                #expect(before == "N" || isJSONPath, "\(name): a string literal that is not N'...'")
                guard let close = sql[sql.index(after: quote)...].firstIndex(of: "'") else { break }
                index = sql.index(after: close)
            }
            #expect(!sql.contains("\\("), "\(name) has unexpanded interpolation")
        }
        #expect(TSQL.placeholderCount(SQLServerSQL.claim) == 6)
        // Instants go as seconds into the day and whole days since 1970 (floored, so before 1970 too).
        #expect(TSQL.instantParts(Date(timeIntervalSince1970: 86_400 + 5)) == [.int(5), .int(1)])
        #expect(TSQL.instantParts(Date(timeIntervalSince1970: -1)) == [.int(86_399), .int(-1)])
        #expect(TSQL.instantParts(Date(timeIntervalSince1970: -86_400)) == [.int(0), .int(-1)])
        #expect(TSQL.instantParts(nil) == [.int(nil as Int64?), .int(nil as Int64?)])
        #expect(TSQL.placeholderCount(#"SELECT '?', "a?b", [c?] -- ?"# + "\n/* ? */ ?") == 1)
        #expect(TSQL.placeholderCount("SELECT 'it''s ?' , ?") == 1)
    }

    @Test("id lists go through OPENJSON as one parameter, never one parameter per id")
    func idLists() {
        let idStatements = ["workItemsByIds", "setVerified", "faceDetailsByIds", "historyForIds", "moveIds"]
        for name in idStatements {
            let sql = SQLServerSQL.all.first { $0.name == name }!.sql
            #expect(sql.contains("OPENJSON(?)"), "\(name)")
            #expect(!sql.uppercased().contains("IN (?"), "\(name)")
        }
        #expect(TSQL.jsonArray([3, 1, 4_000_000_000]) == .text("[3,1,4000000000]"))
        #expect(TSQL.jsonArray([]) == .text("[]"))
        // 5,000 ids are still one value: SQL Server allows at most 2,100 parameters per request.
        guard case .text(let json) = TSQL.jsonArray(Array(1...5000)) else {
            Issue.record("an id list must be one text value")
            return
        }
        #expect(json?.split(separator: ",").count == 5000)
    }

    @Test("video frames are bound as one JSON document built by JSONEncoder")
    func frameJSON() throws {
        let json = try SQLServerStore.frameJSON((names: [#"clip "1".mp4#0"#, "clip'2.mp4#30"], frames: [0, 30]))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 2)
        #expect(decoded?[0]["n"] as? String == #"clip "1".mp4#0"# && decoded?[1]["f"] as? Int == 30)
    }

    @Test("claims skip locked rows, hold what they take, and repeat the claimable test on the updated rows")
    func claimShape() {
        let claim = SQLServerSQL.claim
        #expect(claim.contains("WITH (UPDLOCK, READPAST, ROWLOCK)"))
        #expect(claim.contains("SELECT TOP (?)"))
        #expect(claim.components(separatedBy: "\"Status\" = N'pending' OR").count == 3, "the condition appears twice")
        #expect(claim.contains("OUTPUT INSERTED.\"Id\""))
        #expect(SQLServerSQL.lockMediaByPath.contains("WITH (UPDLOCK, HOLDLOCK)"))
        // An empty claim is checked against rows READPAST skipped, without waiting for their locks.
        #expect(SQLServerSQL.claimableBehindLocks.contains("WITH (READUNCOMMITTED)"))
        #expect(SQLServerSQL.claimableBehindLocks.contains("\"Status\" = N'pending' OR"))
        #expect(SQLServerSQL.lockItem.contains("UPDLOCK") && SQLServerSQL.lockPerson.contains("UPDLOCK"))
    }

    @Test("OUTPUT comes before VALUES or SELECT, and booleans compare with = 1 / = 0")
    func outputAndBits() {
        for (name, sql) in SQLServerSQL.all where sql.contains("OUTPUT") {
            let output = sql.range(of: "OUTPUT")!.lowerBound
            if let values = sql.range(of: "VALUES") { #expect(output < values.lowerBound, "\(name)") }
            if sql.hasPrefix("INSERT"), let select = sql.range(of: "SELECT") { #expect(output < select.lowerBound, "\(name)") }
        }
        for (name, sql) in SQLServerSQL.all {
            for column in ["\"IsFacesExtracted\"", "\"IsHidden\"", "\"IsUserVerified\""] {
                // Wherever a BIT column is tested in a condition, it is compared with a number.
                for range in sql.ranges(of: column + " ") where !sql[range.upperBound...].hasPrefix("= ?") {
                    let next = sql[range.upperBound...].prefix(3)
                    #expect(next == "= 1" || next == "= 0" || next.hasPrefix("AS") || next.hasPrefix("FR"),
                            "\(name): \(column) followed by '\(next)'")
                }
            }
        }
    }

    @Test("lease expiry is computed on the server from whole seconds and milliseconds")
    func leaseParts() {
        #expect(TSQL.leaseParts(600) == [.int(Int64(0)), .int(Int64(600))])
        #expect(TSQL.leaseParts(1.25) == [.int(Int64(250)), .int(Int64(1))])
        #expect(TSQL.leaseParts(1e12) == [.int(Int64(0)), .int(Int64(Int32.max))], "clamped to DATEADD's INT")
        #expect(SQLServerSQL.claim.contains("SYSUTCDATETIME()"))
    }

    @Test("the schema has the other backends' tables and columns, in SQL Server types")
    func schemaColumns() {
        let expected: [String: [String]] = [
            "MediaFile": ["FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash", "Kind", "Width", "Height",
                          "CreatedAt", "ModifiedAt"],
            "MediaItems": ["MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "FacesExtractedOn", "Status", "Error",
                           "Attempts", "LeaseOwner", "LeaseExpiresAt", "CreatedAt", "ModifiedAt"],
            "Persons": ["Name", "Rank", "Appointment", "Type", "PortraitFaceId", "PortraitMediaFileId", "IsHidden",
                        "IsUserNamed", "Number", "CreatedAt", "ModifiedAt"],
            "Faces": ["MediaItemId", "PersonId", "BoundingBox", "Embedding", "EmbeddingModel", "Name", "FrameNumber",
                      "IsUserVerified", "Score", "Landmarks", "FaceSize", "Quality", "CreatedAt", "ModifiedAt"],
            "FaceAssignments": ["FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor", "CreatedAt"],
        ]
        let tables = Dictionary(uniqueKeysWithValues: SQLServerSchema.tables.map { ($0.name, $0.columns) })
        #expect(Set(tables.keys) == Set(expected.keys))
        for (table, columns) in expected {
            #expect(tables[table]?.map(\.name) == columns, "\(table)")
            // Each column exists in the PostgreSQL schema too.
            let postgres = Migrations.createTables.postgres.first { $0.contains("CREATE TABLE \"\(table)\"") } ?? ""
            for column in columns { #expect(postgres.contains("\"\(column)\""), "\(table).\(column) not in PostgreSQL") }
        }
        let definitions = SQLServerSchema.tables.flatMap { table in table.columns.map { (table.name + "." + $0.name, $0.definition) } }
        for (name, definition) in definitions {
            #expect(!definition.contains("TEXT") && !definition.contains("REAL"), "\(name): \(definition)")
            if definition.hasPrefix("NVARCHAR") || definition.hasPrefix("VARCHAR") {
                #expect(definition.hasPrefix("NVARCHAR"), "\(name) must be NVARCHAR")
            }
        }
        let find = { (name: String) in definitions.first { $0.0 == name }!.1 }
        #expect(find("MediaFile.FilePath").contains("COLLATE Latin1_General_100_BIN2"))
        #expect(find("MediaFile.ContentHash").contains("COLLATE Latin1_General_100_BIN2"))
        #expect(find("MediaFile.MTime").hasPrefix("FLOAT") && find("Faces.Score").hasPrefix("FLOAT"))
        #expect(find("MediaItems.LeaseExpiresAt").hasPrefix("DATETIME2"))
        #expect(find("MediaItems.IsFacesExtracted").hasPrefix("BIT NOT NULL"))
    }

    @Test("no cascade cycle: only MediaFile -> MediaItems -> Faces -> FaceAssignments cascade")
    func cascades() {
        let cascading = SQLServerSchema.tables.flatMap { table in
            table.columns.filter { $0.definition.contains("ON DELETE") }.map { "\(table.name).\($0.name)" }
        }
        #expect(cascading == ["MediaItems.MediaFileId", "Faces.MediaItemId", "FaceAssignments.FaceId"])
        // The portrait reference is added without an action; the store clears portraits before it deletes faces.
        let portrait = SQLServerSchema.createTables.first { $0.contains("FK_Persons_PortraitFace") } ?? ""
        #expect(!portrait.isEmpty && !portrait.contains("ON DELETE"))
        #expect(SQLServerSQL.clearPortraitsOfItem.contains("\"PortraitFaceId\" = NULL"))
        #expect(SQLServerSQL.clearPortraitsOfFile.contains("\"PortraitFaceId\" = NULL"))
    }

    @Test("indexes: persisted computed column for (file, frame), filtered unique person numbers")
    func indexes() {
        let statements = SQLServerSchema.createTables.joined(separator: "\n")
        #expect(statements.contains(#"ADD "FrameKey" AS ISNULL("FrameNumber", 0) PERSISTED"#))
        #expect(statements.contains(#"CREATE UNIQUE INDEX "UX_MediaItems_File_Frame" ON "MediaItems" ("MediaFileId", "FrameKey")"#))
        #expect(statements.contains(#"CREATE UNIQUE INDEX "UX_Persons_Number" ON "Persons" ("Number") WHERE "Number" IS NOT NULL"#))
        #expect(statements.contains(#"CREATE UNIQUE INDEX "UX_MediaFile_FilePath" ON "MediaFile" ("FilePath")"#))
        // Every DDL statement can run again: it tests the catalog first.
        for statement in SQLServerSchema.createTables + SQLServerSchema.createIndexes {
            #expect(statement.hasPrefix("IF "), "not re-runnable: \(statement.prefix(80))")
        }
    }

    @Test("adopting the original system's tables adds columns with defaults and resolves INT ids")
    func adoption() {
        let add = SQLServerSchema.addColumn(SQLServerSchema.tables[1], SQLServerSchema.tables[1].columns[3])
        #expect(add.contains("IF COL_LENGTH(N'MediaItems', N'IsFacesExtracted') IS NULL"))
        #expect(add.contains(#"ADD "IsFacesExtracted" BIT NOT NULL CONSTRAINT "DF_MediaItems_IsFacesExtracted" DEFAULT 0"#))
        // A referencing column takes the referenced id's type (INT in the original system's tables).
        let faces = SQLServerSchema.tables.first { $0.name == "Faces" }!
        let create = SQLServerSchema.createTable(faces)
        #expect(create.contains("EXEC sp_executesql @sql"))
        #expect(create.contains("OBJECT_ID(N'MediaItems') AND name = N'Id'") && create.contains("OBJECT_ID(N'Persons') AND name = N'Id'"))
        #expect(!create.contains("ON DELETE SET NULL"))
        // Rules the original rows may break are checked with a clear message before anything changes them.
        let statements = SQLServerSchema.createTables
        let duplicateCheck = statements.firstIndex { $0.contains("50101") }!
        let alter = statements.firstIndex { $0.contains(#"ALTER COLUMN "FilePath""#) }!
        #expect(duplicateCheck < alter)
        #expect(statements.contains { $0.contains("compatibility_level") })
    }
}
