import Foundation
import StoreTestSupport
import Synchronization
import Testing
@testable import FaceStore

/// What only SQL Server has: the original system's own database, and the session-owned recognition
/// lock. The rest of the store suite runs on SQL Server through `TestBackends.all`.
/// Needs FRS_TEST_SQLSERVER_URL; without it every test here reports itself skipped.
@Suite("SQL Server", .serialized, .enabled(if: TestBackends.sqlServerURL != nil, TestBackends.sqlServerMissing))
struct SQLServerStoreTests {
    /// The original system's four tables as its setup script creates them (INT identities, no unique
    /// path, the server's default collation, no cascades), with rows it would have written.
    static let originalSystem = [
        """
        CREATE TABLE dbo.MediaFile (
            Id INT IDENTITY(1,1) PRIMARY KEY, FilePath NVARCHAR(500) NOT NULL, FileName NVARCHAR(255) NOT NULL,
            Extensions NVARCHAR(10) NULL, CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL)
        """,
        """
        CREATE TABLE dbo.MediaItems (
            Id INT IDENTITY(1,1) PRIMARY KEY, MediaFileId INT NOT NULL, Name NVARCHAR(255) NOT NULL,
            IsFacesExtracted BIT NOT NULL DEFAULT 0, FacesExtractedOn DATETIME2 NULL,
            CONSTRAINT FK_MediaItems_MediaFile FOREIGN KEY (MediaFileId) REFERENCES dbo.MediaFile(Id))
        """,
        """
        CREATE TABLE dbo.Persons (
            Id INT IDENTITY(1,1) PRIMARY KEY, PortraitMediaFileId INT NULL, Name NVARCHAR(255), Rank NVARCHAR(50) NULL,
            Appointment NVARCHAR(100) NULL, CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL)
        """,
        """
        CREATE TABLE dbo.Faces (
            Id INT IDENTITY(1,1) PRIMARY KEY, MediaItemId INT NOT NULL, PersonId INT NULL, BoundingBox NVARCHAR(255) NULL,
            Embedding VARBINARY(MAX) NULL, FrameNumber INT NULL, Name NVARCHAR(255),
            CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL,
            CONSTRAINT FK_Faces_MediaItem FOREIGN KEY (MediaItemId) REFERENCES dbo.MediaItems(Id),
            CONSTRAINT FK_Faces_Person FOREIGN KEY (PersonId) REFERENCES dbo.Persons(Id))
        """,
        "ALTER TABLE dbo.Persons ADD CONSTRAINT FK_Persons_Media FOREIGN KEY (PortraitMediaFileId) REFERENCES dbo.MediaFile(Id)",
        """
        INSERT INTO dbo.MediaFile (FilePath, FileName, Extensions) VALUES
            (N'C:/media/news.jpg', N'news.jpg', N'.jpg'), (N'C:/media/Interview.jpg', N'Interview.jpg', N'.jpg')
        """,
        """
        INSERT INTO dbo.MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn) VALUES
            (1, N'news.jpg', 1, SYSDATETIME()), (2, N'Interview.jpg', 0, NULL)
        """,
        "INSERT INTO dbo.Persons (Name, Rank, Appointment, PortraitMediaFileId) VALUES (N'Zoë Ångström', N'Col', N'Editor', 1)",
        // A 4-float embedding, little-endian float32 like numpy's tobytes(): 1, 0, 0, 0.
        "INSERT INTO dbo.Faces (MediaItemId, PersonId, BoundingBox, Embedding, Name) VALUES (1, 1, N'10,20,110,140', 0x0000803F000000000000000000000000, N'face_1.jpg')",
    ]

    static func withOriginalDatabase(_ body: (TestDatabase) async throws -> Void) async throws {
        let database = try await TestDatabase.make(.sqlServer)
        do {
            for statement in originalSystem { try await database.executeRaw(statement) }
            try await body(database)
        } catch {
            await database.destroy()
            throw error
        }
        await database.destroy()
    }

