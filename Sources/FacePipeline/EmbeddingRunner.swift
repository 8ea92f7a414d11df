import FaceStore
import FaceVision
import Foundation
import Logging

/// `frs embed`: computes the FaceNet embedding of every stored face that has none (faces found by
/// `frs detect` alone, or written by another system), photo by photo, in batches; then re-embeds,
/// in place, the faces FaceNet embedded under another of its tags (`embedding_flip` changed), so
/// that every face is compared in one vector space. Re-embedding changes only the vector, its tag
/// and quality: persons, names, confirmations and rejections stay as they are.
public struct EmbeddingRunner: Sendable {
    public struct Summary: Sendable, Equatable {
        public var faces = 0
        /// Of `faces`, those that had an embedding of another FaceNet tag before.
        public var reembedded = 0
        public var photos = 0
        /// Faces whose photo could not be read now; they are tried again next time.
        public var skipped = 0
    }

    let store: any FaceStore
    let facenet: FaceNet
    let pathMapping: PathMapping
    let stop: StopSignal
    let logger: Logger

    public init(store: any FaceStore, facenet: FaceNet, pathMapping: PathMapping = PathMapping(), stop: StopSignal = StopSignal(),
                logger: Logger = Logger(label: "frs.embed")) {
        self.store = store
        self.facenet = facenet
        self.pathMapping = pathMapping
        self.stop = stop
        self.logger = logger
    }

    public func run(onPhoto: @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        try await embed(pages: { try await store.facesWithoutEmbedding(afterFaceId: $0, limit: 512) }, into: &summary, onPhoto: onPhoto)
        for stale in FaceNet.modelTags where stale != facenet.modelTag {
            let before = summary.faces
            try await embed(pages: { try await store.facesEmbedded(model: stale, afterFaceId: $0, limit: 512) }, into: &summary, onPhoto: onPhoto)
            summary.reembedded += summary.faces - before
            if summary.faces > before {
                logger.info("re-embedded faces of another embedding model", metadata: [
                    "from": "\(stale)", "to": "\(facenet.modelTag)", "faces": "\(summary.faces - before)"])
            }
        }
        return summary
    }

    /// Embeds the faces `pages` hands out (a page after the last face id seen), photo by photo.
    private func embed(pages: (Int64) async throws -> [FaceLocation], into summary: inout Summary,
                       onPhoto: @Sendable (Int) -> Void) async throws {
        var last: Int64 = 0
        // Faces come in id order, so a video's frames come in order: one reader reads forward.
        let reader = MediaReader()
        while !stop.isStopped {
            let page = try await pages(last)
            guard let tail = page.last else { break }
            last = tail.faceId
            // One decode per photo or video frame; pages are by face id, so its faces sit together.
            for faces in Dictionary(grouping: page, by: \.mediaItemId).values.sorted(by: { $0[0].faceId < $1[0].faceId }) {
                let located = faces.compactMap { face in face.box.map { (face.faceId, $0) } }
                let local = pathMapping.localPath(for: faces[0].mediaPath)
                let frame = faces[0].frameNumber
                let facenet = self.facenet
                do {
                    let vectors = try await offloaded { () -> [FaceEmbedding] in
                        let image = try reader.image(path: local, frame: frame)
                        let boxes = located.map { DetectedFace(stored: $0.1) }
                        return try facenet.embed(boxes, in: image)
                    }
                    try await store.setEmbeddings(zip(located, vectors).map { face, embedding in
                        EmbeddingUpdate(faceId: face.0, vector: embedding.vector, model: facenet.modelTag, quality: Double(embedding.quality))
                    })
                    summary.faces += vectors.count
                    summary.photos += 1
                    onPhoto(vectors.count)
                } catch let error as VisionError {
                    summary.skipped += faces.count
                    logger.warning("cannot embed faces of photo", metadata: ["path": "\(local)", "faces": "\(faces.count)", "reason": "\(error)"])
                }
            }
        }
    }
}
