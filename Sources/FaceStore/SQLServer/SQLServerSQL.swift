/// Every statement the SQL Server store runs, as constants: values only ever arrive through `?`
/// placeholders bound with SQLBindParameter, id lists through one JSON parameter read by OPENJSON.
/// Kept in one place so that tests can read them as data (see SQLServerDialectTests).
///
/// T-SQL differences from the PostgreSQL statements they mirror: `OUTPUT INSERTED` for RETURNING,
/// `TOP (?)` for LIMIT, `BIT = 1` for booleans, `SYSUTCDATETIME()` for now(), table hints for row
/// locks, `EXISTS (SELECT a EXCEPT SELECT b)` for IS DISTINCT FROM (which needs SQL Server 2022).
enum SQLServerSQL {
    // MARK: Session and schema

    /// Run once per connection. XACT_ABORT: any error rolls the whole transaction back, so a failed
    /// statement never leaves half a change behind. The ANSI options are those filtered indexes and
    /// indexed computed columns need; NOCOUNT keeps row counts out of the result stream.
    static let sessionSetup = """
        SET XACT_ABORT ON; SET NOCOUNT ON; SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON;
        SET ARITHABORT ON; SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET NUMERIC_ROUNDABORT OFF
        """

    /// Serialises migrators. Owned by the session, not a transaction: with autocommit off, ODBC runs
    /// in implicit-transaction mode, where EXEC does not open a transaction for a transaction-owned
    /// lock to belong to. Released after the commit (and by the server if the process dies).
    /// Result: the lock's return code (>= 0 granted).
    static let migrationLock = """
        DECLARE @result INT;
        EXEC @result = sp_getapplock @Resource = N'frs.migrate', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = -1;
        SELECT @result AS "Result"
        """
    static let migrationUnlock = "EXEC sp_releaseapplock @Resource = N'frs.migrate', @LockOwner = N'Session'"

    static let createMigrationsTable = """
        IF OBJECT_ID(N'schema_migrations', N'U') IS NULL
        CREATE TABLE "schema_migrations" (
            "version" INT NOT NULL CONSTRAINT "PK_schema_migrations" PRIMARY KEY,
            "name" NVARCHAR(200) NOT NULL,
            "applied_at" DATETIME2 NOT NULL CONSTRAINT "DF_schema_migrations_applied_at" DEFAULT SYSUTCDATETIME()
        )
        """
    static let appliedVersions = #"SELECT "version" FROM "schema_migrations""#
    static let recordMigration = #"INSERT INTO "schema_migrations" ("version", "name") VALUES (?, ?)"#
    static let schemaVersion = """
        SELECT CASE WHEN OBJECT_ID(N'schema_migrations', N'U') IS NULL THEN 0 ELSE 1 END AS "Exists"
        """
    static let maxVersion = #"SELECT COALESCE(MAX("version"), 0) AS "Version" FROM "schema_migrations""#

    /// The library-wide recognition lock, held by a session (a dedicated connection with autocommit
    /// on): the server releases it when that session ends, also when the holder is killed.
    /// `@LockTimeout` is bound: 0 to try, -1 to wait. Result: >= 0 granted, -1 timed out.
    static let recognitionLock = """
        DECLARE @result INT;
        EXEC @result = sp_getapplock @Resource = N'frs.recognition', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = ?;
        SELECT @result AS "Result"
        """
    static let recognitionUnlock = """
        EXEC sp_releaseapplock @Resource = N'frs.recognition', @LockOwner = N'Session'
        """

    // MARK: Media

    static let mediaFileColumns = """
        "Id", "FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash", "Kind", "Width", "Height",
        "CapturedAt", "CapturedUtcOffset", "CaptureTimeRead"
        """

