import Foundation

/// A face found by the detector, handed to `complete`.
public struct NewFace: Sendable, Equatable {
    public var box: BoundingBox
    public var score: Double?
    /// Five (x, y) points, 10 floats.
    public var landmarks: [Float]?
    /// Face size in pixels (the detector's measure, e.g. the shorter box side).
    public var faceSize: Int?
    public var frameNumber: Int?
    /// Present when detection and embedding run in one pass.
    public var embedding: [Float]?
    public var embeddingModel: String?
    /// Defaults to the L2 norm of `embedding` when nil.
    public var quality: Double?
    /// Share of the face's crop outside the picture (`FaceNet.frameCut`); nil: not measured.
    public var frameCut: Double?

    public init(box: BoundingBox, score: Double? = nil, landmarks: [Float]? = nil, faceSize: Int? = nil,
                frameNumber: Int? = nil, embedding: [Float]? = nil, embeddingModel: String? = nil,
                quality: Double? = nil, frameCut: Double? = nil) {
        self.box = box
        self.score = score
        self.landmarks = landmarks
        self.faceSize = faceSize
        self.frameNumber = frameNumber
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.quality = quality
        self.frameCut = frameCut
    }
}
