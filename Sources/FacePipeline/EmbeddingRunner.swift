import FaceStore
import FaceVision
import Foundation
import Logging

/// `frs embed`: computes the FaceNet embedding of every stored face that has none (faces found by
/// `frs detect` alone, or written by another system), photo by photo, in batches.
public struct EmbeddingRunner: Sendable {
    public struct Summary: Sendable, Equatable {
        public var faces = 0
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
        var last: Int64 = 0
        // Faces come in id order, so a video's frames come in order: one reader reads forward.
        let reader = MediaReader()
        while !stop.isStopped {
            let page = try await store.facesWithoutEmbedding(afterFaceId: last, limit: 512)
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
                        EmbeddingUpdate(faceId: face.0, vector: embedding.vector, model: FaceNet.modelTag, quality: Double(embedding.quality))
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
        return summary
    }
}
