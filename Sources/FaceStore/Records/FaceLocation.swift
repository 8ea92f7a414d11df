import Foundation

/// Where a face is: its media file, box and thumbnail; what the embedder needs to crop it.
public struct FaceLocation: Sendable, Equatable {
    public var faceId: Int64
    public var mediaItemId: Int64
    public var mediaPath: String
    public var frameNumber: Int?
    public var box: BoundingBox?
    public var landmarks: [Float]?
    public var thumbnailName: String?
    public var personId: Int64?
    public var score: Double?
    /// When its photo or video was taken; nil when unknown.
    public var capturedAt: CaptureTime? = nil
}
