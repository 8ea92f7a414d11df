import FRSTestSupport
import FacePipeline
import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// Review queues, "likely wrong", merge suggestions, photos of several persons and the name picker,
/// on the seeded library of real photos and real embeddings, on every database.
@Suite("People pages", .serialized)
struct PeoplePagesTests {
    @Test("'Is this <name>?' ranks the person's own unassigned face first; accept and reject act on many", arguments: TestBackends.all)
    func reviewQueue(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            try await withFaceStore(database.location) { store in
                let people = try PeopleService(store: store, actor: "test")
                // One of Imran Khan's two faces goes back to the unassigned faces.
                let imranFace = library.faces["Imran_Khan.jpg"]!
                try await store.assign(faces: [imranFace], to: nil, reason: .user, actor: "test")
                let queue = try await people.review(library.imran, after: nil, limit: 10)
                #expect(queue.items.first?.face.id == imranFace, "\(queue.items.map { ($0.face.id, $0.similarity) })")
                #expect(queue.items.map(\.similarity) == queue.items.map(\.similarity).sorted(by: >))
                #expect(queue.items.allSatisfy { $0.similarity >= PeopleService.reviewMinSimilarity && $0.face.personId == nil })
                // Paging: one at a time gives the same list.
                var paged: [Int64] = []
                var after: String?
                repeat {
                    let page = try await people.review(library.imran, after: after, limit: 1)
                    paged += page.items.map(\.face.id)
                    after = page.next
                } while after != nil
                #expect(paged == queue.items.map(\.face.id))

                // "Not Imran": remembered, never offered again.
                _ = try await people.reject(faces: [imranFace], from: library.imran)
                #expect(!(try await people.review(library.imran, after: nil, limit: 10)).items.contains { $0.face.id == imranFace })
                // Accepting many at once: the faces are the person's, confirmed.
                try await store.forgetRejections(faces: [imranFace], person: library.imran)
                let report = try await people.accept(faces: [imranFace], for: library.imran)
                #expect(report.action == "accept")
                let face = try await people.face(imranFace)
                #expect(face.face.personId == library.imran && face.face.isUserVerified)
                await #expect(throws: PeopleError.invalidCursor) { _ = try await people.review(library.imran, after: "garbage", limit: 10) }
            }
        }
    }

    @Test("'likely wrong' puts a stranger's face first; merge suggestions pair a split person and forget 'different'", arguments: TestBackends.all)
    func likelyWrongAndMergeSuggestions(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            try await withFaceStore(database.location) { store in
                let people = try PeopleService(store: store, actor: "test")
                let jenny = library.faces["Jenny.jpg"]!
                _ = try await people.move(faces: [jenny], to: .person(library.hamid))
                let wrong = try await people.likelyWrong(library.hamid, after: nil, limit: 10)
                #expect(wrong.items.first?.face.id == jenny, "\(wrong.items.map { ($0.face.id, $0.similarity) })")
                #expect(wrong.items.count == 3)

                // Shaista Lodhi split in two machine-made persons: a suggestion.
                let split = try await people.move(faces: [library.faces["lodhi.jpg"]!], to: .newPerson(name: nil))
                let other = try #require(split.personId)
                let suggestions = try await people.mergeSuggestions(after: nil, limit: 10)
                let pair = PersonPair(library.shaista, other)
                let found = suggestions.items.first { PersonPair($0.first.id, $0.second.id) == pair }
                #expect(found != nil, "\(suggestions.items.map { ($0.first.id, $0.second.id, $0.similarity) })")
                #expect(suggestions.items.allSatisfy { $0.similarity >= PeopleService.mergeMinSimilarity })
                // Two user-named persons are never suggested: Hamid Mir and Imran Khan.
                #expect(!suggestions.items.contains { PersonPair($0.first.id, $0.second.id) == PersonPair(library.hamid, library.imran) })
                _ = try await people.markDifferent(library.shaista, other)
                #expect(!(try await people.mergeSuggestions(after: nil, limit: 10)).items.contains { PersonPair($0.first.id, $0.second.id) == pair })
            }
        }
    }

    @Test("photos of two persons together show every face on them, named", arguments: TestBackends.all)
    func photosTogether(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            try await withFaceStore(database.location) { store in
                let people = try PeopleService(store: store, actor: "test")
                // A second face of a person's photo goes to another person: one photo shows both.
                let (first, second) = try await SeededLibrary.sharedPhoto(store, data: database.dataDirectory)
                _ = try await people.move(faces: [first], to: .person(library.hamid))
                _ = try await people.move(faces: [second], to: .person(library.imran))
                let both = try await people.photos(with: [library.hamid, library.imran])
                #expect(both.items.count == 1 && both.persons.map(\.id) == [library.hamid, library.imran])
                let names = Set(both.items[0].faces.compactMap(\.name))
                #expect(names == ["Hamid Mir", "Imran Khan"], "\(both.items)")
                #expect(both.items[0].faces.count >= 2)
                #expect(try await people.photos(with: [library.hamid]).items.count == 3, "his two photos and the group photo")
                #expect(try await people.resolvePerson("hamid mir") == library.hamid)
                #expect(try await people.resolvePerson("Hamid Mir (#\(library.hamid))") == library.hamid)
                #expect(try await people.resolvePerson(String(library.imran)) == library.imran)
                await #expect(throws: PeopleError.self) { _ = try await people.resolvePerson("Nobody At All") }
            }
        }
    }
}
