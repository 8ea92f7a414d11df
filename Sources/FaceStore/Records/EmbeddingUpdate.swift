import Foundation

/// One embedding to store with `setEmbeddings`.
public struct EmbeddingUpdate: Sendable, Equatable {
    public var faceId: Int64
    public var vector: [Float]
    public var model: String
    /// Defaults to the L2 norm of `vector` when nil.
    public var quality: Double?

    public init(faceId: Int64, vector: [Float], model: String, quality: Double? = nil) {
        self.faceId = faceId
        self.vector = vector
        self.model = model
        self.quality = quality
    }
}
