import FaceVision

/// Scores detections against ground-truth boxes the way WIDER FACE-style evaluations do:
/// greedy matching by descending score at an IoU threshold; recall by face-size bucket.
public struct DetectionEvaluation: Sendable {
    /// A ground-truth face; `ignored` ones (invalid in the annotation) neither count as missed nor
    /// make a detection that hits them a false positive.
    public struct Truth: Sendable {
        public var box: Rect
        public var ignored: Bool
        public init(box: Rect, ignored: Bool = false) { self.box = box; self.ignored = ignored }
        /// The face size used for buckets: the longer side of the box.
        public var size: Float { max(box.width, box.height) }
    }

    public struct Bucket: Sendable {
        public var label: String
        public var range: Range<Float>
        public var faces = 0
        public var found = 0
        public var recall: Double { faces > 0 ? Double(found) / Double(faces) : 0 }
    }

    public var iouThreshold: Float
    public private(set) var buckets: [Bucket]
    public private(set) var detections = 0
    /// Detections that matched no ground-truth face (valid or ignored).
    public private(set) var unmatchedDetections = 0
    public private(set) var images = 0

    public init(iouThreshold: Float = 0.5) {
        self.iouThreshold = iouThreshold
        buckets = [
            Bucket(label: "<16", range: 0..<16), Bucket(label: "16-32", range: 16..<32),
            Bucket(label: "32-64", range: 32..<64), Bucket(label: ">=64", range: 64..<Float.infinity),
        ]
    }

    public var precision: Double { detections > 0 ? Double(detections - unmatchedDetections) / Double(detections) : 1 }
    public var unmatchedShare: Double { detections > 0 ? Double(unmatchedDetections) / Double(detections) : 0 }
    public var faces: Int { buckets.reduce(0) { $0 + $1.faces } }
    public var found: Int { buckets.reduce(0) { $0 + $1.found } }

    /// Adds one image's detections and truths.
    public mutating func add(detections found: [DetectedFace], truths: [Truth]) {
        images += 1
        detections += found.count
        var taken = [Bool](repeating: false, count: truths.count)
        for face in found.sorted(by: { $0.score > $1.score }) {
            var best = -1
            var bestIoU = iouThreshold
            // Prefer a valid face; fall back to an ignored one so that it is not a false positive.
            for pass in [false, true] where best < 0 {
                for (i, truth) in truths.enumerated() where !taken[i] && truth.ignored == pass {
                    let iou = truth.box.intersectionOverUnion(face.box)
                    if iou >= bestIoU { bestIoU = iou; best = i }
                }
            }
            if best >= 0 { taken[best] = true } else { unmatchedDetections += 1 }
        }
        for (i, truth) in truths.enumerated() where !truth.ignored {
            guard let b = buckets.firstIndex(where: { $0.range.contains(truth.size) }) else { continue }
            buckets[b].faces += 1
            if taken[i] { buckets[b].found += 1 }
        }
    }
}