    @Test("adopts the original system's database without losing a row, and works on its rows")
    func adoptsOriginalDatabase() async throws {
        try await Self.withOriginalDatabase { database in
            let store = try await database.openStore(migrate: false)
            #expect(try await store.schemaVersion() == 0)
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.schemaVersion() == Migrations.latestVersion)

            // Every row is still there, with its values.
            #expect(try await store.statusCounts() == StatusCounts(pending: 1, done: 1))
            let person = try #require(try await store.allPersons().first)
            #expect(person.name == "Zoë Ångström" && person.rank == "Col" && person.portraitMediaFileId == 1)
            #expect(!person.isHidden && !person.isUserNamed && person.number == nil)
            let face = try #require(try await store.faces(item: 1).first)
            #expect(face.personId == person.id && face.embedding == [1, 0, 0, 0] && face.thumbnailName == "face_1.jpg")
            #expect(face.box == BoundingBox(x1: 10, y1: 20, x2: 110, y2: 140) && !face.isUserVerified)

            // The unprocessed photo is claimed and done like any other; paths compare case-sensitively.
            let claimed = try await store.claim(owner: "w1", limit: 10, leaseSeconds: 60)
            #expect(claimed.map(\.path) == ["C:/media/Interview.jpg"])
            #expect(try await store.mediaFile(path: "C:/media/interview.jpg") == nil)
            let ids = try await store.complete(item: claimed[0].id, owner: "w1", faces: [newFace(1, embedding: [0, 1, 0, 0])])
            #expect(try await store.statusCounts() == StatusCounts(done: 2))
            #expect(try await store.embeddings().map(\.faceId).sorted() == [face.id] + ids)

            // New persons get numbers; the history and the moves work on INT ids.
            let created = try await store.createPerson(name: nil)
            #expect(created.number == 1 && created.name == "Unknown-1")
            try await store.assign(faces: ids, to: created.id, reason: .cluster, actor: "frs")
            #expect(try await store.assignments(face: ids[0]).map(\.toPersonId) == [created.id])
            try await store.merge([created.id], into: person.id, actor: "test")
            #expect(try await store.faces(person: person.id).count == 2)

            // frs add on the already processed legacy photo fills in its metadata and keeps its face.
            #expect(try await store.addMedia(mediaInfo("C:/media/news.jpg")) == .unchanged(fileId: 1))
            #expect(try await store.faces(item: 1).map(\.id) == [face.id])
            try await store.close()
        }
    }

    @Test("an original database with duplicate paths is refused with a clear message and left as it was")
    func refusesDuplicatePaths() async throws {
        try await Self.withOriginalDatabase { database in
            try await database.executeRaw("INSERT INTO dbo.MediaFile (FilePath, FileName) VALUES (N'C:/media/news.jpg', N'news.jpg')")
            let store = try await database.openStore(migrate: false)
            let error = await expectStoreError(.database) { try await store.migrate() }
            #expect(error?.description.contains("MediaFile holds the same FilePath more than once") == true, "\(String(describing: error))")
            #expect(try await store.schemaVersion() == 0, "the whole migration was rolled back")
            try await store.close()
            // Not a column was added.
            let verify = try SQLServerStore(location: database.location, maximumConnections: 1)
            let columns = try await verify.transaction("columns") { db in
                try db.rows("SELECT COUNT(*) AS \"N\" FROM sys.columns WHERE object_id = OBJECT_ID(N'MediaItems')")[0].int("N")
            }
            #expect(columns == 5)
            try await verify.close()
        }
    }

    @Test("the recognition lock makes a second holder wait, and a session that ends releases it")
    func recognitionLock() async throws {
        let database = try await TestDatabase.make(.sqlServer)
        let first = try SQLServerStore(location: database.location)
        let second = try SQLServerStore(location: database.location)
        let events = Mutex<[String]>([])
        let log: @Sendable (String) -> Void = { event in events.withLock { $0.append(event) } }
        let seen: @Sendable (String) -> Bool = { event in events.withLock { $0.contains(event) } }
        let other = Mutex<Task<Void, any Error>?>(nil)

        try await first.withRecognitionLock(waiting: { log("first waited") }) {
            log("first holds")
            other.withLock { task in
                task = Task { try await second.withRecognitionLock(waiting: { log("second waits") }) { log("second holds") } }
            }
            // The second caller is told to wait while the first holds the lock.
            for _ in 0..<200 where !seen("second waits") { try await Task.sleep(for: .milliseconds(50)) }
            log("first releases")
        }
        try await other.withLock { $0 }?.value
        #expect(events.withLock { $0 } == ["first holds", "second waits", "first releases", "second holds"])

        // A holder whose session goes away (a killed process) frees the lock without releasing it.
        let dying = first.dedicatedSession("dying")
        let probe = second.dedicatedSession("probe")
        #expect(try await dying.perform { db in try SQLServerStore.takeRecognitionLock(db, wait: false) })
        #expect(try await !probe.perform { db in try SQLServerStore.takeRecognitionLock(db, wait: false) }, "held by the other session")
        await dying.shutdown()
        await probe.shutdown()
        let waited = Mutex(false)
        try await second.withRecognitionLock(waiting: { waited.withLock { $0 = true } }) {}
        #expect(!waited.withLock { $0 }, "free as soon as the holder's session ended")

        try await first.close()
        try await second.close()
        await database.destroy()
    }
}
