/// One step of the schema. Steps are applied in `version` order and recorded in `schema_migrations`.
/// A shipped step is never edited: change the schema by appending a new one.
/// Each step has the same meaning on every backend; only the dialect differs.
struct Migration: Sendable {
    var version: Int
    var name: String
    /// One statement per element: PostgreSQL's extended protocol runs one statement per query.
    var sqlite: [String]
    var postgres: [String]
    /// T-SQL, one batch per element (see `SQLServerSchema`).
    var sqlServer: [String]
}

enum Migrations {
    static let all: [Migration] = [createTables, createIndexes, createRejections, addDates, indexEmbeddingModel, peoplePages, addFrameCut]

    static var latestVersion: Int { all.last?.version ?? 0 }

    /// Table names and the columns shared with the original system are kept as they were
    /// ("MediaFile", "MediaItems", "Faces", "Persons", ...); everything frs adds is nullable or
    /// has a default, so rows written by the original system with only its columns stay valid.
    static let createTables = Migration(
        version: 1,
        name: "create tables",
        sqlite: [
            """
            CREATE TABLE "MediaFile" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "FilePath" TEXT NOT NULL UNIQUE,
                "FileName" TEXT,
                "Extension" TEXT,
                "Size" INTEGER,
                "MTime" REAL,
                "ContentHash" TEXT,
                "Kind" TEXT,
                "Width" INTEGER,
                "Height" INTEGER,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                "ModifiedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            """
            CREATE TABLE "MediaItems" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "MediaFileId" INTEGER NOT NULL REFERENCES "MediaFile"("Id") ON DELETE CASCADE,
                "Name" TEXT,
                "FrameNumber" INTEGER,
                "IsFacesExtracted" BOOLEAN NOT NULL DEFAULT 0,
                "FacesExtractedOn" DATETIME,
                "Status" TEXT,
                "Error" TEXT,
                "Attempts" INTEGER NOT NULL DEFAULT 0,
                "LeaseOwner" TEXT,
                "LeaseExpiresAt" DATETIME,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                "ModifiedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            // SQLite resolves foreign keys when rows change, so Persons may name Faces before it exists.
            """
            CREATE TABLE "Persons" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT,
                "Rank" TEXT,
                "Appointment" TEXT,
                "Type" TEXT,
                "PortraitFaceId" INTEGER REFERENCES "Faces"("Id") ON DELETE SET NULL,
                "PortraitMediaFileId" INTEGER REFERENCES "MediaFile"("Id") ON DELETE SET NULL,
                "IsHidden" BOOLEAN NOT NULL DEFAULT 0,
                "IsUserNamed" BOOLEAN NOT NULL DEFAULT 0,
                "Number" INTEGER UNIQUE,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                "ModifiedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            // AUTOINCREMENT: face ids name thumbnail files, so an id must never be handed out twice.
            """
            CREATE TABLE "Faces" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "MediaItemId" INTEGER NOT NULL REFERENCES "MediaItems"("Id") ON DELETE CASCADE,
                "PersonId" INTEGER REFERENCES "Persons"("Id") ON DELETE SET NULL,
                "BoundingBox" TEXT,
                "Embedding" BLOB,
                "EmbeddingModel" TEXT,
                "Name" TEXT,
                "FrameNumber" INTEGER,
                "IsUserVerified" BOOLEAN NOT NULL DEFAULT 0,
                "Score" REAL,
                "Landmarks" BLOB,
                "FaceSize" INTEGER,
                "Quality" REAL,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                "ModifiedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            // Person ids in history are not foreign keys: history outlives deleted persons.
            """
            CREATE TABLE "FaceAssignments" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "FaceId" INTEGER NOT NULL REFERENCES "Faces"("Id") ON DELETE CASCADE,
                "FromPersonId" INTEGER,
                "ToPersonId" INTEGER,
                "Reason" TEXT NOT NULL,
                "Actor" TEXT NOT NULL,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            // Counters that must never go back, e.g. person numbers (max(Number)+1 would reuse a deleted one).
            """
            CREATE TABLE "Counters" (
                "Name" TEXT PRIMARY KEY,
                "Value" INTEGER NOT NULL
            )
            """,
            #"INSERT INTO "Counters" ("Name", "Value") VALUES ('PersonNumber', 0)"#,
        ],
        postgres: [
            """
            CREATE TABLE "MediaFile" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "FilePath" TEXT NOT NULL UNIQUE,
                "FileName" TEXT,
                "Extension" TEXT,
                "Size" BIGINT,
                "MTime" DOUBLE PRECISION,
                "ContentHash" TEXT,
                "Kind" TEXT,
                "Width" INTEGER,
                "Height" INTEGER,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
                "ModifiedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE "MediaItems" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "MediaFileId" BIGINT NOT NULL REFERENCES "MediaFile"("Id") ON DELETE CASCADE,
                "Name" TEXT,
                "FrameNumber" INTEGER,
                "IsFacesExtracted" BOOLEAN NOT NULL DEFAULT FALSE,
                "FacesExtractedOn" TIMESTAMPTZ,
                "Status" TEXT,
                "Error" TEXT,
                "Attempts" INTEGER NOT NULL DEFAULT 0,
                "LeaseOwner" TEXT,
                "LeaseExpiresAt" TIMESTAMPTZ,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
                "ModifiedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE "Persons" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "Name" TEXT,
                "Rank" TEXT,
                "Appointment" TEXT,
                "Type" TEXT,
                "PortraitFaceId" BIGINT,
                "PortraitMediaFileId" BIGINT REFERENCES "MediaFile"("Id") ON DELETE SET NULL,
                "IsHidden" BOOLEAN NOT NULL DEFAULT FALSE,
                "IsUserNamed" BOOLEAN NOT NULL DEFAULT FALSE,
                "Number" BIGINT UNIQUE,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
                "ModifiedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE "Faces" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "MediaItemId" BIGINT NOT NULL REFERENCES "MediaItems"("Id") ON DELETE CASCADE,
                "PersonId" BIGINT REFERENCES "Persons"("Id") ON DELETE SET NULL,
                "BoundingBox" TEXT,
                "Embedding" BYTEA,
                "EmbeddingModel" TEXT,
                "Name" TEXT,
                "FrameNumber" INTEGER,
                "IsUserVerified" BOOLEAN NOT NULL DEFAULT FALSE,
                "Score" DOUBLE PRECISION,
                "Landmarks" BYTEA,
                "FaceSize" INTEGER,
                "Quality" DOUBLE PRECISION,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
                "ModifiedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            // PostgreSQL checks references at creation, so the Persons -> Faces cycle is closed here.
            """
            ALTER TABLE "Persons" ADD CONSTRAINT "FK_Persons_PortraitFace"
                FOREIGN KEY ("PortraitFaceId") REFERENCES "Faces"("Id") ON DELETE SET NULL
            """,
            """
            CREATE TABLE "FaceAssignments" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "FaceId" BIGINT NOT NULL REFERENCES "Faces"("Id") ON DELETE CASCADE,
                "FromPersonId" BIGINT,
                "ToPersonId" BIGINT,
                "Reason" TEXT NOT NULL,
                "Actor" TEXT NOT NULL,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE "Counters" (
                "Name" TEXT PRIMARY KEY,
                "Value" BIGINT NOT NULL
            )
            """,
            #"INSERT INTO "Counters" ("Name", "Value") VALUES ('PersonNumber', 0)"#,
        ],
        sqlServer: SQLServerSchema.createTables
    )

