import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing

/// `embedding_flip` changes the vector space: a library embedded one way is re-embedded in place,
/// and everything a user decided stays as it was.
@Suite("Re-embedding after a model change", .serialized)
struct ReembeddingTests {
    struct Face: Equatable {
        var person: Int64?
        var verified: Bool
        var model: String?
        var vector: [Float]
    }

    static func faces(_ store: any FaceStore) async throws -> [Int64: Face] {
        var result: [Int64: Face] = [:]
        var items = Set<Int64>()
        try await store.forEachFacePage(size: 500) { page in items.formUnion(page.map(\.mediaItemId)) }
        for item in items {
            for face in try await store.faces(item: item) {
                result[face.id] = Face(person: face.personId, verified: face.isUserVerified, model: face.embeddingModel,
                                       vector: face.embedding ?? [])
            }
        }
        return result
    }

    @Test("a changed embedding_flip re-embeds every face in place: persons, names, confirmations and rejections stay",
          arguments: TestBackends.all)
    func flipChangeReembedsInPlace(backend: StoreBackend) async throws {
        let photos = try LFWSample.photos(people: 3, photos: 4)
        let library = try await Library.make(backend, photos: [])
        defer { Task { await library.destroy() } }
        try LFWSample.copy(photos, to: library.photos)
        let config = library.root.appendingPathComponent("none.conf")
        try "embedding_flip = false\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try await library.frs(["run", library.photos.path])
        #expect(run.status == 0, "\(run.stderr)")

        // What a user decided: a name, a confirmed face, a face that is "not this person".
        let (named, rejected, other) = try await withFaceStore(library.database) { store in
            let persons = try await store.persons(includeHidden: true).map(\.person.id).sorted()
            try #require(persons.count >= 2, "persons made: \(persons)")
            try await store.rename(person: persons[0], to: "Ada")
            let confirmed = try #require(try await store.faces(person: persons[0]).first).id
            try await store.setVerified(faces: [confirmed], verified: true)
            let rejected = try #require(try await store.faces(person: persons[1]).first).id
            try await store.reject(faces: [rejected], from: persons[1], actor: "test")
            return (persons[0], rejected, persons[1])
        }
        let before = try await withFaceStore(library.database) { try await Self.faces($0) }
        #expect(before.count >= 12 && before.values.allSatisfy { $0.model == FaceNet.modelTag })

        try "embedding_flip = true\n".write(to: config, atomically: true, encoding: .utf8)
        let embed = try await library.frs(["embed"])
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(embed.stdout.contains("embedded \(before.count) faces") && embed.stdout.contains("\(before.count) of them again"), "\(embed.stdout)")

        try await withFaceStore(library.database) { store in
            let after = try await Self.faces(store)
            #expect(Set(after.keys) == Set(before.keys))
            for (id, old) in before {
                let new = try #require(after[id])
                #expect(new.model == FaceNet.modelTag(flip: true), "face \(id): \(new.model ?? "nil")")
                #expect(new.person == old.person && new.verified == old.verified, "face \(id) changed person or confirmation")
                let similarity = cosineSimilarity(new.vector, old.vector)
                #expect(similarity < 0.99999 && similarity > 0.8, "face \(id): re-embedded vector at \(similarity) to the old one")
            }
            #expect(try await store.person(id: named)?.name == "Ada")
            #expect(try await store.rejections().contains(FaceRejection(faceId: rejected, personId: other)))
            // Recognition in the new space keeps the user's choices too.
            #expect(try await store.embeddings(model: FaceNet.modelTag).isEmpty)
        }
        let cluster = try await library.frs(["cluster"])
        #expect(cluster.status == 0, "\(cluster.stderr)")
        try await withFaceStore(library.database) { store in
            let after = try await Self.faces(store)
            #expect(try await store.person(id: named)?.name == "Ada")
            for (id, old) in before where old.person == named { #expect(after[id]?.person == named, "face \(id) left the named person") }
            #expect(after[rejected]?.person != other, "the rejected face went back to its person")
        }
        let again = try await library.frs(["embed"])
        #expect(again.status == 0 && again.stdout.contains("embedded 0 faces"), "\(again.stdout)\(again.stderr)")
    }
}
