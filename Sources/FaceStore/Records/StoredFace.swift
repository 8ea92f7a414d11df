import Foundation

/// A `Faces` row.
public struct StoredFace: Sendable, Equatable {
    public var id: Int64
    public var mediaItemId: Int64
    public var personId: Int64?
    public var box: BoundingBox?
    /// `Faces.Name`: the thumbnail's file name.
    public var thumbnailName: String?
    public var frameNumber: Int?
    public var isUserVerified: Bool
    public var score: Double?
    public var landmarks: [Float]?
    public var faceSize: Int?
    public var embedding: [Float]?
    public var embeddingModel: String?
    public var quality: Double?
    /// Share of the face's crop outside the picture (`NewFace.frameCut`); nil: not measured.
    public var frameCut: Double?
}
