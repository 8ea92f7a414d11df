import FacePipeline
import FaceStore
import FRSTestSupport
import Foundation
import GRDB
import PostgresNIO
import StoreTestSupport
import Testing
@testable import FaceStore

/// A library made before frs read capture dates (schema 3) gets them on the next `frs add`: the
/// migration marks its files unread, and `add` reads only their headers, once, without re-hashing
/// or re-queueing them.
@Suite("Capture dates in an existing library", .serialized)
struct CaptureDateUpgradeTests {
    @Test("upgrading from schema 3: the next frs add fills in dates once, files stay unchanged", arguments: [StoreBackend.sqlite] + TestBackends.servers.filter { $0 == .postgres })
    func upgrade(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Hamid_MIR.jpg"])
        defer { Task { await library.destroy() } }
        try ExifPhoto.write(copyOf: Library.seed.appendingPathComponent("Imran_Khan.jpg"),
                            to: library.photos.appendingPathComponent("dated.jpg"), dateTimeOriginal: "2003:04:05 06:07:08", offset: "-03:00")
        var result = try await library.frs(["add", library.photos.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await Self.dates(library) == ["Hamid_MIR.jpg": nil, "dated.jpg": "2003-04-05T06:07:08-03:00"])

        // Back to schema 3, as a library from before this version is: migrations 8 and 7 undone first.
        let triggers = backend == .sqlite
            ? [#"DROP TRIGGER "TR_Faces_Insert_Person""#, #"DROP TRIGGER "TR_Faces_Delete_Person""#, #"DROP TRIGGER "TR_Faces_Move_Person""#]
            : [#"DROP TRIGGER "TR_Faces_Person" ON "Faces""#, #"DROP FUNCTION "frs_faces_person_count""#, #"DROP INDEX "IX_Faces_PersonId_Id""#]
        try await Self.execute(library, triggers + [
            #"ALTER TABLE "Faces" DROP COLUMN "FrameCut""#, #"DROP INDEX "IX_Persons_FaceCount""#, #"DROP INDEX "IX_Persons_Name""#, #"DROP INDEX "IX_Persons_ModifiedAt""#,
            #"DROP TABLE "PersonDistinctions""#, #"ALTER TABLE "Persons" DROP COLUMN "FaceCount""#,
            #"ALTER TABLE "MediaFile" DROP COLUMN "CapturedAt""#, #"ALTER TABLE "MediaFile" DROP COLUMN "CapturedUtcOffset""#,
            #"ALTER TABLE "MediaFile" DROP COLUMN "CaptureTimeRead""#, #"ALTER TABLE "Persons" DROP COLUMN "BirthDate""#,
            #"DROP INDEX "IX_Faces_EmbeddingModel""#, #"DELETE FROM "schema_migrations" WHERE "version" >= 4"#,
        ])
        let store = try await library.openStore()  // migrates to the latest: the files are known, their dates unread
        #expect(try await store.schemaVersion() == Migrations.latestVersion)
        let known = try #require(try await store.mediaFile(path: library.photos.appendingPathComponent("dated.jpg").path))
        #expect(!known.captureTimeRead && known.capturedAt == nil)
        try await store.close()

        result = try await library.frs(["add", library.photos.path])
        #expect(result.status == 0 && result.stdout.contains("unchanged 2"), "\(result.stdout) \(result.stderr)")
        #expect(try await Self.dates(library) == ["Hamid_MIR.jpg": nil, "dated.jpg": "2003-04-05T06:07:08-03:00"])
        let after = try await library.openStore()
        let files = try await [library.photos.appendingPathComponent("dated.jpg").path, library.photos.appendingPathComponent("Hamid_MIR.jpg").path]
            .asyncCompactMap { try await after.mediaFile(path: $0) }
        #expect(files.count == 2 && files.allSatisfy(\.captureTimeRead), "read once, also where there is no date")
        #expect(try await after.statusCounts().pending == 2, "nothing was queued again")
        try await after.close()
    }

    /// Capture time per file name, from the store.
    static func dates(_ library: Library) async throws -> [String: String?] {
        let store = try await library.openStore()
        defer { Task { try? await store.close() } }
        var result: [String: String?] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: library.photos.path) {
            let file = try await store.mediaFile(path: library.photos.appendingPathComponent(name).path)
            result[name] = .some(file?.capturedAt?.iso8601)
        }
        return result
    }

    static func execute(_ library: Library, _ statements: [String]) async throws {
        switch library.backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: library.database)
            try await queue.write { db in for sql in statements { try db.execute(sql: sql) } }
        default:
            let store = try PostgresStore(url: library.database, maximumConnections: 1)
            do {
                for sql in statements { _ = try await store.client.query(PostgresQuery(unsafeSQL: sql)).collect() }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

extension Array {
    func asyncCompactMap<T>(_ body: (Element) async throws -> T?) async rethrows -> [T] {
        var result: [T] = []
        for element in self { if let value = try await body(element) { result.append(value) } }
        return result
    }
}