    /// UPDLOCK + HOLDLOCK: the key range stays locked to the end of the transaction, so a second
    /// adder of the same path waits here instead of inserting it too (there is no ON CONFLICT).
    static let lockMediaByPath = """
        SELECT "Id", "Size", "MTime", "ContentHash" FROM "MediaFile" WITH (UPDLOCK, HOLDLOCK) WHERE "FilePath" = ?
        """
    static let insertMediaFile = """
        INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash", "Kind", "Width", "Height",
                                 "CapturedAt", "CapturedUtcOffset", "CaptureTimeRead")
        OUTPUT INSERTED."Id"
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, \(TSQL.instant), ?, 1)
        """
    /// Binds `TSQL.instantParts`, the offset, the file id and the only-if-unread flag.
    static let setCaptureTime = """
        UPDATE "MediaFile" SET "CapturedAt" = \(TSQL.instant), "CapturedUtcOffset" = ?, "CaptureTimeRead" = 1
        OUTPUT INSERTED."Id"
        WHERE "Id" = ? AND (? = 0 OR "CaptureTimeRead" = 0)
        """
    static let captureTimes = """
        SELECT fc."Id", mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        WHERE mf."CapturedAt" IS NOT NULL
        """
    static let updateMediaFile = """
        UPDATE "MediaFile" SET "FileName" = ?, "Extension" = ?, "Size" = ?, "MTime" = ?, "ContentHash" = ?, "Kind" = ?,
               "Width" = ?, "Height" = ?, "ModifiedAt" = SYSUTCDATETIME()
        WHERE "Id" = ?
        """
    /// No cascade from Faces to Persons (it would be a cycle): portraits of faces about to be deleted
    /// are cleared first, in the same transaction.
    static let clearPortraitsOfFile = """
        UPDATE "Persons" SET "PortraitFaceId" = NULL
        WHERE "PortraitFaceId" IN (SELECT fc."Id" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                                   WHERE i."MediaFileId" = ?)
        """
    static let deleteFacesOfFile = """
        DELETE FROM "Faces" OUTPUT DELETED."Name" WHERE "MediaItemId" IN (SELECT "Id" FROM "MediaItems" WHERE "MediaFileId" = ?)
        """
    static let deleteItemsOfFile = #"DELETE FROM "MediaItems" WHERE "MediaFileId" = ?"#
    static let requeueItemsOfFile = """
        UPDATE "MediaItems" SET "Status" = N'pending', "IsFacesExtracted" = 0, "FacesExtractedOn" = NULL, "Error" = NULL,
               "Attempts" = 0, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = SYSUTCDATETIME()
        WHERE "MediaFileId" = ?
        """
    /// All of a video's frames in one statement: names and frames as one JSON array of {n, f}.
    static let insertFrameItems = """
        INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
        OUTPUT INSERTED."Id"
        SELECT ?, j."n", j."f", 0, N'pending', 0 FROM OPENJSON(?) WITH ("n" NVARCHAR(450) '$.n', "f" INT '$.f') j
        ORDER BY j."f"
        """
    static let insertPhotoItem = """
        INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
        OUTPUT INSERTED."Id"
        VALUES (?, ?, NULL, 0, N'pending', 0)
        """
    static let mediaFileByPath = #"SELECT \#(mediaFileColumns) FROM "MediaFile" WHERE "FilePath" = ?"#
    static let mediaFilesByHash = #"SELECT \#(mediaFileColumns) FROM "MediaFile" WHERE "ContentHash" = ? ORDER BY "Id""#
    static let mediaFileById = #"SELECT \#(mediaFileColumns) FROM "MediaFile" WHERE "Id" = ?"#

    // MARK: Work queue

    static let workItemColumns = """
        i."Id", i."MediaFileId", f."FilePath", i."Name", i."FrameNumber", f."Kind", i."Attempts", i."LeaseOwner", i."LeaseExpiresAt"
        """

