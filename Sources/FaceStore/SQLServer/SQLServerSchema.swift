/// The T-SQL of each migration (SQL Server 2019 and later; OPENJSON needs compatibility level 130).
///
/// Same tables and columns as the other backends. Unlike them, the first migration also adopts a
/// database the original system created: its `MediaFile`, `MediaItems`, `Faces` and `Persons` tables
/// (INT ids, no unique path, case-insensitive collation) are kept with every row; frs adds its columns
/// (all nullable or with a default, so old rows stay valid), changes `FilePath` to a case-sensitive
/// collation, and refuses with a clear message when the rows break a rule it needs (duplicate paths).
///
/// Each element runs as its own batch: a batch is compiled whole, so a statement that uses a column
/// added by `ALTER TABLE` must come in a later one.
enum SQLServerSchema {
    /// Paths and hashes compare byte for byte (`/a.jpg` and `/A.jpg` are two files on Linux).
    static let binaryCollation = "Latin1_General_100_BIN2"
    /// Index keys are at most 1,700 bytes: 850 UTF-16 code units.
    static let maxPathLength = 850

    struct Column {
        var name: String
        /// Type, collation, nullability and default, as in CREATE TABLE.
        var definition: String
    }

    struct Table {
        var name: String
        var columns: [Column]
    }

