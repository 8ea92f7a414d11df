import Foundation
import Testing
import FaceStore
import StoreTestSupport

@Suite("Work queue")
struct WorkQueueTests {
    @Test("claims take leases and skip leased items", arguments: TestBackends.all)
    func claimWithLeases(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            for n in 1...5 { try await addItem(store, "/p/\(n).jpg") }
            #expect(try await store.itemsNeedingWork(limit: 10, includeFailed: false).count == 5)

            let first = try await store.claim(owner: "w1", limit: 2, leaseSeconds: 60)
            #expect(first.count == 2)
            #expect(first.allSatisfy { $0.leaseOwner == "w1" && $0.attempts == 1 && $0.leaseExpiresAt != nil })
            #expect(first.map(\.path) == ["/p/1.jpg", "/p/2.jpg"])
            #expect(first.first?.kind == .image)

            let second = try await store.claim(owner: "w2", limit: 10, leaseSeconds: 60)
            #expect(second.map(\.path) == ["/p/3.jpg", "/p/4.jpg", "/p/5.jpg"])
            #expect(try await store.claim(owner: "w3", limit: 10, leaseSeconds: 60).isEmpty)
            #expect(try await store.statusCounts() == StatusCounts(leased: 5))
            #expect(try await store.itemsNeedingWork(limit: 10, includeFailed: false).isEmpty)

            try await store.renewLease(item: first[0].id, owner: "w1", leaseSeconds: 120)
            await expectStoreError(.leaseLost) {
                try await store.renewLease(item: first[0].id, owner: "w2", leaseSeconds: 120)
            }
        }
    }

    @Test("4 workers on separate connections complete 200 items exactly once", arguments: TestBackends.all)
    func concurrentWorkers(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, database in
            for n in 0..<200 { try await addItem(store, "/bulk/\(n).jpg") }
            let completed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        let owner = "worker-\(worker)"
                        let own = try await database.openStore(migrate: false)
                        var done: [Int64] = []
                        do {
                            while true {
                                let items = try await own.claim(owner: owner, limit: 5, leaseSeconds: 120)
                                if items.isEmpty { break }
                                for item in items {
                                    // The vector records which item the face belongs to.
                                    _ = try await own.complete(item: item.id, owner: owner,
                                                               faces: [newFace(1, embedding: [Float(item.id), 1])])
                                    done.append(item.id)
                                }
                            }
                        } catch {
                            try? await own.close()
                            throw error
                        }
                        try await own.close()
                        return done
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(completed.count == 200)
            #expect(Set(completed).count == 200, "an item was completed twice")
            #expect(try await store.statusCounts() == StatusCounts(done: 200))
            let embeddings = try await store.embeddings()
            #expect(embeddings.count == 200, "each item must have exactly one face")
            #expect(Set(embeddings.map { Int64($0.vector[0]) }) == Set(completed))
        }
    }

    @Test("an expired lease is reclaimed and the old owner loses it", arguments: TestBackends.all)
    func expiredLease(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let itemId = try await addItem(store, "/p/slow.jpg")
            // Only "expired after the lease time" is asserted here; that a live lease blocks other
            // claimers is covered with long leases above, so a slow machine cannot make this flaky.
            let first = try await store.claim(owner: "slow", limit: 1, leaseSeconds: 0.3)
            #expect(first.map(\.id) == [itemId])

            try await Task.sleep(for: .milliseconds(500))
            #expect(try await store.statusCounts() == StatusCounts(pending: 1))
            let second = try await store.claim(owner: "fast", limit: 1, leaseSeconds: 60)
            #expect(second.map(\.id) == [itemId])
            #expect(second.first?.attempts == 2)

            let error = await expectStoreError(.leaseLost) {
                _ = try await store.complete(item: itemId, owner: "slow", faces: [newFace(1)])
            }
            #expect(error?.operation == "complete" && error?.id == itemId && error?.backend == backend)
            #expect(try await store.faces(item: itemId).isEmpty, "a lost lease must write nothing")
            await expectStoreError(.leaseLost) {
                try await store.renewLease(item: itemId, owner: "slow", leaseSeconds: 60)
            }
            await expectStoreError(.leaseLost) {
                try await store.fail(item: itemId, owner: "slow", error: "late")
            }
            #expect(try await store.complete(item: itemId, owner: "fast", faces: [newFace(1)]).count == 1)
        }
    }

    @Test("complete after the item was re-queued writes nothing", arguments: TestBackends.all)
    func completeAfterRequeue(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let info = mediaInfo("/p/edited.jpg")
            guard case .added(_, let itemId) = try await store.addMedia(info) else { return }
            _ = try await store.claim(owner: "w1", limit: 1, leaseSeconds: 60)
            var edited = info
            edited.size += 1
            _ = try await store.addMedia(edited)
            await expectStoreError(.leaseLost) {
                _ = try await store.complete(item: itemId, owner: "w1", faces: [newFace(1), newFace(2)])
            }
            #expect(try await store.faces(item: itemId).isEmpty)
            #expect(try await store.statusCounts() == StatusCounts(pending: 1))
            await expectStoreError(.notFound) {
                _ = try await store.complete(item: 999_999, owner: "w1", faces: [])
            }
        }
    }

    @Test("complete replaces leftovers and a second run adds no duplicates", arguments: TestBackends.all)
    func completeIsIdempotent(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, database in
            let itemId = try await addItem(store, "/p/crash.jpg")
            _ = try await store.claim(owner: "w1", limit: 1, leaseSeconds: 60)
            // A face left behind by an earlier run that died before marking the item done.
            try await database.executeRaw("""
                INSERT INTO "Faces" ("MediaItemId", "BoundingBox")
                SELECT i."Id", '1,2,3,4' FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE f."FilePath" = '/p/crash.jpg'
                """)
            #expect(try await store.faces(item: itemId).count == 1)

            let ids = try await store.complete(item: itemId, owner: "w1", faces: [newFace(1), newFace(2)])
            let faces = try await store.faces(item: itemId)
            #expect(faces.map(\.id) == ids)
            #expect(faces.map(\.thumbnailName) == ids.map { "\($0).jpg" })
            #expect(faces[0].box == newFace(1).box && faces[0].landmarks == newFace(1).landmarks)
            #expect(faces[0].score == 0.9 && faces[0].faceSize == 40 && !faces[0].isUserVerified)

            await expectStoreError(.leaseLost) {
                _ = try await store.complete(item: itemId, owner: "w1", faces: [newFace(1), newFace(2)])
            }
            #expect(try await store.faces(item: itemId).map(\.id) == ids)
            #expect(try await store.statusCounts() == StatusCounts(done: 1))
        }
    }

    @Test("rows written by the original system with only its columns are processed", arguments: TestBackends.all)
    func legacyRows(_ backend: StoreBackend) async throws {
        // T-SQL has no boolean literals; BIT takes 0 and 1.
        let (no, yes) = backend == .sqlServer ? ("0", "1") : ("FALSE", "TRUE")
        try await withStore(backend) { store, database in
            try await database.executeRaw("""
                INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension")
                VALUES ('/legacy/new.jpg', 'new.jpg', 'jpg'), ('/legacy/old.jpg', 'old.jpg', 'jpg')
                """)
            try await database.executeRaw("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted")
                SELECT "Id", "FileName", NULL, \(no) FROM "MediaFile" WHERE "FilePath" = '/legacy/new.jpg'
                """)
            try await database.executeRaw("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted")
                SELECT "Id", "FileName", NULL, \(yes) FROM "MediaFile" WHERE "FilePath" = '/legacy/old.jpg'
                """)
            #expect(try await store.statusCounts() == StatusCounts(pending: 1, done: 1))

            let claimed = try await store.claim(owner: "w1", limit: 10, leaseSeconds: 60)
            #expect(claimed.map(\.path) == ["/legacy/new.jpg"])
            #expect(claimed.first?.kind == nil && claimed.first?.attempts == 1)
            _ = try await store.complete(item: claimed[0].id, owner: "w1", faces: [newFace(1)])
            #expect(try await store.statusCounts() == StatusCounts(done: 2))

            // `frs add` on a legacy file fills in its metadata and keeps its results.
            let old = try #require(try await store.mediaFile(path: "/legacy/old.jpg"))
            #expect(try await store.addMedia(mediaInfo("/legacy/old.jpg")) == .unchanged(fileId: old.id))
            #expect(try await store.mediaFile(path: "/legacy/old.jpg")?.contentHash == mediaInfo("/x").contentHash)
            #expect(try await store.statusCounts() == StatusCounts(done: 2))
        }
    }

    @Test("failed items are kept out until retried", arguments: TestBackends.all)
    func failAndRetry(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let itemId = try await addItem(store, "/p/broken.jpg")
            _ = try await store.claim(owner: "w1", limit: 1, leaseSeconds: 60)
            await expectStoreError(.leaseLost) {
                try await store.fail(item: itemId, owner: "w2", error: "not mine")
            }
            try await store.fail(item: itemId, owner: "w1", error: String(repeating: "decoder exploded ", count: 500))
            #expect(try await store.statusCounts() == StatusCounts(failed: 1))
            #expect(try await store.claim(owner: "w1", limit: 1, leaseSeconds: 60).isEmpty)
            #expect(try await store.itemsNeedingWork(limit: 10, includeFailed: true).map(\.id) == [itemId])

            let retried = try await store.claim(owner: "w2", limit: 1, leaseSeconds: 60, retryFailed: true)
            #expect(retried.map(\.id) == [itemId])
            #expect(retried.first?.attempts == 2)
            #expect(try await store.statusCounts() == StatusCounts(leased: 1))
            _ = try await store.complete(item: itemId, owner: "w2", faces: [])
            #expect(try await store.statusCounts() == StatusCounts(done: 1))
        }
    }
}
