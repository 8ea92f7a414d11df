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
}