    /// The columns frs needs, in CREATE TABLE order. "Id" is created only with a new table; an
    /// adopted table keeps its own (INT) identity column.
    static let tables: [Table] = [
        Table(name: "MediaFile", columns: [
            Column(name: "FilePath", definition: "NVARCHAR(\(maxPathLength)) COLLATE \(binaryCollation) NOT NULL"),
            Column(name: "FileName", definition: "NVARCHAR(400) NULL"),
            Column(name: "Extension", definition: "NVARCHAR(64) NULL"),
            Column(name: "Size", definition: "BIGINT NULL"),
            // FLOAT is 8 bytes: the mtime round-trips exactly and compares equal (REAL would not).
            Column(name: "MTime", definition: "FLOAT NULL"),
            Column(name: "ContentHash", definition: "NVARCHAR(128) COLLATE \(binaryCollation) NULL"),
            Column(name: "Kind", definition: "NVARCHAR(16) NULL"),
            Column(name: "Width", definition: "INT NULL"),
            Column(name: "Height", definition: "INT NULL"),
            Column(name: "CreatedAt", definition: "DATETIME2 NOT NULL CONSTRAINT \"DF_MediaFile_CreatedAt\" DEFAULT SYSUTCDATETIME()"),
            Column(name: "ModifiedAt", definition: "DATETIME2 NULL CONSTRAINT \"DF_MediaFile_ModifiedAt\" DEFAULT SYSUTCDATETIME()"),
        ]),
        Table(name: "MediaItems", columns: [
            Column(name: "MediaFileId", definition: "\(id("MediaFile")) NOT NULL CONSTRAINT \"FK_MediaItems_MediaFile\" REFERENCES \"MediaFile\" (\"Id\") ON DELETE CASCADE"),
            Column(name: "Name", definition: "NVARCHAR(450) NULL"),
            Column(name: "FrameNumber", definition: "INT NULL"),
            Column(name: "IsFacesExtracted", definition: "BIT NOT NULL CONSTRAINT \"DF_MediaItems_IsFacesExtracted\" DEFAULT 0"),
            Column(name: "FacesExtractedOn", definition: "DATETIME2 NULL"),
            Column(name: "Status", definition: "NVARCHAR(16) NULL"),
            Column(name: "Error", definition: "NVARCHAR(MAX) NULL"),
            Column(name: "Attempts", definition: "INT NOT NULL CONSTRAINT \"DF_MediaItems_Attempts\" DEFAULT 0"),
            Column(name: "LeaseOwner", definition: "NVARCHAR(200) COLLATE \(binaryCollation) NULL"),
            Column(name: "LeaseExpiresAt", definition: "DATETIME2 NULL"),
            Column(name: "CreatedAt", definition: "DATETIME2 NOT NULL CONSTRAINT \"DF_MediaItems_CreatedAt\" DEFAULT SYSUTCDATETIME()"),
            Column(name: "ModifiedAt", definition: "DATETIME2 NULL CONSTRAINT \"DF_MediaItems_ModifiedAt\" DEFAULT SYSUTCDATETIME()"),
        ]),
        // No referential action towards Faces: Persons -> Faces -> Persons would be a cascade cycle,
        // which SQL Server refuses. The store clears portraits itself before it deletes faces.
        Table(name: "Persons", columns: [
            Column(name: "Name", definition: "NVARCHAR(400) NULL"),
            Column(name: "Rank", definition: "NVARCHAR(400) NULL"),
            Column(name: "Appointment", definition: "NVARCHAR(400) NULL"),
            Column(name: "Type", definition: "NVARCHAR(400) NULL"),
            Column(name: "PortraitFaceId", definition: "\(id("Faces")) NULL"),
            Column(name: "PortraitMediaFileId", definition: "\(id("MediaFile")) NULL CONSTRAINT \"FK_Persons_PortraitMediaFile\" REFERENCES \"MediaFile\" (\"Id\")"),
            Column(name: "IsHidden", definition: "BIT NOT NULL CONSTRAINT \"DF_Persons_IsHidden\" DEFAULT 0"),
            Column(name: "IsUserNamed", definition: "BIT NOT NULL CONSTRAINT \"DF_Persons_IsUserNamed\" DEFAULT 0"),
            // Unique through a filtered index (below): a UNIQUE constraint would allow one NULL only,
            // and every person of the original system has none.
            Column(name: "Number", definition: "BIGINT NULL"),
            Column(name: "CreatedAt", definition: "DATETIME2 NOT NULL CONSTRAINT \"DF_Persons_CreatedAt\" DEFAULT SYSUTCDATETIME()"),
            Column(name: "ModifiedAt", definition: "DATETIME2 NULL CONSTRAINT \"DF_Persons_ModifiedAt\" DEFAULT SYSUTCDATETIME()"),
        ]),
        // Faces -> Persons has no action either: deleting a person unassigns its faces first.
        Table(name: "Faces", columns: [
            Column(name: "MediaItemId", definition: "\(id("MediaItems")) NOT NULL CONSTRAINT \"FK_Faces_MediaItems\" REFERENCES \"MediaItems\" (\"Id\") ON DELETE CASCADE"),
            Column(name: "PersonId", definition: "\(id("Persons")) NULL CONSTRAINT \"FK_Faces_Persons\" REFERENCES \"Persons\" (\"Id\")"),
            Column(name: "BoundingBox", definition: "NVARCHAR(255) NULL"),
            Column(name: "Embedding", definition: "VARBINARY(MAX) NULL"),
            Column(name: "EmbeddingModel", definition: "NVARCHAR(100) NULL"),
            Column(name: "Name", definition: "NVARCHAR(400) NULL"),
            Column(name: "FrameNumber", definition: "INT NULL"),
            Column(name: "IsUserVerified", definition: "BIT NOT NULL CONSTRAINT \"DF_Faces_IsUserVerified\" DEFAULT 0"),
            Column(name: "Score", definition: "FLOAT NULL"),
            Column(name: "Landmarks", definition: "VARBINARY(MAX) NULL"),
            Column(name: "FaceSize", definition: "INT NULL"),
            Column(name: "Quality", definition: "FLOAT NULL"),
            Column(name: "CreatedAt", definition: "DATETIME2 NOT NULL CONSTRAINT \"DF_Faces_CreatedAt\" DEFAULT SYSUTCDATETIME()"),
            Column(name: "ModifiedAt", definition: "DATETIME2 NULL CONSTRAINT \"DF_Faces_ModifiedAt\" DEFAULT SYSUTCDATETIME()"),
        ]),
        // Person ids in history are not foreign keys: history outlives deleted persons.
        Table(name: "FaceAssignments", columns: [
            Column(name: "FaceId", definition: "\(id("Faces")) NOT NULL CONSTRAINT \"FK_FaceAssignments_Faces\" REFERENCES \"Faces\" (\"Id\") ON DELETE CASCADE"),
            Column(name: "FromPersonId", definition: "BIGINT NULL"),
            Column(name: "ToPersonId", definition: "BIGINT NULL"),
            Column(name: "Reason", definition: "NVARCHAR(100) NOT NULL"),
            Column(name: "Actor", definition: "NVARCHAR(200) NOT NULL"),
            Column(name: "CreatedAt", definition: "DATETIME2 NOT NULL CONSTRAINT \"DF_FaceAssignments_CreatedAt\" DEFAULT SYSUTCDATETIME()"),
        ]),
    ]