    /// Same statements on SQLite and PostgreSQL: plain and partial indexes are portable.
    static let createIndexes: Migration = {
        let statements = [
            // Claiming scans by status and lease expiry.
            #"CREATE INDEX "IX_MediaItems_Status_Lease" ON "MediaItems" ("Status", "LeaseExpiresAt")"#,
            // One item per (file, frame); a whole-image item has FrameNumber NULL, counted as frame 0.
            // It also serves lookups by MediaFileId.
            #"CREATE UNIQUE INDEX "UX_MediaItems_File_Frame" ON "MediaItems" ("MediaFileId", COALESCE("FrameNumber", 0))"#,
            // FilePath lookups use the UNIQUE constraint's index.
            #"CREATE INDEX "IX_MediaFile_ContentHash" ON "MediaFile" ("ContentHash")"#,
            #"CREATE INDEX "IX_Faces_MediaItemId" ON "Faces" ("MediaItemId")"#,
            #"CREATE INDEX "IX_Faces_PersonId" ON "Faces" ("PersonId")"#,
            // Small index of the embedding backlog only.
            #"CREATE INDEX "IX_Faces_NoEmbedding" ON "Faces" ("Id") WHERE "Embedding" IS NULL"#,
            // Deleting a face nulls portraits through this foreign key.
            #"CREATE INDEX "IX_Persons_PortraitFaceId" ON "Persons" ("PortraitFaceId")"#,
            #"CREATE INDEX "IX_FaceAssignments_FaceId" ON "FaceAssignments" ("FaceId")"#,
        ]
        return Migration(version: 2, name: "create indexes", sqlite: statements, postgres: statements,
                         sqlServer: SQLServerSchema.createIndexes)
    }()

