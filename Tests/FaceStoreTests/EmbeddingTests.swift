import Foundation
import Testing
import FaceStore
import StoreTestSupport

@Suite("Embeddings")
struct EmbeddingTests {
    /// Values that expose any lossy conversion: signed zero, subnormals, extremes, arbitrary fractions.
    static let awkwardVector: [Float] = {
        var generator = SystemRandomNumberGenerator()
        var values: [Float] = [-0.0, 0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
                               .ulpOfOne, 1 / 3, -123456.789]
        values += (0..<504).map { _ in Float.random(in: -1...1, using: &generator) }
        return values
    }()

    @Test("embeddings round-trip bit-exactly and the backlog drains", arguments: TestBackends.all)
    func roundTrip(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let embedded: [Float] = [0.25, -0.5, 1]
            let ids = try await addCompleted(store, "/p/three.jpg",
                                             faces: [newFace(1), newFace(2), newFace(3, embedding: embedded)])
            let backlog = try await store.facesWithoutEmbedding(afterFaceId: 0, limit: 10)
            #expect(backlog.map(\.faceId) == [ids[0], ids[1]])
            #expect(backlog.allSatisfy { $0.mediaPath == "/p/three.jpg" })
            #expect(backlog.first?.box == newFace(1).box && backlog.first?.landmarks == newFace(1).landmarks)
            #expect(backlog.first?.thumbnailName == "\(ids[0]).jpg")
            // Paging by last id seen.
            let page = try await store.facesWithoutEmbedding(afterFaceId: ids[0], limit: 1)
            #expect(page.map(\.faceId) == [ids[1]])

            let vector = Self.awkwardVector
            try await store.setEmbeddings([
                EmbeddingUpdate(faceId: ids[0], vector: vector, model: "arcface-r100"),
                EmbeddingUpdate(faceId: ids[1], vector: vector.reversed(), model: "arcface-r100", quality: 7.5),
            ])
            #expect(try await store.facesWithoutEmbedding(afterFaceId: 0, limit: 10).isEmpty)

            let all = try await store.embeddings()
            #expect(all.map(\.faceId) == ids)
            #expect(all[0].vector.map(\.bitPattern) == vector.map(\.bitPattern))
            #expect(all[1].vector.map(\.bitPattern) == vector.reversed().map(\.bitPattern))
            #expect(all[2].vector == embedded)
            #expect(all.allSatisfy { $0.personId == nil })
            #expect(try await store.embeddings(model: "other").isEmpty)
            #expect(try await store.embeddings(model: "arcface-r100").count == 3)

            let faces = try await store.faces(item: try #require(backlog.first).mediaItemId)
            let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(faces[0].quality == norm, "quality defaults to the embedding norm")
            #expect(faces[1].quality == 7.5 && faces[2].quality == (0.0625 + 0.25 + 1.0).squareRoot())
            #expect(faces[0].embeddingModel == "arcface-r100")
        }
    }

    @Test("faces are paged by the model their embedding came from (re-embedding after a model change)", arguments: TestBackends.all)
    func facesByEmbeddingModel(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = try await addCompleted(store, "/p/four.jpg", faces: [newFace(1), newFace(2), newFace(3), newFace(4)])
            try await store.setEmbeddings([
                EmbeddingUpdate(faceId: ids[0], vector: [1, 0], model: "old"),
                EmbeddingUpdate(faceId: ids[2], vector: [0, 1], model: "old"),
                EmbeddingUpdate(faceId: ids[3], vector: [1, 1], model: "new"),
            ])
            #expect(try await store.facesEmbedded(model: "old", afterFaceId: 0, limit: 10).map(\.faceId) == [ids[0], ids[2]])
            #expect(try await store.facesEmbedded(model: "old", afterFaceId: ids[0], limit: 10).map(\.faceId) == [ids[2]])
            #expect(try await store.facesEmbedded(model: "old", afterFaceId: 0, limit: 1).map(\.faceId) == [ids[0]])
            #expect(try await store.facesEmbedded(model: "new", afterFaceId: 0, limit: 10).map(\.faceId) == [ids[3]])
            #expect(try await store.facesEmbedded(model: "none", afterFaceId: 0, limit: 10).isEmpty)
            let page = try #require(try await store.facesEmbedded(model: "old", afterFaceId: 0, limit: 10).first)
            #expect(page.mediaPath == "/p/four.jpg" && page.box == newFace(1).box)
            // Re-embedding in place moves a face from one model's page to the other's.
            try await store.setEmbeddings([EmbeddingUpdate(faceId: ids[0], vector: [0.5, 0.5], model: "new")])
            #expect(try await store.facesEmbedded(model: "old", afterFaceId: 0, limit: 10).map(\.faceId) == [ids[2]])
            #expect(try await store.facesEmbedded(model: "new", afterFaceId: 0, limit: 10).map(\.faceId) == [ids[0], ids[3]])
            #expect(try await store.facesWithoutEmbedding(afterFaceId: 0, limit: 10).map(\.faceId) == [ids[1]])
            #expect(try await store.faces(afterFaceId: 0, limit: 10).map(\.faceId) == ids)
        }
    }

    @Test("a batch with an unknown face changes nothing", arguments: TestBackends.all)
    func batchIsAtomic(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = try await addCompleted(store, "/p/one.jpg", faces: [newFace(1)])
            let error = await expectStoreError(.notFound) {
                try await store.setEmbeddings([
                    EmbeddingUpdate(faceId: ids[0], vector: [1, 2, 3], model: "m"),
                    EmbeddingUpdate(faceId: 987_654, vector: [1, 2, 3], model: "m"),
                ])
            }
            #expect(error?.id == 987_654 && error?.operation == "setEmbeddings")
            #expect(!(error?.description.contains("1.0") ?? true), "no embedding values in messages")
            #expect(try await store.embeddings().isEmpty)
        }
    }
}