    /// A column that references `table`'s "Id": a foreign key must have the referenced column's type,
    /// which is BIGINT in a database frs created and INT in the original system's. The token is
    /// replaced at migration time from the catalog (`resolvingIdTypes`).
    static func id(_ table: String) -> String { "{ID:\(table)}" }

    /// Runs `sql` as dynamic SQL with every `id(...)` token replaced by the referenced table's id type
    /// (read from sys.columns, so only INT or BIGINT can come in; BIGINT for a table not created yet,
    /// which frs then creates with a BIGINT id). `sql` holds no quotes.
    static func resolvingIdTypes(_ sql: String) -> String {
        let referenced = tables.map(\.name).filter { sql.contains(id($0)) }
        guard !referenced.isEmpty else { return sql }
        precondition(!sql.contains("'"), "dynamic DDL must not contain quotes")
        let replacements = referenced.map { table in
            """
                SET @sql = REPLACE(@sql, N'\(id(table))', COALESCE((SELECT CASE TYPE_NAME(system_type_id) WHEN N'int' THEN N'INT' ELSE N'BIGINT' END
                                                                    FROM sys.columns WHERE object_id = OBJECT_ID(N'\(table)') AND name = N'Id'), N'BIGINT'));
            """
        }.joined(separator: "\n")
        return """
            DECLARE @sql NVARCHAR(MAX) = N'\(sql)';
            \(replacements)
            EXEC sp_executesql @sql;
            """
    }

    /// Creates a table that is missing, with a BIGINT identity (ids name thumbnails and are never reused).
    static func createTable(_ table: Table) -> String {
        let columns = table.columns.map { "    \"\($0.name)\" \($0.definition)" }.joined(separator: ",\n")
        let create = """
            CREATE TABLE "\(table.name)" (
                "Id" BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT "PK_\(table.name)" PRIMARY KEY,
            \(columns)
            )
            """
        return """
            IF OBJECT_ID(N'\(table.name)', N'U') IS NULL
            BEGIN
            \(resolvingIdTypes(create))
            END
            """
    }

    /// Adds a column an adopted table lacks. A NOT NULL column comes with its default, which SQL
    /// Server writes into every existing row. An adopted table keeps its own foreign keys; the one
    /// reference frs adds to it (portrait face) is a separate statement.
    static func addColumn(_ table: Table, _ column: Column) -> String {
        let definition = column.definition.range(of: " CONSTRAINT \"FK_").map { String(column.definition[..<$0.lowerBound]) }
            ?? column.definition
        return """
            IF COL_LENGTH(N'\(table.name)', N'\(column.name)') IS NULL
            BEGIN
            \(resolvingIdTypes("ALTER TABLE \"\(table.name)\" ADD \"\(column.name)\" \(definition)"))
            END
            """
    }

