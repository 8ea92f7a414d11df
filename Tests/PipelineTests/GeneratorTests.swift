import FRSTestSupport
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing

/// The real library the generator copies: a few seed photos (three group photos among them, for
/// photos of several faces) through `frs run`, made once per test run and shared by the backends.
enum GeneratorSource {
    static let photos = ["Hamid_MIR.jpg", "hamidMir.jpg", "Imran_Khan.jpg", "lodhi.jpg", "Jenny.jpg", "family.jpg",
                         "conference.jpg", "interview.jpg"]

    static let library = Task<Library, any Error> {
        let library = try await Library.make(.sqlite, photos: [])
        let result = try await library.frs(["run"] + photos.map { Library.seed.appendingPathComponent($0).path })
        guard result.status == 0 else { throw TestSetupError(description: "frs run on the seed photos failed: \(result.stderr)") }
        return library
    }

    static var arguments: [String] {
        get async throws {
            let source = try await library.value
            return ["--source", source.database, "--source-data", source.dataDirectory.path]
        }
    }
}

@Suite("frs generate-library: large synthetic libraries from a real one", .serialized)
struct GeneratorTests {
    static let faces = 1500
    static let persons = 60

    @Test("makes exactly what was asked, like a real library; the same seed makes the same; a full library is refused",
          arguments: TestBackends.all)
    func generates(backend: StoreBackend) async throws {
        let source = try await GeneratorSource.arguments
        let size = ["--faces", "\(Self.faces)", "--persons", "\(Self.persons)"]
        let target = try await Library.make(backend, photos: [])
        defer { Task { await target.destroy() } }
        let made = try await target.frs(["generate-library"], size + source + ["--seed", "7"])
        try #require(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("generated \(Self.faces) faces"), "\(made.stdout)")

        let library = try await GeneratedLibrary.read(target)
        #expect(library.faces.count == Self.faces)
        #expect(library.persons.count == Self.persons)
        // --unassigned 0.2 by default: 300 of 1,500.
        #expect(library.faces.filter { $0.personId == nil }.count == 300)
        #expect(library.persons.allSatisfy { $0.faceCount >= 3 }, "\(library.persons.map(\.faceCount).sorted())")
        // Skewed: the largest person has far more faces than the typical one.
        let sizes = library.persons.map(\.faceCount).sorted()
        #expect(sizes.last! >= 5 * sizes[sizes.count / 2], "\(sizes)")
        #expect(library.persons.filter(\.person.isUserNamed).count == 6)
        #expect(Set(library.persons.compactMap { $0.person.isUserNamed ? $0.person.name : nil }).count == 6)
        #expect(library.persons.filter(\.person.isHidden).count == 1)

        // Photos: 1-4 faces, never one person twice, each a link to a real photo, each done.
        let photos = Dictionary(grouping: library.faces, by: \.mediaItemId)
        #expect(photos.values.allSatisfy { (1...4).contains($0.count) })
        #expect(photos.values.contains { $0.count > 1 }, "no photo has several faces")
        for faces in photos.values {
            let persons = faces.compactMap(\.personId)
            #expect(Set(persons).count == persons.count, "one photo shows a person twice: \(faces.map(\.faceId))")
        }
        #expect(library.persons.allSatisfy { $0.photoCount == $0.faceCount })
        for path in Set(library.faces.map(\.mediaPath)) {
            let destination = try FileManager.default.destinationOfSymbolicLink(atPath: path)
            #expect(FileManager.default.fileExists(atPath: destination), "\(path) -> \(destination)")
        }
        #expect(!library.someMediaFiles.isEmpty)
        #expect(library.someMediaFiles.allSatisfy { $0.kind == .image && $0.width != nil && $0.height != nil }, "\(library.someMediaFiles)")
        #expect(Set(library.someMediaFiles.compactMap(\.contentHash)).count == library.someMediaFiles.count)
        #expect(library.status == StatusCounts(done: photos.count))
        // Capture dates in 2000-2025 for about nine photos in ten.
        let dated = Set(library.faces.filter { library.captureTimes[$0.faceId] != nil }.map(\.mediaItemId)).count
        #expect((0.8...0.97).contains(Double(dated) / Double(photos.count)), "\(dated) of \(photos.count) photos dated")
        #expect(library.captureTimes.values.allSatisfy { (2000...2025).contains($0.localDay.year) })

        for face in library.faces {
            let thumbnail = face.thumbnailName.map { target.thumbnails.appendingPathComponent($0).path }
            #expect(thumbnail.map(FileManager.default.fileExists) == true, "face \(face.faceId) has no thumbnail")
        }

        // A person's faces are alike, different persons' are not.
        #expect(library.embeddings.count == Self.faces)
        let similarity = library.similarity()
        #expect(similarity.within > 0.55, "\(similarity)")
        #expect(similarity.between < 0.25, "\(similarity)")

        // The same seed: the same persons (by name) with the same sizes; another seed: other sizes.
        let again = try await Library.make(backend, photos: [])
        defer { Task { await again.destroy() } }
        try #require(try await again.frs(["generate-library"], size + source + ["--seed", "7"]).status == 0)
        let second = try await GeneratedLibrary.read(again)
        #expect(second.persons.map(\.faceCount).sorted() == sizes)
        #expect(second.namedSizes == library.namedSizes)
        let other = try await Library.make(backend, photos: [])
        defer { Task { await other.destroy() } }
        try #require(try await other.frs(["generate-library"], size + source + ["--seed", "8"]).status == 0)
        #expect(try await GeneratedLibrary.read(other).persons.map(\.faceCount).sorted() != sizes)

        // A library with faces is refused, and left as it was.
        let refused = try await target.frs(["generate-library"], size + source)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("already holds"), "\(refused.stderr)")
        #expect(try await GeneratedLibrary.read(target).faces.count == Self.faces)
    }
}

