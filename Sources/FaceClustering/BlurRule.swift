/// Keeps persons made of blur from being made. FaceNet does not embed faces it cannot make out
/// (blurred, tiny, dark) at random: they collapse towards one direction of the embedding space, so
/// they look alike to each other and rank-order links them into "persons" of different strangers.
/// Measured (docs/recognition.md): the mean of the faces with an embedding norm under 17 points the
/// same way in an LFW library and in a WIDER FACE one (cosine 0.976); on LFW the centres of persons
/// holding a labelled face stay at or below 0.22 from it, while 8 of the 13 persons made only of
/// background faces (different blurred people) are at 0.36-0.77.
///
/// The direction is estimated from the library itself, from enough blurred faces in enough photos
/// that no one person in them dominates it.
public struct BlurRule: Sendable, Equatable {
    /// The faces the direction is estimated from: embedding norm (before L2 normalisation) below this.
    public var sampleMaxNorm: Float
    /// Fewer blurred faces than this, or from fewer photos, and there is no estimate (the rule is off).
    public var minSampleFaces: Int
    public var minSamplePhotos: Int
    /// A new group whose centre (normalised mean) is more similar than this to the direction is not made.
    public var maxCentreSimilarity: Float

    public static let `default` = BlurRule(sampleMaxNorm: 17, minSampleFaces: 50, minSamplePhotos: 20, maxCentreSimilarity: 0.3)

    public init(sampleMaxNorm: Float, minSampleFaces: Int, minSamplePhotos: Int, maxCentreSimilarity: Float) {
        self.sampleMaxNorm = sampleMaxNorm; self.minSampleFaces = minSampleFaces
        self.minSamplePhotos = minSamplePhotos; self.maxCentreSimilarity = maxCentreSimilarity
    }

    /// The unit direction blurred faces collapse towards: the normalised mean of the (unit) rows whose
    /// norm is below `sampleMaxNorm` (0: unknown, left out); nil when the sample is too small.
    /// `groups`: the photo of each row.
    public func direction(_ embeddings: EmbeddingMatrix, norms: [Float], groups: [Int]?) -> [Float]? {
        precondition(norms.count == embeddings.count)
        let sample = norms.indices.filter { norms[$0] > 0 && norms[$0] < sampleMaxNorm }
        guard sample.count >= minSampleFaces else { return nil }
        if let groups, Set(sample.map { groups[$0] }).count < minSamplePhotos { return nil }
        return embeddings.normalizedMean(of: sample)
    }

    /// Whether the group of unit `rows` is centred on `direction`: blur, not a person.
    public func isBlur(_ rows: EmbeddingMatrix, direction: [Float]) -> Bool {
        guard let centre = rows.normalizedMean(of: Array(0 ..< rows.count)) else { return false }
        return dotProduct(centre, direction) > maxCentreSimilarity
    }

    /// Dissolves (-1) every new cluster (one without an anchor) in `labels` that `isBlur`.
    func apply(_ labels: [Int], embeddings: EmbeddingMatrix, persons: [Int?], direction: [Float]) -> [Int] {
        var out = labels
        for faces in Postprocess.newClusters(labels, persons: persons).values where isBlur(embeddings.subset(faces), direction: direction) {
            for face in faces { out[face] = -1 }
        }
        return out
    }
}
