import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing

@Suite("Search corpus kept by the server")
struct SearchCorpusTests {
    @Test("it reloads the assigned faces only when assignments change, and then searches like a fresh read", arguments: TestBackends.all)
    func reloadsOnlyWhenAssignmentsChange(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            try await withFaceStore(database.location) { store in
                let analyzer = try FaceAnalyzer(models: ModelStore(directory: SharedData.models))
                let image = try Image(contentsOf: Paths.seed.appendingPathComponent("Imran-Khan.jpg"))
                let corpus = SearchCorpus()
                let search = PersonSearch(store: store, corpus: corpus)

                let first = try await search.search(image, analyzer: analyzer)
                #expect(first.first?.matches.first?.personId == library.imran)
                #expect(try await search.search(image, analyzer: analyzer) == first)
                #expect(await corpus.loads == 1, "a second search with nothing changed reads nothing again")

                // Names are read fresh: a rename shows without a reload.
                try await store.rename(person: library.imran, to: "I. Khan")
                let renamed = try await search.search(image, analyzer: analyzer)
                #expect(await corpus.loads == 1)
                #expect(renamed.first?.matches.first?.name == "I. Khan")

                // Faces moved behind the server's back (as `frs people move` in another process does)
                // are seen at the next search.
                let imranFaces = try await store.faces(person: library.imran).map(\.id)
                try await store.assign(faces: imranFaces, to: library.hamid, reason: .user, actor: "test")
                let moved = try await search.search(image, analyzer: analyzer)
                #expect(await corpus.loads == 2)
                #expect(moved.first?.matches.first?.personId == library.hamid)
                #expect(moved == (try await PersonSearch(store: store).search(image, analyzer: analyzer)))
            }
        }
    }

    @Test("after embedding_flip changed, a search compares only vectors of its own model, and keeps no load made while the library was re-embedded",
          arguments: TestBackends.all)
    func searchesOneModelAcrossReembedding(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            try await withFaceStore(database.location) { store in
                // The library is embedded without the mirror image; the server now embeds with it.
                let flipped = try FaceAnalyzer(models: ModelStore(directory: SharedData.models), flip: true)
                #expect(try flipped.embedder.modelTag != FaceNet.defaultModelTag)
                let image = try Image(contentsOf: Paths.seed.appendingPathComponent("Imran-Khan.jpg"))
                let corpus = SearchCorpus()
                let search = PersonSearch(store: store, corpus: corpus)
                #expect(try await search.search(image, analyzer: flipped).allSatisfy { $0.matches.isEmpty },
                        "no stored face is of the search's model yet")
                _ = try await search.search(image, analyzer: flipped)
                #expect(await corpus.loads == 2, "a load that missed assigned faces is not kept")

                // Re-embedded in place (as `frs embed` does in another process): the assignment version
                // stays the same, and the next search still sees the new vectors.
                var located: [FaceLocation] = []
                try await store.forEachFacePage(size: 500) { located += $0 }
                var updates: [EmbeddingUpdate] = []
                let tag = try flipped.embedder.modelTag
                for (path, faces) in Dictionary(grouping: located, by: \.mediaPath) {
                    let photo = try Image(contentsOf: URL(fileURLWithPath: path))
                    let embeddings = try flipped.embeddings(of: faces.map { DetectedFace(stored: $0.box!) }, in: photo)
                    updates += zip(faces, embeddings).map {
                        EmbeddingUpdate(faceId: $0.faceId, vector: $1.vector, model: tag, quality: Double($1.quality))
                    }
                }
                let version = try await store.assignmentVersion()
                try await store.setEmbeddings(updates)
                #expect(try await store.assignmentVersion() == version)
                let found = try await search.search(image, analyzer: flipped)
                #expect(found.first?.matches.first?.personId == library.imran)
                #expect(await corpus.loads == 3)
                #expect(try await search.search(image, analyzer: flipped) == found)
                #expect(await corpus.loads == 3, "a complete load is kept")
            }
        }
    }
}
