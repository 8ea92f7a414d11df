import Foundation
import Testing
import FaceStore
import StoreTestSupport

@Suite("Media (frs add)")
struct MediaTests {
    @Test("add new, unchanged and changed files", arguments: TestBackends.all)
    func addNewUnchangedChanged(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let info = mediaInfo("/photos/2024/IMG_0001.JPG")
            guard case .added(let fileId, let itemId) = try await store.addMedia(info) else {
                Issue.record("first add must report .added")
                return
            }
            let file = try #require(try await store.mediaFile(path: info.path))
            #expect(file.id == fileId)
            #expect(file.fileName == "IMG_0001.JPG" && file.fileExtension == "jpg")
            #expect(file.size == 1000 && file.contentHash == info.contentHash && file.kind == .image)
            #expect(file.mtime == info.mtime, "mtime must round-trip exactly, sub-millisecond part included")
            #expect(file.width == 640 && file.height == 480)

            #expect(try await store.addMedia(info) == .unchanged(fileId: fileId))

            // Process it, then change the file: faces go, the item is pending again.
            _ = try await store.claim(owner: "w1", limit: 10, leaseSeconds: 60)
            let faceIds = try await store.complete(item: itemId, owner: "w1", faces: [newFace(1), newFace(2)])
            #expect(faceIds.count == 2)
            #expect(try await store.statusCounts() == StatusCounts(done: 1))
            #expect(try await store.addMedia(info) == .unchanged(fileId: fileId))

            var changed = info
            changed.size = 2000
            changed.contentHash = String(repeating: "cd", count: 32)
            // The deleted faces' thumbnail names come back, so that the caller deletes the files.
            let outcome = try await store.addMedia(changed)
            guard case .changed(let changedId, let removed) = outcome else {
                Issue.record("a changed file must be reported as changed, got \(outcome)")
                return
            }
            #expect(changedId == fileId)
            #expect(Set(removed) == Set(faceIds.map { "\($0).jpg" }))
            #expect(try await store.faces(item: itemId).isEmpty)
            #expect(try await store.statusCounts() == StatusCounts(pending: 1))
            #expect(try await store.mediaFile(path: info.path)?.size == 2000)
            let again = try await store.claim(owner: "w2", limit: 10, leaseSeconds: 60)
            #expect(again.map(\.id) == [itemId])
            #expect(again.first?.attempts == 1, "a re-queued item starts counting attempts anew")

            // A touched file (only mtime differs, the content hash is the same) keeps its faces, and the
            // persons and confirmations on them: only the stored mtime follows the disk.
            let kept = try await store.complete(item: itemId, owner: "w2", faces: [newFace(3)])
            var touched = changed
            touched.mtime = changed.mtime.addingTimeInterval(1)
            #expect(try await store.addMedia(touched) == .unchanged(fileId: fileId))
            #expect(try await store.faces(item: itemId).map(\.id) == kept)
            #expect(try await store.mediaFile(path: info.path)?.mtime == touched.mtime)
            #expect(try await store.statusCounts() == StatusCounts(done: 1))
        }
    }

    @Test("files are found by content hash across paths", arguments: TestBackends.all)
    func lookupByHash(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let hash = String(repeating: "0f", count: 32)
            let first = try await store.addMedia(mediaInfo("/a/one.jpg", hash: hash))
            let second = try await store.addMedia(mediaInfo("/b/copy of one.jpg", hash: hash))
            _ = try await store.addMedia(mediaInfo("/c/other.png", hash: String(repeating: "11", count: 32)))
            let same = try await store.mediaFiles(contentHash: hash)
            #expect(same.map(\.id) == [first.fileId, second.fileId])
            #expect(same.map(\.path) == ["/a/one.jpg", "/b/copy of one.jpg"])
            #expect(try await store.mediaFiles(contentHash: "none").isEmpty)
            #expect(try await store.mediaFile(path: "/nowhere.jpg") == nil)
        }
    }
}
