import Foundation
import StoreTestSupport
import Testing
@testable import FaceStore

// MARK: - Fixtures

let fixedMTime = Date(timeIntervalSince1970: 1_700_000_000.123456)

func mediaInfo(_ path: String, size: Int64 = 1000, mtime: Date = fixedMTime, hash: String? = nil,
               kind: MediaKind = .image) -> MediaFileInfo {
    MediaFileInfo(path: path, size: size, mtime: mtime, contentHash: hash ?? String(repeating: "ab", count: 32),
                  kind: kind, width: 640, height: 480)
}

func newFace(_ n: Int, embedding: [Float]? = nil) -> NewFace {
    let x = Double(n) * 10
    return NewFace(box: BoundingBox(x1: x, y1: 5.5, x2: x + 40.25, y2: 60), score: 0.9,
                   landmarks: (0..<10).map { Float($0) + 0.5 }, faceSize: 40, embedding: embedding,
                   embeddingModel: embedding == nil ? nil : "arcface-r100")
}

/// Adds one file and returns its item id.
@discardableResult
func addItem(_ store: any FaceStore, _ path: String) async throws -> Int64 {
    guard case .added(_, let itemId) = try await store.addMedia(mediaInfo(path)) else {
        throw TestSetupError(description: "\(path) was not new")
    }
    return itemId
}

/// Adds a file, claims and completes it with `faces`; returns the face ids.
func addCompleted(_ store: any FaceStore, _ path: String, faces: [NewFace]) async throws -> [Int64] {
    let itemId = try await addItem(store, path)
    let claimed = try await store.claim(owner: "setup", limit: 100, leaseSeconds: 60)
    #expect(claimed.contains { $0.id == itemId })
    for item in claimed where item.id != itemId {
        try await store.fail(item: item.id, owner: "setup", error: "not part of this fixture")
    }
    return try await store.complete(item: itemId, owner: "setup", faces: faces)
}

/// Asserts that `body` throws a FaceStoreError with `reason`, and returns it.
@discardableResult
func expectStoreError(_ reason: FaceStoreError.Reason, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> FaceStoreError? {
    do {
        try await body()
        Issue.record("expected FaceStoreError.\(reason), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FaceStoreError {
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected FaceStoreError.\(reason), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
