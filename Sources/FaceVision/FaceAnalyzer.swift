import Foundation

/// Detection and embedding together: the five-minute API.
///
/// ```swift
/// let analyzer = try FaceAnalyzer(models: ModelStore(directory: modelsFolder))   // installs models on first use
/// let image = try Image(contentsOf: photoURL)
/// let faces = try analyzer.faces(in: image)              // boxes, scores, landmarks
/// let embeddings = try analyzer.embeddings(of: faces, in: image)
/// let same = embeddings[0].similarity(to: other) >= FaceNet.samePersonThreshold
/// ```
public final class FaceAnalyzer: @unchecked Sendable {
    public let detector: RetinaFace
    public let engine: InferenceEngine
    private let embedderModel: URL
    private let embedderBatchSize: Int
    private let embedderFlip: Bool
    private let lock = NSLock()
    private var loadedEmbedder: FaceNet?

    /// `engine` nil: OpenVINO from `models` when it is installed, else OpenCV (a notice goes to `progress`).
    /// `flip`: FaceNet averages each face with its mirror image (`FaceNet.flip`).
    public init(models: ModelStore, detectorOptions: RetinaFace.Options = .init(), batchSize: Int = 8, flip: Bool = FaceNet.defaultFlip,
                engine: InferenceEngine? = nil, progress: (String) -> Void = { _ in }) throws {
        let engine = try engine ?? InferenceEngine.select(.auto, precision: .auto, models: models, notice: progress)
        self.engine = engine
        detector = try RetinaFace(modelURL: models.ensure(.retinaFace, progress: progress), options: detectorOptions, engine: engine)
        // FaceNet is 94 MB: make sure it is there now, but load it only when first needed.
        embedderModel = try models.ensure(.faceNet, progress: progress)
        embedderBatchSize = batchSize
        embedderFlip = flip
    }

    public var embedder: FaceNet {
        get throws {
            lock.lock()
            defer { lock.unlock() }
            if let loadedEmbedder { return loadedEmbedder }
            let facenet = try FaceNet(modelURL: embedderModel, batchSize: embedderBatchSize, flip: embedderFlip, engine: engine)
            loadedEmbedder = facenet
            return facenet
        }
    }

    public func faces(in image: Image) throws -> [DetectedFace] { try detector.detect(in: image) }

    public func embeddings(of faces: [DetectedFace], in image: Image) throws -> [FaceEmbedding] {
        try embedder.embed(faces, in: image)
    }
}
