import FRSTestSupport
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing
@testable import FaceStore

/// A fresh library for one test: a data directory, a database (a SQLite file in it, a new
/// PostgreSQL schema addressed by `?search_path=`, or a new SQL Server database), and a folder of
/// photos copied from the samples.
struct Library {
    let testDatabase: TestDatabase
    var backend: StoreBackend { testDatabase.backend }
    var root: URL { testDatabase.directory }
    var database: String { testDatabase.location }

    var dataDirectory: URL { root.appendingPathComponent("data") }
    var photos: URL { root.appendingPathComponent("photos") }
    var thumbnails: URL { dataDirectory.appendingPathComponent("thumbnails") }

    static var seed: URL { SharedData.seed }

    /// `server` is a PostgreSQL URL to use instead of `FRS_TEST_DATABASE_URL`.
    static func make(_ backend: StoreBackend, photos names: [String], server: String? = nil) async throws -> Library {
        let library = Library(testDatabase: try await TestDatabase.make(backend, server: server))
        try FileManager.default.createDirectory(at: library.photos, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(at: seed.appendingPathComponent(name), to: library.photos.appendingPathComponent(name))
        }
        return library
    }

    func destroy() async { await testDatabase.destroy() }

    /// Arguments that point a `frs` command at this library.
    var arguments: [String] { ["--database", database, "--data-dir", dataDirectory.path, "--config", root.appendingPathComponent("none.conf").path] }

    func frs(_ command: [String], _ extra: [String] = []) async throws -> ProcessResult {
        try await FRSBinary.run(command + arguments + extra)
    }

    func openStore() async throws -> any FaceStore { try await openFaceStore(database) }

    /// Faces per photo file name, sorted by box.
    func storedFaces() async throws -> [String: [BoundingBox]] {
        var result: [String: [BoundingBox]] = [:]
        try await withFaceStore(database) { store in
            try await store.forEachFacePage(size: 500) { page in
                for face in page { result[URL(fileURLWithPath: face.mediaPath).lastPathComponent, default: []].append(face.box!) }
            }
        }
        return result.mapValues { $0.sorted { ($0.x1, $0.y1) < ($1.x1, $1.y1) } }
    }

    /// `MediaItems.Attempts` of every item (server libraries), read the way another program would.
    func itemAttempts() async throws -> [Int] {
        if backend == .sqlServer {
            let store = try SQLServerStore(location: database, maximumConnections: 1)
            do {
                let attempts = try await store.transaction("attempts") { db in
                    try db.rows(#"SELECT "Attempts" FROM "MediaItems" ORDER BY "Id""#).map { try $0.int("Attempts") }
                }
                try await store.close()
                return attempts
            } catch {
                try? await store.close()
                throw error
            }
        }
        let store = try PostgresStore(url: database, maximumConnections: 1)
        var attempts: [Int] = []
        do {
            for try await row in try await store.client.query(#"SELECT "Attempts" FROM "MediaItems" ORDER BY "Id""#) {
                attempts.append(try row.decode(Int.self))
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return attempts
    }

    func thumbnailFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: thumbnails.path)) ?? []).sorted()
    }

    func statusCounts() async throws -> StatusCounts {
        try await withFaceStore(database) { try await $0.statusCounts() }
    }
}

/// What the pipeline finds in each photo (same detector, same default options, same decoding), by file name.
enum Expected {
    private static let detector = Result {
        let models = ModelStore(directory: SharedData.models)
        return try RetinaFace(modelURL: models.ensure(.retinaFace), engine: InferenceEngine.select(.auto, precision: .auto, models: models))
    }

    static func faces(in names: [String]) throws -> [String: [BoundingBox]] {
        var result: [String: [BoundingBox]] = [:]
        for name in names {
            // Decoded the way the pipeline decodes (a large JPEG at reduced scale), faces in full-size coordinates.
            let photo = try ScaledPhoto(contentsOf: Library.seed.appendingPathComponent(name), detectionSide: RetinaFace.Options().longerSide.upperBound)
            let faces = photo.fullResolution(try detector.get().detect(in: photo.image))
            if !faces.isEmpty {
                result[name] = faces.map { BoundingBox(x1: Double($0.box.x), y1: Double($0.box.y), x2: Double($0.box.maxX), y2: Double($0.box.maxY)) }
                    .sorted { ($0.x1, $0.y1) < ($1.x1, $1.y1) }
            }
        }
        return result
    }

    static func expectSame(_ stored: [String: [BoundingBox]], _ expected: [String: [BoundingBox]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stored.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
        for (name, boxes) in expected {
            let found = stored[name] ?? []
            #expect(found.count == boxes.count, "\(name): \(found.count) faces stored, \(boxes.count) expected", sourceLocation: sourceLocation)
            for (a, b) in zip(found, boxes) {
                #expect(abs(a.x1 - b.x1) < 0.01 && abs(a.y2 - b.y2) < 0.01, "\(name): \(a) vs \(b)", sourceLocation: sourceLocation)
            }
        }
    }
}
