import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// Twelve sample photos: singles, groups and one without a clear face.
let samplePhotos = ["GroupM.jpg", "Imran_Khan.jpg", "Jenny.jpg", "family.jpg", "hamidMir.jpg", "kid.jpg", "lodhi.jpg",
                    "news.jpg", "political_leader.png", "shaista.jpg", "smiles.jpg", "talk.jpg"]

/// Every sample photo (39), for tests that need enough work to interrupt.
let allSeedPhotos: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Library.seed.path)) ?? [])
    .filter { [".jpg", ".png"].contains(where: $0.hasSuffix) }.sorted()

@Suite("frs add + detect over a library", .serialized)
struct DetectionPipelineTests {
    @Test("stores exactly what frs test finds; a second run and dry runs change nothing", arguments: TestBackends.all)
    func storesWhatTestFinds(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: samplePhotos)
        defer { Task { await library.destroy() } }

        // A dry run on a library that does not exist yet creates nothing.
        let dry = try await library.frs(["add", library.photos.path, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        if backend == .sqlite { #expect(!FileManager.default.fileExists(atPath: library.database)) }

        let add = try await library.frs(["add", library.photos.path])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("added \(samplePhotos.count),"))
        let detect = try await library.frs(["--db"])
        #expect(detect.status == 0, "\(detect.stderr)")

        let expected = try Expected.faces(in: samplePhotos)
        let stored = try await library.storedFaces()
        Expected.expectSame(stored, expected)
        let faceCount = expected.values.reduce(0) { $0 + $1.count }
        #expect(library.thumbnailFiles().count == faceCount, "one thumbnail per face")
        #expect(try await library.statusCounts() == StatusCounts(done: samplePhotos.count))

        // Running again changes nothing.
        let files = library.thumbnailFiles()
        #expect(try await library.frs(["add", library.photos.path]).stdout.contains("unchanged \(samplePhotos.count)"))
        #expect(try await library.frs(["detect"]).status == 0)
        #expect(try await library.storedFaces() == stored)
        #expect(library.thumbnailFiles() == files)

        // Dry runs of new work write nothing.
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("wedding.jpg"), to: library.photos.appendingPathComponent("wedding.jpg"))
        let dryAdd = try await library.frs(["add", library.photos.path, "--dry-run"])
        #expect(dryAdd.stdout.contains("would add 1,"), "\(dryAdd.stdout)")
        let dryDetect = try await library.frs(["detect", "--dry-run"])
        #expect(dryDetect.stdout.contains("0 photos would be processed"), "\(dryDetect.stdout)")
        #expect(try await library.statusCounts() == StatusCounts(done: samplePhotos.count))
        #expect(try await library.storedFaces() == stored)
        #expect(library.thumbnailFiles() == files)

        // A changed file is queued again and its faces replaced, not duplicated.
        try FileManager.default.removeItem(at: library.photos.appendingPathComponent("Jenny.jpg"))
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("Imran-Khan.jpg"), to: library.photos.appendingPathComponent("Jenny.jpg"))
        #expect(try await library.frs(["add", library.photos.path]).stdout.contains("added 1, changed 1,"))
        #expect(try await library.frs(["detect"]).status == 0)
        let after = try await library.storedFaces()
        #expect(after["Jenny.jpg"]?.count == (try Expected.faces(in: ["Imran-Khan.jpg"]))["Imran-Khan.jpg"]?.count)
        #expect(after["wedding.jpg"] != nil)
    }

    @Test("same content under two paths is queued once", arguments: [StoreBackend.sqlite])
    func duplicateContent(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        try FileManager.default.copyItem(at: library.photos.appendingPathComponent("Jenny.jpg"), to: library.photos.appendingPathComponent("copy-of-jenny.jpg"))
        let add = try await library.frs(["add", library.photos.path])
        #expect(add.stdout.contains("added 1,") && add.stdout.contains("duplicates 1"), "\(add.stdout)")
        #expect(add.stderr.contains("same content as"))
    }
}
