import FaceStore
import FaceVision

// The one conversion between the detector's geometry (FaceVision: Float pixels, a Rect's origin and size,
// landmarks as points) and the stored one (FaceStore: Double corners as the original system wrote them,
// landmarks as 10 floats x0, y0, x1, y1, ...).

extension BoundingBox {
    public init(_ rect: Rect) {
        self.init(x1: Double(rect.x), y1: Double(rect.y), x2: Double(rect.maxX), y2: Double(rect.maxY))
    }

    public var rect: Rect { Rect(x1: Float(x1), y1: Float(y1), x2: Float(x2), y2: Float(y2)) }
}

extension DetectedFace {
    /// A stored face as the detector would describe it; a face stored without a score counts as certain.
    public init(stored box: BoundingBox, score: Double? = nil, landmarks: [Float]? = nil) {
        let flat = landmarks ?? []
        self.init(box: box.rect, score: Float(score ?? 1),
                  landmarks: stride(from: 0, to: flat.count - 1, by: 2).map { Point(x: flat[$0], y: flat[$0 + 1]) })
    }

    /// The landmarks as `Faces.Landmarks` stores them.
    public var storedLandmarks: [Float] { landmarks.flatMap { [$0.x, $0.y] } }
}