    /// Claimable rows of alias `alias`, as in `FaceStore.claim`; binds the retry-failed flag.
    static func claimable(_ alias: String) -> String {
        """
        ((\(alias)."Status" = N'pending' OR (\(alias)."Status" IS NULL AND \(alias)."IsFacesExtracted" = 0)
          OR (? = 1 AND \(alias)."Status" = N'failed'))
         AND (\(alias)."LeaseExpiresAt" IS NULL OR \(alias)."LeaseExpiresAt" < SYSUTCDATETIME()))
        """
    }

    /// Leases the oldest claimable items. READPAST skips rows other claimers hold locked (never waits
    /// for them), UPDLOCK + ROWLOCK keep the picked rows to this transaction. The claimable condition
    /// is tested again on the rows being updated: a row can change between the read and the update,
    /// and this keeps a just-taken row from being taken twice. Binds: owner, lease (ms, s), limit,
    /// retry flag, retry flag.
    static let claim = """
        UPDATE i SET "Status" = N'pending', "LeaseOwner" = ?, "LeaseExpiresAt" = \(TSQL.leaseExpiry),
               "Attempts" = i."Attempts" + 1, "ModifiedAt" = SYSUTCDATETIME()
        OUTPUT INSERTED."Id"
        FROM "MediaItems" i
        WHERE i."Id" IN (SELECT TOP (?) c."Id" FROM "MediaItems" c WITH (UPDLOCK, READPAST, ROWLOCK)
                         WHERE \(claimable("c")) ORDER BY c."Id")
          AND \(claimable("i"))
        """
    /// After an empty claim: is anything claimable that READPAST passed over (rows locked by an adder,
    /// or a page or table lock after escalation)? Reads without locks so that it never waits either.
    static let claimableBehindLocks = """
        SELECT TOP (1) i."Id" FROM "MediaItems" i WITH (READUNCOMMITTED) WHERE \(claimable("i"))
        """
    static let workItemsByIds = """
        SELECT \(workItemColumns) FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
        WHERE i."Id" IN (\(TSQL.idsFromJSON)) ORDER BY i."Id"
        """
    static let itemsNeedingWork = """
        SELECT TOP (?) \(workItemColumns) FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
        WHERE \(claimable("i")) ORDER BY i."Id"
        """
    static let lockItem = """
        SELECT "Status", "LeaseOwner", "IsFacesExtracted" FROM "MediaItems" WITH (UPDLOCK, ROWLOCK) WHERE "Id" = ?
        """
    static let renewLease = #"UPDATE "MediaItems" SET "LeaseExpiresAt" = \#(TSQL.leaseExpiry) WHERE "Id" = ?"#
    static let clearPortraitsOfItem = """
        UPDATE "Persons" SET "PortraitFaceId" = NULL
        WHERE "PortraitFaceId" IN (SELECT "Id" FROM "Faces" WHERE "MediaItemId" = ?)
        """
    static let deleteFacesOfItem = #"DELETE FROM "Faces" WHERE "MediaItemId" = ?"#
    static let insertFace = """
        INSERT INTO "Faces" ("MediaItemId", "BoundingBox", "Embedding", "EmbeddingModel", "FrameNumber", "IsUserVerified",
                             "Score", "Landmarks", "FaceSize", "Quality", "FrameCut")
        OUTPUT INSERTED."Id"
        VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
        """
    static let nameFace = #"UPDATE "Faces" SET "Name" = ? WHERE "Id" = ?"#
    static let markDone = """
        UPDATE "MediaItems" SET "Status" = N'done', "IsFacesExtracted" = 1, "FacesExtractedOn" = SYSUTCDATETIME(), "Error" = NULL,
               "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = SYSUTCDATETIME()
        WHERE "Id" = ?
        """
    static let markFailed = """
        UPDATE "MediaItems" SET "Status" = N'failed', "Error" = ?, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL,
               "ModifiedAt" = SYSUTCDATETIME()
        WHERE "Id" = ?
        """
    static let doneCondition = #"(i."Status" = N'done' OR (i."Status" IS NULL AND i."IsFacesExtracted" = 1))"#
    static let statusCounts = """
        SELECT
          COALESCE(SUM(CASE WHEN \(doneCondition) THEN 1 ELSE 0 END), 0) AS "Done",
          COALESCE(SUM(CASE WHEN i."Status" = N'failed' THEN 1 ELSE 0 END), 0) AS "Failed",
          COALESCE(SUM(CASE WHEN NOT \(doneCondition) AND COALESCE(i."Status", N'') <> N'failed'
                             AND i."LeaseExpiresAt" >= SYSUTCDATETIME() THEN 1 ELSE 0 END), 0) AS "Leased",
          COUNT(*) AS "Total"
        FROM "MediaItems" i
        """
    static let requeueFailed = """
        UPDATE "MediaItems" SET "Status" = N'pending', "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = SYSUTCDATETIME()
        OUTPUT INSERTED."Id"
        WHERE "Status" = N'failed'
        """
    static let failedItems = """
        SELECT TOP (?) i."Id", f."FilePath", COALESCE(i."Error", N'') AS "Error", i."Attempts"
        FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
        WHERE i."Status" = N'failed' ORDER BY i."Id"
        """
    static let leaseOwners = """
        SELECT "LeaseOwner", COUNT(*) AS "Items" FROM "MediaItems"
        WHERE "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" > SYSUTCDATETIME() AND COALESCE("Status", N'pending') = N'pending'
        GROUP BY "LeaseOwner"
        """
    static let releaseLeases = """
        UPDATE "MediaItems" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
        OUTPUT INSERTED."Id"
        WHERE "LeaseOwner" = ? AND COALESCE("Status", N'pending') = N'pending'
        """

