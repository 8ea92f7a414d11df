import Foundation
import Testing
import FaceStore
import StoreTestSupport

@Suite("Persons")
struct PersonTests {
    @Test("person numbers never restart or get reused after deletes", arguments: TestBackends.all)
    func stableNumbers(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let first = [try await store.createPerson(name: nil), try await store.createPerson(name: nil),
                         try await store.createPerson(name: nil)]
            #expect(first.map(\.number) == [1, 2, 3])
            #expect(first.map(\.name) == ["Unknown-1", "Unknown-2", "Unknown-3"])
            #expect(first.allSatisfy { !$0.isUserNamed && !$0.isHidden })

            try await store.deletePerson(first[2].id, actor: "frs")
            #expect(try await store.createPerson(name: nil).number == 4)
            for summary in try await store.persons(includeHidden: true) {
                try await store.deletePerson(summary.person.id, actor: "frs")
            }
            #expect(try await store.persons(includeHidden: true).isEmpty)
            let named = try await store.createPerson(name: "Alice")
            #expect(named.number == 5 && named.name == "Alice" && named.isUserNamed)
            #expect(try await store.person(id: named.id) == named)
        }
    }

    @Test("the assignment version changes with every change of who has which embedded face, and only then", arguments: TestBackends.all)
    func assignmentVersion(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let empty = try await store.assignmentVersion()
            #expect(empty == AssignmentVersion(lastAssignment: 0, lastFace: 0, assignedFaces: 0, assignedWithoutEmbedding: 0))
            let vector = [Float](repeating: 0.25, count: 16)
            let faces = try await addCompleted(store, "/p/a.jpg", faces: [newFace(1, embedding: vector), newFace(2, embedding: vector), newFace(3)])
            var seen = [try await store.assignmentVersion()]
            #expect(seen[0] != empty, "new faces")
            func expectChanged(_ what: String) async throws {
                let now = try await store.assignmentVersion()
                #expect(!seen.contains(now), "\(what) must change the version")
                seen.append(now)
            }
            let a = try await store.createPerson(name: nil)
            let b = try await store.createPerson(name: nil)
            try await store.assign(faces: [faces[0], faces[1]], to: a.id, reason: .cluster, actor: "frs")
            try await expectChanged("assigning")
            try await store.assign(faces: [faces[1]], to: b.id, reason: .user, actor: "test")
            try await expectChanged("moving a face")
            try await store.assign(faces: [faces[2]], to: b.id, reason: .user, actor: "test")
            try await expectChanged("assigning a face without embedding")
            try await store.setEmbeddings([EmbeddingUpdate(faceId: faces[2], vector: vector, model: "arcface-r100")])
            try await expectChanged("embedding an assigned face")
            try await store.merge([b.id], into: a.id, actor: "test")
            try await expectChanged("merging")
            try await store.deletePerson(a.id, actor: "test")
            try await expectChanged("deleting a person")
            // Names and hiding are read fresh on every search: they need not change it.
            let c = try await store.createPerson(name: nil)
            try await store.rename(person: c.id, to: "Carol")
            #expect(try await store.assignmentVersion() == seen.last)
        }
    }

    @Test("assign, rename, merge and delete write history", arguments: TestBackends.all)
    func assignMergeHistory(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let faces = try await addCompleted(store, "/p/group.jpg", faces: [newFace(1), newFace(2), newFace(3)])
            let fileId = try #require(try await store.mediaFile(path: "/p/group.jpg")).id
            let a = try await store.createPerson(name: nil)
            let b = try await store.createPerson(name: nil)

            try await store.assign(faces: [faces[0], faces[1]], to: a.id, reason: .cluster, actor: "frs")
            try await store.assign(faces: [faces[2]], to: b.id, reason: .match, actor: "frs")
            try await store.assign(faces: [faces[0]], to: a.id, reason: .cluster, actor: "frs") // no move, no row
            #expect(try await store.faces(person: a.id).map(\.id) == [faces[0], faces[1]])
            let firstHistory = try await store.assignments(face: faces[0])
            #expect(firstHistory.count == 1)
            #expect(firstHistory.first?.fromPersonId == nil && firstHistory.first?.toPersonId == a.id)
            #expect(firstHistory.first?.reason == .cluster && firstHistory.first?.actor == "frs")

            try await store.rename(person: b.id, to: "Bob")
            #expect(try await store.person(id: b.id)?.isUserNamed == true)
            try await store.setBirthDate(person: b.id, CalendarDay(year: 1961, month: 8, day: 4))

            try await store.merge([b.id], into: a.id, actor: "alice")
            #expect(try await store.person(id: b.id) == nil)
            let merged = try #require(try await store.person(id: a.id))
            #expect(merged.name == "Bob" && merged.isUserNamed, "an unnamed target takes the user-given name")
            #expect(merged.birthDate == CalendarDay(year: 1961, month: 8, day: 4), "and the birth date it lacks")
            #expect(try await store.faces(person: a.id).map(\.id) == faces)
            let moved = try await store.assignments(face: faces[2])
            #expect(moved.map(\.reason) == [.match, .merge])
            #expect(moved.last?.fromPersonId == b.id && moved.last?.toPersonId == a.id && moved.last?.actor == "alice")

            let summaries = try await store.persons(includeHidden: false)
            #expect(summaries.count == 1)
            #expect(summaries.first?.faceCount == 3 && summaries.first?.photoCount == 1)

            try await store.setPortrait(person: a.id, face: faces[1])
            let portrait = try await store.person(id: a.id)
            #expect(portrait?.portraitFaceId == faces[1] && portrait?.portraitMediaFileId == fileId)
            try await store.setHidden(person: a.id, hidden: true)
            #expect(try await store.persons(includeHidden: false).isEmpty)
            #expect(try await store.persons(includeHidden: true).count == 1)

            try await store.setVerified(faces: [faces[0]], verified: true)
            #expect(try await store.faces(item: try #require(try await store.faces(person: a.id).first).mediaItemId)
                .map(\.isUserVerified) == [true, false, false])

            try await store.deletePerson(a.id, actor: "alice")
            #expect(try await store.faces(person: a.id).isEmpty)
            let unassigned = try await store.assignments(face: faces[0])
            #expect(unassigned.last?.reason == .deletePerson && unassigned.last?.toPersonId == nil)
            #expect(unassigned.last?.fromPersonId == a.id)

            await expectStoreError(.notFound) {
                try await store.assign(faces: [faces[0]], to: 424_242, reason: .user, actor: "alice")
            }
            await expectStoreError(.notFound) { try await store.rename(person: 424_242, to: "Nobody") }
        }
    }
}
