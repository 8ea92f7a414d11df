import FaceStore
import Foundation
import StoreTestSupport
import Testing
@testable import FaceStore

/// frs pointed at a database the original system created and filled, on SQL Server: the rest of the
/// pipeline tests run on SQL Server through `TestBackends.all` when FRS_TEST_SQLSERVER_URL is set.
/// Without it every test here reports itself skipped.
@Suite("SQL Server pipeline", .serialized, .enabled(if: TestBackends.sqlServerURL != nil, TestBackends.sqlServerMissing))
struct SQLServerPipelineTests {
    @Test("frs detect processes the original system's unprocessed rows and keeps its processed ones")
    func originalDatabase() async throws {
        let photos = ["GroupM.jpg", "Jenny.jpg", "kid.jpg"]
        let library = try await Library.make(.sqlServer, photos: photos)
        let admin = try SQLServerStore(location: library.database, maximumConnections: 1)
        // The original system's tables, as its setup script creates them, and its rows: the first
        // photo already processed (one face of its own), the other two waiting.
        let paths = photos.map { library.photos.appendingPathComponent($0).path }
        try await admin.transaction("original system") { db in
            try db.run("""
                CREATE TABLE dbo.MediaFile (Id INT IDENTITY(1,1) PRIMARY KEY, FilePath NVARCHAR(500) NOT NULL,
                    FileName NVARCHAR(255) NOT NULL, Extensions NVARCHAR(10) NULL,
                    CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL)
                """)
            try db.run("""
                CREATE TABLE dbo.MediaItems (Id INT IDENTITY(1,1) PRIMARY KEY, MediaFileId INT NOT NULL REFERENCES dbo.MediaFile(Id),
                    Name NVARCHAR(255) NOT NULL, IsFacesExtracted BIT NOT NULL DEFAULT 0, FacesExtractedOn DATETIME2 NULL)
                """)
            try db.run("""
                CREATE TABLE dbo.Persons (Id INT IDENTITY(1,1) PRIMARY KEY, PortraitMediaFileId INT NULL REFERENCES dbo.MediaFile(Id),
                    Name NVARCHAR(255), Rank NVARCHAR(50) NULL, Appointment NVARCHAR(100) NULL,
                    CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL)
                """)
            try db.run("""
                CREATE TABLE dbo.Faces (Id INT IDENTITY(1,1) PRIMARY KEY, MediaItemId INT NOT NULL REFERENCES dbo.MediaItems(Id),
                    PersonId INT NULL REFERENCES dbo.Persons(Id), BoundingBox NVARCHAR(255) NULL, Embedding VARBINARY(MAX) NULL,
                    FrameNumber INT NULL, Name NVARCHAR(255), CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(), ModifiedAt DATETIME2 NULL)
                """)
            for (path, name) in zip(paths, photos) {
                try db.run("INSERT INTO dbo.MediaFile (FilePath, FileName, Extensions) VALUES (?, ?, N'.jpg')", [.text(path), .text(name)])
            }
            try db.run("""
                INSERT INTO dbo.MediaItems (MediaFileId, Name, IsFacesExtracted)
                SELECT Id, FileName, CASE WHEN Id = 1 THEN 1 ELSE 0 END FROM dbo.MediaFile ORDER BY Id
                """)
            try db.run("INSERT INTO dbo.Faces (MediaItemId, BoundingBox, Name) VALUES (1, N'1,2,3,4', N'original.jpg')")
        }
        try await admin.close()

        let detect = try await library.frs(["detect"])
        #expect(detect.status == 0, "\(detect.stderr)")
        #expect(try await library.statusCounts() == StatusCounts(done: 3))
        let stored = try await library.storedFaces()
        // The processed photo keeps the original system's face; the others have what frs test finds.
        #expect(stored["GroupM.jpg"] == [BoundingBox(x1: 1, y1: 2, x2: 3, y2: 4)])
        let expected = try Expected.faces(in: ["Jenny.jpg", "kid.jpg"])
        Expected.expectSame(stored.filter { $0.key != "GroupM.jpg" }, expected)
        await library.destroy()
    }
}