    /// Fails the migration (rolling everything back) with `message` when `condition` holds.
    static func refuse(when condition: String, number: Int, _ message: String) -> String {
        "IF \(condition) THROW \(number), N'\(message)', 1"
    }

    static let createTables: [String] = {
        var statements: [String] = [
            // OPENJSON (id lists) needs compatibility level 130 (SQL Server 2016) or higher.
            refuse(when: "(SELECT compatibility_level FROM sys.databases WHERE database_id = DB_ID()) < 130", number: 50100,
                   "frs needs database compatibility level 130 or higher (SQL Server 2016+): ALTER DATABASE CURRENT SET COMPATIBILITY_LEVEL = 150"),
        ]
        // An adopted table must have integer identity ids (frs inserts rows and names thumbnails by id).
        let tableList = tables.map { "OBJECT_ID(N'\($0.name)')" }.joined(separator: ", ")
        statements.append(refuse(when: """
            EXISTS (SELECT 1 FROM sys.columns WHERE object_id IN (\(tableList)) AND name = N'Id'
                    AND (TYPE_NAME(system_type_id) NOT IN (N'int', N'bigint') OR is_identity = 0))
            """, number: 50104,
            "an existing table has an Id column that is not an INT or BIGINT IDENTITY; frs cannot adopt it"))
        statements += tables.map(createTable)
        for table in tables {
            statements += table.columns.map { addColumn(table, $0) }
        }
        statements += [
            // An adopted MediaFile: one row per path, compared case-sensitively.
            refuse(when: #"EXISTS (SELECT 1 FROM "MediaFile" GROUP BY "FilePath" HAVING COUNT(*) > 1)"#, number: 50101,
                   "MediaFile holds the same FilePath more than once; frs needs one row per path. Find them with SELECT FilePath, COUNT(*) FROM MediaFile GROUP BY FilePath HAVING COUNT(*) > 1, merge them, and run frs again"),
            refuse(when: "EXISTS (SELECT 1 FROM \"MediaFile\" WHERE LEN(\"FilePath\") > \(maxPathLength))", number: 50102,
                   "MediaFile holds paths longer than \(maxPathLength) characters, more than SQL Server can index"),
            // Statistics SQL Server made on its own would block the collation change; it makes them again.
            """
            IF EXISTS (SELECT 1 FROM sys.stats WHERE object_id = OBJECT_ID(N'MediaFile') AND auto_created = 1)
            BEGIN
                DECLARE @drop NVARCHAR(MAX) = N'';
                SELECT @drop = @drop + N'DROP STATISTICS [MediaFile].' + QUOTENAME(s.name) + N'; '
                FROM sys.stats s
                JOIN sys.stats_columns sc ON sc.object_id = s.object_id AND sc.stats_id = s.stats_id
                JOIN sys.columns c ON c.object_id = sc.object_id AND c.column_id = sc.column_id
                WHERE s.object_id = OBJECT_ID(N'MediaFile') AND s.auto_created = 1 AND c.name IN (N'FilePath', N'ContentHash');
                EXEC sp_executesql @drop;
            END
            """,
            """
            IF EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(N'MediaFile') AND name = N'FilePath'
                       AND (collation_name IS NULL OR collation_name <> N'\(binaryCollation)' OR max_length <> \(maxPathLength * 2)))
            ALTER TABLE "MediaFile" ALTER COLUMN "FilePath" NVARCHAR(\(maxPathLength)) COLLATE \(binaryCollation) NOT NULL
            """,
            """
            IF EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(N'MediaFile') AND name = N'ContentHash'
                       AND (collation_name IS NULL OR collation_name <> N'\(binaryCollation)'))
            ALTER TABLE "MediaFile" ALTER COLUMN "ContentHash" NVARCHAR(128) COLLATE \(binaryCollation) NULL
            """,
            """
            IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'MediaFile') AND name = N'UX_MediaFile_FilePath')
            CREATE UNIQUE INDEX "UX_MediaFile_FilePath" ON "MediaFile" ("FilePath")
            """,
            // One item per (file, frame), a whole image counting as frame 0: SQL Server indexes
            // expressions only through a persisted computed column.
            """
            IF COL_LENGTH(N'MediaItems', N'FrameKey') IS NULL
            ALTER TABLE "MediaItems" ADD "FrameKey" AS ISNULL("FrameNumber", 0) PERSISTED
            """,
            refuse(when: #"EXISTS (SELECT 1 FROM "MediaItems" GROUP BY "MediaFileId", "FrameKey" HAVING COUNT(*) > 1)"#, number: 50103,
                   "MediaItems holds more than one row for the same file and frame; frs needs one. Find them with SELECT MediaFileId, FrameNumber, COUNT(*) FROM MediaItems GROUP BY MediaFileId, FrameNumber HAVING COUNT(*) > 1"),
            """
            IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'MediaItems') AND name = N'UX_MediaItems_File_Frame')
            CREATE UNIQUE INDEX "UX_MediaItems_File_Frame" ON "MediaItems" ("MediaFileId", "FrameKey")
            """,
            """
            IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'Persons') AND name = N'UX_Persons_Number')
            CREATE UNIQUE INDEX "UX_Persons_Number" ON "Persons" ("Number") WHERE "Number" IS NOT NULL
            """,
            // A portrait must be a face that exists; no action on delete (see Persons above).
            """
            IF NOT EXISTS (SELECT 1 FROM sys.foreign_keys WHERE parent_object_id = OBJECT_ID(N'Persons') AND name = N'FK_Persons_PortraitFace')
            ALTER TABLE "Persons" ADD CONSTRAINT "FK_Persons_PortraitFace" FOREIGN KEY ("PortraitFaceId") REFERENCES "Faces" ("Id")
            """,
            """
            IF OBJECT_ID(N'Counters', N'U') IS NULL
            CREATE TABLE "Counters" (
                "Name" NVARCHAR(100) COLLATE \(binaryCollation) NOT NULL CONSTRAINT "PK_Counters" PRIMARY KEY,
                "Value" BIGINT NOT NULL
            )
            """,
            // Person numbers continue above any the database already has.
            """
            IF NOT EXISTS (SELECT 1 FROM "Counters" WHERE "Name" = N'PersonNumber')
            INSERT INTO "Counters" ("Name", "Value") SELECT N'PersonNumber', COALESCE(MAX("Number"), 0) FROM "Persons"
            """,
        ]
        return statements
    }()

