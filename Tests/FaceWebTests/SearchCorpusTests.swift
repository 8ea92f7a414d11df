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
}
