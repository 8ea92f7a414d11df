/// What is known about how well a face shows its person, from detection and embedding.
/// A nil signal is unknown (rows written by older versions) and is not held against the face.
public struct FaceSignals: Sendable, Equatable {
    /// Longer side of the detector's box, in pixels of the photo.
    public var size: Float?
    /// RetinaFace's confidence.
    public var detectorScore: Float?
    /// FaceNet's embedding norm before L2 normalisation: low for blurred, tiny and turned faces.
    public var norm: Float?
    /// 1 for a frontal face, falling towards 0 (and below) as it turns sideways; see `frontality(landmarks:)`.
    public var frontality: Float?
    /// Share of the face's crop outside the picture: 0 inside, more where the photo's edge cuts the face.
    public var frameCut: Float?

    public init(size: Float? = nil, detectorScore: Float? = nil, norm: Float? = nil, frontality: Float? = nil,
                frameCut: Float? = nil) {
        self.size = size; self.detectorScore = detectorScore; self.norm = norm; self.frontality = frontality
        self.frameCut = frameCut
    }

    /// Yaw from RetinaFace's five landmarks (left eye, right eye, nose, mouth left, mouth right;
    /// x,y pairs): the nose's horizontal distances to the two eyes, smaller over larger. 1 when the
    /// nose sits midway (frontal), 0 when it is in line with an eye (about 45 degrees), negative
    /// when it has passed the eye (profile). Nil without five points or with the eyes on top of each other.
    public static func frontality(landmarks: [Float]?) -> Float? {
        guard let l = landmarks, l.count >= 10 else { return nil }
        let left = l[0], right = l[2], nose = l[4]
        let (a, b) = (nose - min(left, right), max(left, right) - nose)
        let larger = max(a, b)
        guard larger > 0, max(left, right) - min(left, right) > 0 else { return nil }
        return min(a, b) / larger
    }
}

/// Which faces may seed or join a person the machine makes. Faces below the gate stay in the
/// library (searchable, assignable by hand) but matching, clustering and suggestions leave them
/// alone: small, blurred and turned faces embed close to many people and chain strangers together.
/// Thresholds were measured on WIDER FACE crowd photos (strangers) against LFW's labelled faces;
/// see docs/recognition.md.
public struct QualityGate: Sendable, Equatable {
    public var minSize: Float
    public var minDetectorScore: Float
    public var minNorm: Float
    public var minFrontality: Float
    /// A face whose crop lies more than this share outside its picture is cut by the photo's edge
    /// (`isCut`): it may be matched and clustered, but does not count towards making a new person.
    /// On LFW no labelled face had more than 0.076 (99 % had none), while in 3 of the 4 persons made
    /// only of different bystanders two or three faces had 0.08-0.15: half faces look alike.
    public var maxFrameCut: Float

    public static let `default` = QualityGate(minSize: 40, minDetectorScore: 0.9, minNorm: 14, minFrontality: 0, maxFrameCut: 0.05)
    /// Lets every face through (the behaviour before the gate, for comparisons).
    public static let open = QualityGate(minSize: 0, minDetectorScore: 0, minNorm: 0, minFrontality: -.infinity, maxFrameCut: .infinity)

    public init(minSize: Float, minDetectorScore: Float, minNorm: Float, minFrontality: Float, maxFrameCut: Float) {
        self.minSize = minSize; self.minDetectorScore = minDetectorScore
        self.minNorm = minNorm; self.minFrontality = minFrontality; self.maxFrameCut = maxFrameCut
    }

    public func admits(_ face: FaceSignals) -> Bool { rejection(face) == nil }

    /// The same gate without the pose rule: what a face needs to *join* an existing person by a clear
    /// match (`JoinRule`). A turned face seeds no person, but one that is clearly nearest one person
    /// is that person; small, unsure and blurred faces stay out either way.
    public var forJoining: QualityGate {
        var gate = self
        gate.minFrontality = -.infinity
        return gate
    }

    /// Whether the photo's edge cuts the face (`maxFrameCut`); unknown is not cut.
    public func isCut(_ face: FaceSignals) -> Bool { (face.frameCut ?? 0) > maxFrameCut }

    /// Why the face is below the gate, nil when it passes.
    public func rejection(_ face: FaceSignals) -> String? {
        if let size = face.size, size < minSize { return "smaller than \(Int(minSize)) px" }
        if let score = face.detectorScore, score < minDetectorScore { return "detector score below \(minDetectorScore)" }
        if let norm = face.norm, norm < minNorm { return "blurred or unclear (embedding norm below \(minNorm))" }
        if let frontality = face.frontality, frontality < minFrontality { return "turned away" }
        return nil
    }
}