    static func createIndex(_ name: String, on table: String, _ definition: String) -> String {
        """
        IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'\(table)') AND name = N'\(name)')
        CREATE \(definition)
        """
    }

    /// The other backends' sixth migration (NVARCHAR(100) keys are well under the 1,700-byte limit).
    static let indexEmbeddingModel: [String] = [
        createIndex("IX_Faces_EmbeddingModel", on: "Faces", #"INDEX "IX_Faces_EmbeddingModel" ON "Faces" ("EmbeddingModel")"#),
    ]

    /// The other backends' second migration. The embedding backlog is not a filtered index here:
    /// `Embedding` is VARBINARY(MAX), which an index filter cannot test on every version.
    static let createIndexes: [String] = [
        createIndex("IX_MediaItems_Status_Lease", on: "MediaItems", #"INDEX "IX_MediaItems_Status_Lease" ON "MediaItems" ("Status", "LeaseExpiresAt")"#),
        createIndex("IX_MediaFile_ContentHash", on: "MediaFile", #"INDEX "IX_MediaFile_ContentHash" ON "MediaFile" ("ContentHash")"#),
        createIndex("IX_Faces_MediaItemId", on: "Faces", #"INDEX "IX_Faces_MediaItemId" ON "Faces" ("MediaItemId")"#),
        createIndex("IX_Faces_PersonId", on: "Faces", #"INDEX "IX_Faces_PersonId" ON "Faces" ("PersonId")"#),
        createIndex("IX_Persons_PortraitFaceId", on: "Persons", #"INDEX "IX_Persons_PortraitFaceId" ON "Persons" ("PortraitFaceId")"#),
        createIndex("IX_FaceAssignments_FaceId", on: "FaceAssignments", #"INDEX "IX_FaceAssignments_FaceId" ON "FaceAssignments" ("FaceId")"#),
    ]

    /// Migration 3, "not this person". Persons -> FaceRejections cascades directly (Faces -> Persons
    /// has no action, so there is one cascade path per table); the id types follow the referenced tables.
    static let createRejections: [String] = [
        """
        IF OBJECT_ID(N'FaceRejections', N'U') IS NULL
        BEGIN
        \(resolvingIdTypes("""
            CREATE TABLE "FaceRejections" (
                "Id" BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT "PK_FaceRejections" PRIMARY KEY,
                "FaceId" \(id("Faces")) NOT NULL CONSTRAINT "FK_FaceRejections_Faces" REFERENCES "Faces" ("Id") ON DELETE CASCADE,
                "PersonId" \(id("Persons")) NOT NULL CONSTRAINT "FK_FaceRejections_Persons" REFERENCES "Persons" ("Id") ON DELETE CASCADE,
                "Actor" NVARCHAR(200) NOT NULL,
                "CreatedAt" DATETIME2 NOT NULL CONSTRAINT "DF_FaceRejections_CreatedAt" DEFAULT SYSUTCDATETIME()
            )
            """))
        END
        """,
        createIndex("UX_FaceRejections_Face_Person", on: "FaceRejections",
                    #"UNIQUE INDEX "UX_FaceRejections_Face_Person" ON "FaceRejections" ("FaceId", "PersonId")"#),
        createIndex("IX_FaceRejections_PersonId", on: "FaceRejections", #"INDEX "IX_FaceRejections_PersonId" ON "FaceRejections" ("PersonId")"#),
    ]

    /// Migration 4, capture times and birth dates (see `Migrations.addDates`). `CapturedAt` keeps
    /// whole seconds, as EXIF and movie headers have no more.
    static let addFrameCut: [String] = [
        #"IF COL_LENGTH(N'Faces', N'FrameCut') IS NULL ALTER TABLE "Faces" ADD "FrameCut" FLOAT NULL"#,
    ]

    static let addDates: [String] = [
        #"IF COL_LENGTH(N'MediaFile', N'CapturedAt') IS NULL ALTER TABLE "MediaFile" ADD "CapturedAt" DATETIME2(0) NULL"#,
        #"IF COL_LENGTH(N'MediaFile', N'CapturedUtcOffset') IS NULL ALTER TABLE "MediaFile" ADD "CapturedUtcOffset" INT NULL"#,
        """
        IF COL_LENGTH(N'MediaFile', N'CaptureTimeRead') IS NULL
        ALTER TABLE "MediaFile" ADD "CaptureTimeRead" BIT NOT NULL CONSTRAINT "DF_MediaFile_CaptureTimeRead" DEFAULT 0
        """,
        #"IF COL_LENGTH(N'Persons', N'BirthDate') IS NULL ALTER TABLE "Persons" ADD "BirthDate" DATE NULL"#,
    ]
}


extension SQLServerSchema {
    /// Migration 7, people pages (see `Migrations.peoplePages`). One statement-level trigger keeps
    /// `FaceCount` from the `inserted` and `deleted` rows. `PersonDistinctions` has no referential
    /// actions (two cascade paths to one table are refused); the store removes a person's rows itself.
    /// Persons adopted from the original system may have no `ModifiedAt`: they get their `CreatedAt`.
    static let peoplePages: [String] = [
        #"IF COL_LENGTH(N'Persons', N'FaceCount') IS NULL ALTER TABLE "Persons" ADD "FaceCount" INT NOT NULL CONSTRAINT "DF_Persons_FaceCount" DEFAULT 0"#,
        #"UPDATE p SET "FaceCount" = (SELECT COUNT(*) FROM "Faces" fc WHERE fc."PersonId" = p."Id"), "ModifiedAt" = COALESCE(p."ModifiedAt", p."CreatedAt") FROM "Persons" p"#,
        """
        CREATE OR ALTER TRIGGER "TR_Faces_Person" ON "Faces" AFTER INSERT, UPDATE, DELETE AS
        BEGIN
            SET NOCOUNT ON;
            UPDATE p SET "FaceCount" = p."FaceCount" + d."Delta", "ModifiedAt" = SYSUTCDATETIME()
            FROM "Persons" p JOIN (
                SELECT "PersonId", SUM("Delta") AS "Delta" FROM (
                    SELECT i."PersonId", 1 AS "Delta" FROM inserted i
                    LEFT JOIN deleted o ON o."Id" = i."Id" WHERE i."PersonId" IS NOT NULL AND (o."Id" IS NULL OR o."PersonId" IS NULL OR o."PersonId" <> i."PersonId")
                    UNION ALL
                    SELECT o."PersonId", -1 FROM deleted o
                    LEFT JOIN inserted i ON i."Id" = o."Id" WHERE o."PersonId" IS NOT NULL AND (i."Id" IS NULL OR i."PersonId" IS NULL OR i."PersonId" <> o."PersonId")
                ) AS c GROUP BY "PersonId"
            ) AS d ON d."PersonId" = p."Id";
        END
        """,
        createIndex("IX_Persons_FaceCount", on: "Persons", #"INDEX "IX_Persons_FaceCount" ON "Persons" ("FaceCount" DESC, "Id")"#),
        // The default collation is case-insensitive: the name itself orders as the others' lower(name).
        createIndex("IX_Persons_Name", on: "Persons", #"INDEX "IX_Persons_Name" ON "Persons" ("Name", "Id")"#),
        createIndex("IX_Persons_ModifiedAt", on: "Persons", #"INDEX "IX_Persons_ModifiedAt" ON "Persons" ("ModifiedAt" DESC, "Id" DESC)"#),
        createIndex("IX_Faces_PersonId_Id", on: "Faces", #"INDEX "IX_Faces_PersonId_Id" ON "Faces" ("PersonId", "Id")"#),
        """
        IF OBJECT_ID(N'PersonDistinctions', N'U') IS NULL
        BEGIN
        \(resolvingIdTypes("""
            CREATE TABLE "PersonDistinctions" (
                "Id" BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT "PK_PersonDistinctions" PRIMARY KEY,
                "PersonId1" \(id("Persons")) NOT NULL CONSTRAINT "FK_PersonDistinctions_Persons1" REFERENCES "Persons" ("Id"),
                "PersonId2" \(id("Persons")) NOT NULL CONSTRAINT "FK_PersonDistinctions_Persons2" REFERENCES "Persons" ("Id"),
                "Actor" NVARCHAR(200) NOT NULL,
                "CreatedAt" DATETIME2 NOT NULL CONSTRAINT "DF_PersonDistinctions_CreatedAt" DEFAULT SYSUTCDATETIME(),
                CONSTRAINT "CK_PersonDistinctions_Order" CHECK ("PersonId1" < "PersonId2")
            )
            """))
        END
        """,
        createIndex("UX_PersonDistinctions_Pair", on: "PersonDistinctions", #"UNIQUE INDEX "UX_PersonDistinctions_Pair" ON "PersonDistinctions" ("PersonId1", "PersonId2")"#),
        createIndex("IX_PersonDistinctions_PersonId2", on: "PersonDistinctions", #"INDEX "IX_PersonDistinctions_PersonId2" ON "PersonDistinctions" ("PersonId2")"#),
    ]
}
