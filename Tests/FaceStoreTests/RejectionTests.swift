import Foundation
import Testing
import FaceStore
import StoreTestSupport

@Suite("Rejections: not this person")
struct RejectionTests {
    @Test("reject unassigns the face, remembers the person, writes history, and is idempotent", arguments: TestBackends.all)
    func rejectAndRemember(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let faces = try await addCompleted(store, "/p/a.jpg", faces: [newFace(1), newFace(2), newFace(3)])
            let a = try await store.createPerson(name: nil)
            let b = try await store.createPerson(name: "Bea")
            try await store.assign(faces: [faces[0], faces[1]], to: a.id, reason: .cluster, actor: "frs")
            try await store.assign(faces: [faces[2]], to: b.id, reason: .user, actor: "ann")
            try await store.setVerified(faces: [faces[0]], verified: true)

            try await store.reject(faces: [faces[0]], from: a.id, actor: "ann")
            try await store.reject(faces: [faces[0]], from: a.id, actor: "ann")  // again: still one rejection
            // A face that is elsewhere: the rejection is recorded, the face stays where it is.
            try await store.reject(faces: [faces[2]], from: a.id, actor: "ann")

            #expect(try await store.faces(person: a.id).map(\.id) == [faces[1]])
            let rejectedFace = try #require(try await store.faces(item: try await store.faces(person: a.id)[0].mediaItemId)
                .first { $0.id == faces[0] })
            #expect(rejectedFace.personId == nil && !rejectedFace.isUserVerified, "a rejected face is unassigned and unconfirmed")
            #expect(try await store.faces(person: b.id).map(\.id) == [faces[2]])
            #expect(Set(try await store.rejections()) == [FaceRejection(faceId: faces[0], personId: a.id),
                                                           FaceRejection(faceId: faces[2], personId: a.id)])
            let history = try await store.assignments(face: faces[0])
            #expect(history.map(\.reason) == [.cluster, .reject, .reject])
            #expect(history[1].fromPersonId == a.id && history[1].toPersonId == nil && history[1].actor == "ann")
            let elsewhere = try await store.assignments(face: faces[2]).last
            #expect(elsewhere?.reason == .reject && elsewhere?.fromPersonId == a.id && elsewhere?.toPersonId == b.id)

            try await store.forgetRejections(faces: [faces[2]], person: a.id)
            #expect(try await store.rejections() == [FaceRejection(faceId: faces[0], personId: a.id)])
        }
    }

    @Test("a bad id writes nothing; merging carries rejections to the target; deleting the person drops them", arguments: TestBackends.all)
    func rejectErrorsMergeDelete(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let faces = try await addCompleted(store, "/p/b.jpg", faces: [newFace(1), newFace(2)])
            let a = try await store.createPerson(name: nil)
            let b = try await store.createPerson(name: nil)
            try await store.assign(faces: faces, to: a.id, reason: .cluster, actor: "frs")

            await expectStoreError(.notFound) { try await store.reject(faces: [faces[0], 999_999], from: a.id, actor: "ann") }
            await expectStoreError(.notFound) { try await store.reject(faces: [faces[0]], from: 999_999, actor: "ann") }
            #expect(try await store.rejections().isEmpty, "a failed reject records nothing")
            #expect(try await store.faces(person: a.id).count == 2, "a failed reject moves nothing")

            try await store.reject(faces: [faces[0]], from: a.id, actor: "ann")
            try await store.merge([a.id], into: b.id, actor: "ann")
            #expect(try await store.rejections() == [FaceRejection(faceId: faces[0], personId: b.id)],
                    "the merged person is the same person: the face is still not them")
            try await store.deletePerson(b.id, actor: "ann")
            #expect(try await store.rejections().isEmpty)
        }
    }
}