    // MARK: Faces

    static let faceColumns = """
        "Id", "MediaItemId", "PersonId", "BoundingBox", "Name", "FrameNumber", "IsUserVerified", "Score", "Landmarks",
        "FaceSize", "Embedding", "EmbeddingModel", "Quality", "FrameCut"
        """
    static let facesOfItem = #"SELECT \#(faceColumns) FROM "Faces" WHERE "MediaItemId" = ? ORDER BY "Id""#
    static let facesOfPerson = #"SELECT \#(faceColumns) FROM "Faces" WHERE "PersonId" = ? ORDER BY "Id""#
    /// Binds: limit, after id. One statement per selection, so that each can use its index.
    static let faceLocations = faceLocations(where: "1 = 1")
    /// Binds: limit, after id.
    static let faceLocationsWithoutEmbedding = faceLocations(where: #"fc."Embedding" IS NULL"#)
    /// Binds: limit, model tag, after id.
    static let faceLocationsEmbedded = faceLocations(where: #"fc."EmbeddingModel" = ?"#)
    private static func faceLocations(where condition: String) -> String {
        """
        SELECT TOP (?) fc."Id", fc."MediaItemId", mf."FilePath", COALESCE(fc."FrameNumber", i."FrameNumber") AS "Frame",
               fc."BoundingBox", fc."Landmarks", fc."Name", fc."PersonId", fc."Score", mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        WHERE \(condition) AND fc."Id" > ?
        ORDER BY fc."Id"
        """
    }
    static let setEmbedding = """
        UPDATE "Faces" SET "Embedding" = ?, "EmbeddingModel" = ?, "Quality" = ?, "ModifiedAt" = SYSUTCDATETIME()
        OUTPUT INSERTED."Id"
        WHERE "Id" = ?
        """
    /// Binds the model twice (NULL: every model).
    static let embeddings = """
        SELECT "Id", "PersonId", "Embedding", "MediaItemId", "Quality", "IsUserVerified",
               "Score", "FaceSize", "Landmarks", "FrameCut" FROM "Faces"
        WHERE "Embedding" IS NOT NULL AND (? IS NULL OR "EmbeddingModel" = ?)
        ORDER BY "Id"
        """
    static let assignmentVersion = """
        SELECT (SELECT COALESCE(MAX("Id"), 0) FROM "FaceAssignments") AS "LastAssignment",
               (SELECT COALESCE(MAX("Id"), 0) FROM "Faces") AS "LastFace",
               (SELECT COUNT_BIG(*) FROM "Faces" WHERE "PersonId" IS NOT NULL) AS "Assigned",
               (SELECT COUNT_BIG("PersonId") FROM "Faces" WHERE "Embedding" IS NULL) AS "Unembedded",
               (SELECT COUNT_BIG(*) FROM "Faces" WHERE "Embedding" IS NULL) AS "AllUnembedded"
        """
    static let setVerified = """
        UPDATE "Faces" SET "IsUserVerified" = ?, "ModifiedAt" = SYSUTCDATETIME() WHERE "Id" IN (\(TSQL.idsFromJSON))
        """

    // MARK: Browsing

    /// Face columns without the embedding, plus where the face was found.
    static let faceDetailSelect = """
        SELECT fc."Id", fc."MediaItemId", fc."PersonId", fc."BoundingBox", fc."Name", fc."FrameNumber", fc."IsUserVerified",
               fc."Score", fc."Landmarks", fc."FaceSize", CAST(NULL AS VARBINARY(MAX)) AS "Embedding", fc."EmbeddingModel",
               fc."Quality", fc."FrameCut", i."MediaFileId", mf."FilePath", mf."CapturedAt", mf."CapturedUtcOffset"
        FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
        JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        """
    static let faceDetailsByIds = #"\#(faceDetailSelect) WHERE fc."Id" IN (\#(TSQL.idsFromJSON)) ORDER BY fc."Id""#

    /// A filter's condition; `.person` binds the person id.
    static func condition(_ filter: FaceFilter) -> String {
        switch filter {
        case .person: #"fc."PersonId" = ?"#
        case .unassigned: #"fc."PersonId" IS NULL"#
        case .all: "1 = 1"
        }
    }

    static func faceCount(_ filter: FaceFilter) -> String {
        #"SELECT COUNT_BIG(*) AS "Count" FROM "Faces" fc WHERE "# + condition(filter)
    }

    /// Binds the limit, then the filter's person id, then the id the page starts after.
    static func faceDetails(_ filter: FaceFilter) -> String {
        faceDetailSelect.replacingOccurrences(of: "SELECT fc.", with: "SELECT TOP (?) fc.", options: .anchored)
            + " WHERE \(condition(filter)) AND fc.\"Id\" > ? ORDER BY fc.\"Id\""
    }

    static let lastCompletedAt = #"SELECT MAX("FacesExtractedOn") AS "LastCompleted" FROM "MediaItems""#

    // MARK: Persons

    static let personColumns = """
        "Id", "Number", "Name", "Rank", "Appointment", "Type", "PortraitFaceId", "PortraitMediaFileId", "IsHidden", "IsUserNamed",
        "BirthDate"
        """
    static let nextPersonNumber = #"UPDATE "Counters" SET "Value" = "Value" + 1 OUTPUT INSERTED."Value" WHERE "Name" = ?"#
    static let insertPerson = """
        INSERT INTO "Persons" ("Name", "IsHidden", "IsUserNamed", "Number")
        OUTPUT \(personColumns.split(separator: ",").map { "INSERTED." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
        VALUES (?, 0, ?, ?)
        """
    static let personById = #"SELECT \#(personColumns) FROM "Persons" WHERE "Id" = ?"#
    static let lockPerson = #"SELECT \#(personColumns) FROM "Persons" WITH (UPDLOCK, ROWLOCK) WHERE "Id" = ?"#
    static let allPersons = #"SELECT \#(personColumns) FROM "Persons" ORDER BY "Id""#
    /// Counts come from a grouped subquery: T-SQL groups only over the columns it selects.
    /// Binds the include-hidden flag.
    static let personSummaries = """
        SELECT \(personColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
               COALESCE(c."FaceCount", 0) AS "FaceCount", COALESCE(c."PhotoCount", 0) AS "PhotoCount"
        FROM "Persons" p
        LEFT JOIN (SELECT fc."PersonId", COUNT_BIG(*) AS "FaceCount", COUNT_BIG(DISTINCT i."MediaFileId") AS "PhotoCount"
                   FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId"
                   WHERE fc."PersonId" IS NOT NULL
                   GROUP BY fc."PersonId") c ON c."PersonId" = p."Id"
        WHERE ? = 1 OR p."IsHidden" = 0
        ORDER BY COALESCE(c."FaceCount", 0) DESC, p."Id"
        """
    /// `a IS DISTINCT FROM b` before SQL Server 2022: EXCEPT compares NULLs as equal.
    static let personDiffers = #"EXISTS (SELECT fc."PersonId" EXCEPT SELECT ?)"#
    /// History first (it reads the old PersonId). Binds: target, reason, actor, ids JSON, target.
    static let historyForIds = """
        INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor")
        SELECT fc."Id", fc."PersonId", ?, ?, ? FROM "Faces" fc
        WHERE fc."Id" IN (\(TSQL.idsFromJSON)) AND \(personDiffers)
        """
    /// Binds: target, ids JSON, target.
    static let moveIds = """
        UPDATE fc SET "PersonId" = ?, "ModifiedAt" = SYSUTCDATETIME() FROM "Faces" fc
        WHERE fc."Id" IN (\(TSQL.idsFromJSON)) AND \(personDiffers)
        """
    /// Binds: target, reason, actor, source, target.
    static let historyFromPerson = """
        INSERT INTO "FaceAssignments" ("FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor")
        SELECT fc."Id", fc."PersonId", ?, ?, ? FROM "Faces" fc
        WHERE fc."PersonId" = ? AND \(personDiffers)
        """
    /// Binds: target, source, target.
    static let moveFromPerson = """
        UPDATE fc SET "PersonId" = ?, "ModifiedAt" = SYSUTCDATETIME() FROM "Faces" fc
        WHERE fc."PersonId" = ? AND \(personDiffers)
        """
    static let unverifyFacesOfPerson = """
        UPDATE "Faces" SET "IsUserVerified" = 0, "ModifiedAt" = SYSUTCDATETIME() WHERE "PersonId" = ?
        """
    static let rename = """
        UPDATE "Persons" SET "Name" = ?, "IsUserNamed" = 1, "ModifiedAt" = SYSUTCDATETIME() OUTPUT INSERTED."Id" WHERE "Id" = ?
        """
    static let setHidden = """
        UPDATE "Persons" SET "IsHidden" = ?, "ModifiedAt" = SYSUTCDATETIME() OUTPUT INSERTED."Id" WHERE "Id" = ?
        """
    static let setBirthDate = """
        UPDATE "Persons" SET "BirthDate" = \(TSQL.day), "ModifiedAt" = SYSUTCDATETIME() OUTPUT INSERTED."Id" WHERE "Id" = ?
        """
    static let mediaFileOfFace = """
        SELECT i."MediaFileId" FROM "Faces" fc JOIN "MediaItems" i ON i."Id" = fc."MediaItemId" WHERE fc."Id" = ?
        """
    static let setPortrait = """
        UPDATE "Persons" SET "PortraitFaceId" = ?, "PortraitMediaFileId" = ?, "ModifiedAt" = SYSUTCDATETIME()
        OUTPUT INSERTED."Id" WHERE "Id" = ?
        """
    static let adoptName = """
        UPDATE "Persons" SET "Name" = ?, "IsUserNamed" = 1, "ModifiedAt" = SYSUTCDATETIME() WHERE "Id" = ?
        """
    static let deletePerson = #"DELETE FROM "Persons" WHERE "Id" = ?"#
    static let assignments = """
        SELECT "Id", "FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor", "CreatedAt" FROM "FaceAssignments"
        WHERE "FaceId" = ? ORDER BY "Id"
        """
    /// Binds the limit, then the id the rows come after.
    static let assignmentsAfter = """
        SELECT TOP (?) "Id", "FaceId", "FromPersonId", "ToPersonId", "Reason", "Actor", "CreatedAt" FROM "FaceAssignments"
        WHERE "Id" > ? ORDER BY "Id"
        """

    /// Every statement, by name, for the dialect tests.
    static var all: [(name: String, sql: String)] {
        var list: [(String, String)] = [
            ("sessionSetup", sessionSetup), ("migrationLock", migrationLock), ("migrationUnlock", migrationUnlock), ("createMigrationsTable", createMigrationsTable),
            ("appliedVersions", appliedVersions), ("recordMigration", recordMigration), ("schemaVersion", schemaVersion),
            ("maxVersion", maxVersion), ("recognitionLock", recognitionLock), ("recognitionUnlock", recognitionUnlock),
            ("lockMediaByPath", lockMediaByPath), ("insertMediaFile", insertMediaFile), ("updateMediaFile", updateMediaFile),
            ("clearPortraitsOfFile", clearPortraitsOfFile), ("deleteFacesOfFile", deleteFacesOfFile),
            ("deleteItemsOfFile", deleteItemsOfFile), ("requeueItemsOfFile", requeueItemsOfFile),
            ("insertFrameItems", insertFrameItems), ("insertPhotoItem", insertPhotoItem), ("mediaFileByPath", mediaFileByPath),
            ("mediaFilesByHash", mediaFilesByHash), ("mediaFileById", mediaFileById), ("claim", claim),
            ("claimableBehindLocks", claimableBehindLocks),
            ("workItemsByIds", workItemsByIds), ("itemsNeedingWork", itemsNeedingWork), ("lockItem", lockItem),
            ("renewLease", renewLease), ("clearPortraitsOfItem", clearPortraitsOfItem), ("deleteFacesOfItem", deleteFacesOfItem),
            ("insertFace", insertFace), ("nameFace", nameFace), ("markDone", markDone), ("markFailed", markFailed),
            ("statusCounts", statusCounts), ("requeueFailed", requeueFailed), ("failedItems", failedItems),
            ("leaseOwners", leaseOwners), ("releaseLeases", releaseLeases), ("facesOfItem", facesOfItem),
            ("facesOfPerson", facesOfPerson), ("faceLocations", faceLocations),
            ("faceLocationsWithoutEmbedding", faceLocationsWithoutEmbedding), ("faceLocationsEmbedded", faceLocationsEmbedded), ("setEmbedding", setEmbedding),
            ("embeddings", embeddings), ("assignmentVersion", assignmentVersion), ("setVerified", setVerified),
            ("faceDetailsByIds", faceDetailsByIds), ("lastCompletedAt", lastCompletedAt),
            ("nextPersonNumber", nextPersonNumber), ("insertPerson", insertPerson), ("personById", personById),
            ("lockPerson", lockPerson), ("allPersons", allPersons), ("personSummaries", personSummaries),
            ("historyForIds", historyForIds), ("moveIds", moveIds), ("historyFromPerson", historyFromPerson),
            ("moveFromPerson", moveFromPerson), ("unverifyFacesOfPerson", unverifyFacesOfPerson), ("rename", rename), ("setHidden", setHidden),
            ("setBirthDate", setBirthDate), ("setCaptureTime", setCaptureTime), ("captureTimes", captureTimes),
            ("mediaFileOfFace", mediaFileOfFace), ("setPortrait", setPortrait), ("adoptName", adoptName),
            ("deletePerson", deletePerson), ("assignments", assignments), ("assignmentsAfter", assignmentsAfter),
        ]
        list += peopleStatements
        for filter in [FaceFilter.person(0), .unassigned, .all] {
            list.append(("faceCount(\(filter))", faceCount(filter)))
            list.append(("faceDetails(\(filter))", faceDetails(filter)))
        }
        return list.map { (name: $0.0, sql: $0.1) }
    }
}
