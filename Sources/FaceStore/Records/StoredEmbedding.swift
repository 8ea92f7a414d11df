import Foundation

/// What matching and clustering load for every embedded face.
public struct StoredEmbedding: Sendable, Equatable {
    public var faceId: Int64
    public var personId: Int64?
    public var vector: [Float]
    /// Two faces of one media item are different people.
    public var mediaItemId: Int64
    /// The embedding's norm before normalisation (low for blurred or tiny faces).
    public var quality: Double?
    /// A user put this face where it is; automatic steps never move it.
    public var isUserVerified: Bool
    /// Detector score, box size in pixels and landmarks: with `quality`, what the quality gate reads.
    public var score: Double?
    public var faceSize: Int?
    public var landmarks: [Float]?
    /// Share of the face's crop outside the picture: the photo's edge cuts the face (nil: not measured).
    public var frameCut: Double?

    public init(faceId: Int64, personId: Int64?, vector: [Float], mediaItemId: Int64, quality: Double?,
                isUserVerified: Bool, score: Double? = nil, faceSize: Int? = nil, landmarks: [Float]? = nil,
                frameCut: Double? = nil) {
        self.faceId = faceId; self.personId = personId; self.vector = vector; self.mediaItemId = mediaItemId
        self.quality = quality; self.isUserVerified = isUserVerified
        self.score = score; self.faceSize = faceSize; self.landmarks = landmarks
        self.frameCut = frameCut
    }
}
