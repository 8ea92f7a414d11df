import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Paths {
    static var seed: URL { SharedData.seed }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension TestDatabase {
    /// The library's data directory (thumbnails and, on SQLite, the database file).
    var dataDirectory: DataDirectory { DataDirectory(root: directory.appendingPathComponent("data")) }
}

/// Runs `body` with a seeded library on a fresh database, then drops it.
func withSeededLibrary(_ backend: StoreBackend, _ body: (TestDatabase, SeededLibrary) async throws -> Void) async throws {
    let database = try await TestDatabase.make(backend)
    do {
        let library = try await withFaceStore(database.location) { store in
            try await SeededLibrary.create(in: store, data: database.dataDirectory)
        }
        try await body(database, library)
    } catch {
        await database.destroy()
        throw error
    }
    await database.destroy()
}