    /// "Not this person": a face the user took away from a person never goes back to it by machine.
    /// Both ends cascade: a rejection means nothing once the face or the person is gone
    /// (merging moves a source person's rejections to the target first).
    static let createRejections = Migration(
        version: 3,
        name: "create face rejections",
        sqlite: [
            """
            CREATE TABLE "FaceRejections" (
                "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
                "FaceId" INTEGER NOT NULL REFERENCES "Faces"("Id") ON DELETE CASCADE,
                "PersonId" INTEGER NOT NULL REFERENCES "Persons"("Id") ON DELETE CASCADE,
                "Actor" TEXT NOT NULL,
                "CreatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
            )
            """,
            #"CREATE UNIQUE INDEX "UX_FaceRejections_Face_Person" ON "FaceRejections" ("FaceId", "PersonId")"#,
            #"CREATE INDEX "IX_FaceRejections_PersonId" ON "FaceRejections" ("PersonId")"#,
        ],
        postgres: [
            """
            CREATE TABLE "FaceRejections" (
                "Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                "FaceId" BIGINT NOT NULL REFERENCES "Faces"("Id") ON DELETE CASCADE,
                "PersonId" BIGINT NOT NULL REFERENCES "Persons"("Id") ON DELETE CASCADE,
                "Actor" TEXT NOT NULL,
                "CreatedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            #"CREATE UNIQUE INDEX "UX_FaceRejections_Face_Person" ON "FaceRejections" ("FaceId", "PersonId")"#,
            #"CREATE INDEX "IX_FaceRejections_PersonId" ON "FaceRejections" ("PersonId")"#,
        ],
        sqlServer: SQLServerSchema.createRejections
    )

    /// When each photo or video was taken, and persons' birth dates (the birth-date rule).
    /// `CapturedAt` is UTC when `CapturedUtcOffset` (minutes east of UTC) is known, and the camera's
    /// wall-clock time stored as if UTC when it is NULL (see `CaptureTime`). `CaptureTimeRead` is
    /// false on the rows that were there before: `frs add` reads their dates once, without
    /// re-hashing them. `BirthDate` is a calendar day (SQLite: 'YYYY-MM-DD' text).
    static let addDates = Migration(
        version: 4,
        name: "capture times and birth dates",
        sqlite: [
            #"ALTER TABLE "MediaFile" ADD COLUMN "CapturedAt" DATETIME"#,
            #"ALTER TABLE "MediaFile" ADD COLUMN "CapturedUtcOffset" INTEGER"#,
            #"ALTER TABLE "MediaFile" ADD COLUMN "CaptureTimeRead" BOOLEAN NOT NULL DEFAULT 0"#,
            #"ALTER TABLE "Persons" ADD COLUMN "BirthDate" DATE"#,
        ],
        postgres: [
            #"ALTER TABLE "MediaFile" ADD COLUMN "CapturedAt" TIMESTAMPTZ"#,
            #"ALTER TABLE "MediaFile" ADD COLUMN "CapturedUtcOffset" INTEGER"#,
            #"ALTER TABLE "MediaFile" ADD COLUMN "CaptureTimeRead" BOOLEAN NOT NULL DEFAULT FALSE"#,
            #"ALTER TABLE "Persons" ADD COLUMN "BirthDate" DATE"#,
        ],
        sqlServer: SQLServerSchema.addDates
    )

    /// How much of each face's crop lies outside its picture (the photo's edge cuts the face): such
    /// faces seed no person (`QualityGate.maxFrameCut`). NULL on faces found before: not held against them.
    static let addFrameCut: Migration = {
        let statements = [#"ALTER TABLE "Faces" ADD COLUMN "FrameCut" REAL"#]
        return Migration(version: 8, name: "frame cut per face", sqlite: statements, postgres: statements,
                         sqlServer: SQLServerSchema.addFrameCut)
    }()

    /// Faces by the model their embedding came from: after a model change (FaceNet with or without
    /// the mirrored face) `frs embed` finds the faces to re-embed without reading every row.
    static let indexEmbeddingModel: Migration = {
        let statements = [#"CREATE INDEX "IX_Faces_EmbeddingModel" ON "Faces" ("EmbeddingModel")"#]
        return Migration(version: 6, name: "index faces by embedding model", sqlite: statements, postgres: statements,
                         sqlServer: SQLServerSchema.indexEmbeddingModel)
    }()
}