/// What a generated library holds, read back through the store.
struct GeneratedLibrary {
    var faces: [FaceLocation] = []
    var persons: [PersonSummary] = []
    var embeddings: [StoredEmbedding] = []
    var captureTimes: [Int64: CaptureTime] = [:]
    var status = StatusCounts()
    /// The media files of the first 20 photos.
    var someMediaFiles: [MediaFile] = []

    static func read(_ library: Library) async throws -> GeneratedLibrary {
        try await withFaceStore(library.database) { store in
            var result = GeneratedLibrary()
            try await store.forEachFacePage { result.faces += $0 }
            result.persons = try await store.persons(includeHidden: true)
            result.embeddings = try await store.embeddings(model: FaceNet.defaultModelTag)
            result.captureTimes = try await store.captureTimes()
            result.status = try await store.statusCounts()
            for path in Array(Set(result.faces.map(\.mediaPath))).sorted().prefix(20) {
                if let file = try await store.mediaFile(path: path) { result.someMediaFiles.append(file) }
            }
            return result
        }
    }

    var namedSizes: [String: Int] {
        Dictionary(uniqueKeysWithValues: persons.filter(\.person.isUserNamed).map { ($0.person.name!, $0.faceCount) })
    }

    /// Mean cosine similarity of two faces of one person (up to 20 faces of each), and of the
    /// first faces of different persons.
    func similarity() -> (within: Float, between: Float) {
        let byPerson = Dictionary(grouping: embeddings.filter { $0.personId != nil }, by: \.personId!).values.map { Array($0.prefix(20)) }
        var within: [Float] = [], between: [Float] = []
        for faces in byPerson {
            for i in faces.indices { for j in faces.indices where j > i { within.append(Self.cosine(faces[i].vector, faces[j].vector)) } }
        }
        for i in byPerson.indices { for j in byPerson.indices where j > i { between.append(Self.cosine(byPerson[i][0].vector, byPerson[j][0].vector)) } }
        return (within.reduce(0, +) / Float(within.count), between.reduce(0, +) / Float(between.count))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}
