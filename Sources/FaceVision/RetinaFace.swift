import Foundation

/// Finds faces and their five landmarks with RetinaFace (MobileNetV2 backbone).
///
/// ```swift
/// let detector = try RetinaFace(modelURL: models.path(for: .retinaFace), engine: .openCV)
/// for face in try detector.detect(in: image) { print(face.box, face.score) }
/// ```
public final class RetinaFace: @unchecked Sendable {
    public struct Options: Sendable, Equatable {
        /// Faces scoring below this are dropped.
        public var scoreThreshold: Float = 0.9
        /// The image is scaled so that its longer side falls in this range: smaller images are
        /// enlarged to the lower bound, larger ones shrunk to the upper bound.
        public var longerSide: ClosedRange<Int> = 640...1024
        /// Also run a pass on an enlarged copy (longer side `smallFaceSide`) to catch small faces.
        public var smallFaces = false
        public var smallFaceSide = 1600
        public var nmsThreshold: Float = 0.4
        /// The input is zero-padded at right and bottom to a multiple of this. Nil: the engine's
        /// (`InferenceBackend.paddingStep`): 32, what the network needs, where any size runs; 128 where
        /// each size is a network compiled of its own, so that few are compiled.
        public var paddingStep: Int?

        public init() {}
    }

    public let options: Options
    public let engine: InferenceEngine
    private let graph: GraphDef
    private let modelURL: URL
    /// Patched networks by padded input size, the most recently used last; the FPN resize sizes are fixed per
    /// size (and OpenVINO runs a graph of fixed shape 1.5x as fast as one of any shape). A photo's padded size
    /// alone decides its network, so a photo gives the same faces whatever was detected before it.
    private var networks: [InputSize: any CompiledGraph] = [:]
    private var networkOrder: [InputSize] = []
    private let lock = NSLock()

    private struct InputSize: Hashable { var width: Int, height: Int }

    static let headOutputs: [(stride: Int, classes: String, boxes: String, landmarks: String)] = [
        (8, "ClassHead_0/conv2d_6", "BboxHead_0/conv2d", "LandmarkHead_0/conv2d_3"),
        (16, "ClassHead_1/conv2d_7", "BboxHead_1/conv2d_1", "LandmarkHead_1/conv2d_4"),
        (32, "ClassHead_2/conv2d_8", "BboxHead_2/conv2d_2", "LandmarkHead_2/conv2d_5"),
    ].map { ($0.0, "RetinaFaceModel/\($0.1)", "RetinaFaceModel/\($0.2)", "RetinaFaceModel/\($0.3)") }

    /// The graph is cut at each head's BiasAdd.
    private static let graphOutputs = headOutputs.flatMap { [$0.classes, $0.boxes, $0.landmarks] }.map { $0 + "/BiasAdd" }

    static let anchorSizes: [Int: [Float]] = [8: [16, 32], 16: [64, 128], 32: [256, 512]]

    public init(modelURL: URL, options: Options = Options(), engine: InferenceEngine) throws {
        self.engine = engine
        var graph = try GraphDef(contentsOf: modelURL, model: "RetinaFace")
        try graph.prune(keeping: Self.graphOutputs)
        // The FPN upsampling sizes are computed from the input's shape, which OpenCV cannot import
        // (and OpenVINO runs faster without); they are frozen per input size in `network(for:)`.
        graph.nodes.removeAll { node in
            node.name.hasPrefix("RetinaFaceModel/FPN/") && (node.op == "Shape" || node.op == "StridedSlice")
        }
        self.graph = graph
        self.modelURL = modelURL
        self.options = options
    }

    /// Detects faces; coordinates are in `image`'s pixel space.
    public func detect(in image: Image) throws -> [DetectedFace] {
        var faces = try detect(in: image, longerSide: Self.targetSide(for: image, in: options.longerSide))
        if options.smallFaces {
            let side = max(options.smallFaceSide, max(image.width, image.height))
            faces += try detect(in: image, longerSide: side)
            faces = Self.nonMaximumSuppression(faces, threshold: options.nmsThreshold)
        }
        return faces
    }

    static func targetSide(for image: Image, in range: ClosedRange<Int>) -> Int {
        min(max(max(image.width, image.height), range.lowerBound), range.upperBound)
    }

    private func detect(in image: Image, longerSide: Int) throws -> [DetectedFace] {
        let scale = Float(longerSide) / Float(max(image.width, image.height))
        let width = max(1, Int((Float(image.width) * scale).rounded()))
        let height = max(1, Int((Float(image.height) * scale).rounded()))
        let input = (width == image.width && height == image.height) ? image : try image.resized(width: width, height: height)
        let step = options.paddingStep ?? engine.backend.paddingStep
        let size = InputSize(width: Self.padded(width, step: step), height: Self.padded(height, step: step))
        let network = try network(for: size)

        let layout = engine.backend.layout
        var blob = [Float](repeating: 0, count: 3 * size.width * size.height)
        try blob.withUnsafeMutableBufferPointer { buffer in
            try input.writeBlob(into: buffer.baseAddress!, blobWidth: size.width, blobHeight: size.height,
                                mean: 0, scale: 1, rgb: true, layout: layout)
        }
        let shape = layout == .nchw ? [1, 3, size.height, size.width] : [1, size.height, size.width, 3]
        let tensors = try blob.withUnsafeBufferPointer { try network.forward(input: $0.baseAddress!, shape: shape) }

        var faces: [DetectedFace] = []
        for (level, head) in Self.headOutputs.enumerated() {
            faces += decode(classes: tensors[3 * level], boxes: tensors[3 * level + 1], landmarks: tensors[3 * level + 2],
                            stride: head.stride, scale: scale)
        }
        // Anchors over the zero padding may fire on its edge; a face is where its centre is in the image.
        faces.removeAll { $0.box.center.x * scale >= Float(width) || $0.box.center.y * scale >= Float(height) }
        return Self.nonMaximumSuppression(faces, threshold: options.nmsThreshold)
    }

    /// How much lower bf16 puts the logits of faces near the threshold than f32 does, taken off the
    /// threshold in bf16 so that it selects what f32 selects. On WIDER FACE at 0.9, bf16 found 229 of the 318
    /// faces of 32-64 px where f32 found 233 (OpenCV 233); applied as 0.88 (this offset) it found 232, 185
    /// of 199 larger ones (f32 183), at the same precision (0.962; f32 0.960). The same holds where int8
    /// leaves the heads to bf16: 233 without the offset, 236 with it (f32 233), and 182 / 183 larger ones.
    static let bf16LogitOffset: Float = log(Float(0.9) / 0.1) - log(Float(0.88) / 0.12)

    /// `side` rounded up to a multiple of `step`, which is rounded up to a multiple of 32.
    static func padded(_ side: Int, step: Int) -> Int {
        let step = max(32, (step + 31) / 32 * 32)
        return (side + step - 1) / step * step
    }

    /// Turns one head's outputs into faces. Channel `a * k + j` of a cell holds component `j`
    /// of anchor `a`, which is the (y, x, anchor) row order of the TensorFlow graph.
    private func decode(classes: Tensor, boxes: Tensor, landmarks: Tensor, stride: Int, scale: Float) -> [DetectedFace] {
        let sizes = Self.anchorSizes[stride]!
        let rows = classes.rows, cols = classes.columns
        // The threshold on the softmax score, as a threshold on the logit difference.
        let logitThreshold = log(options.scoreThreshold / (1 - options.scoreThreshold)) - (engine.floatPrecision == "bf16" ? Self.bf16LogitOffset : 0)
        var faces: [DetectedFace] = []

        for y in 0..<rows {
            for x in 0..<cols {
                let cell = y * cols + x
                for (a, anchorSize) in sizes.enumerated() {
                    let difference = classes.value(channel: a * 2 + 1, cell: cell) - classes.value(channel: a * 2, cell: cell)
                    guard difference >= logitThreshold else { continue }
                    let score = 1 / (1 + exp(-difference))
                    // Anchor centre and size in padded-input pixels.
                    let cx = (Float(x) + 0.5) * Float(stride), cy = (Float(y) + 0.5) * Float(stride)
                    func box(_ j: Int) -> Float { boxes.value(channel: a * 4 + j, cell: cell) }
                    let centreX = cx + box(0) * 0.1 * anchorSize
                    let centreY = cy + box(1) * 0.1 * anchorSize
                    let w = anchorSize * exp(box(2) * 0.2)
                    let h = anchorSize * exp(box(3) * 0.2)
                    var points: [Point] = []
                    points.reserveCapacity(5)
                    for p in 0..<5 {
                        let dx = landmarks.value(channel: a * 10 + 2 * p, cell: cell)
                        let dy = landmarks.value(channel: a * 10 + 2 * p + 1, cell: cell)
                        points.append(Point(x: (cx + dx * 0.1 * anchorSize) / scale, y: (cy + dy * 0.1 * anchorSize) / scale))
                    }
                    faces.append(DetectedFace(
                        box: Rect(x1: (centreX - w / 2) / scale, y1: (centreY - h / 2) / scale,
                                  x2: (centreX + w / 2) / scale, y2: (centreY + h / 2) / scale),
                        score: score, landmarks: points))
                }
            }
        }
        return faces
    }

    static func nonMaximumSuppression(_ faces: [DetectedFace], threshold: Float) -> [DetectedFace] {
        var kept: [DetectedFace] = []
        for face in faces.sorted(by: { $0.score > $1.score }) where kept.allSatisfy({ $0.box.intersectionOverUnion(face.box) <= threshold }) {
            kept.append(face)
        }
        return kept
    }

    private func network(for size: InputSize) throws -> any CompiledGraph {
        lock.lock()
        defer { lock.unlock() }
        if let network = networks[size] {
            networkOrder.removeAll { $0 == size }
            networkOrder.append(size)
            return network
        }
        let graph = self.graph
        let recipe = GraphRecipe(source: modelURL, edits: "heads, FPN sizes for \(size.width)x\(size.height)",
                                 int8: .retinaFace) {
            var patched = graph
            try patched.replaceWithInt32Constant("RetinaFaceModel/FPN/resize/size", values: [Int32(size.height / 16), Int32(size.width / 16)])
            try patched.replaceWithInt32Constant("RetinaFaceModel/FPN/resize_1/size", values: [Int32(size.height / 8), Int32(size.width / 8)])
            return patched
        }
        let shape = engine.backend.layout == .nchw ? [1, 3, size.height, size.width] : [1, size.height, size.width, 3]
        let network = try engine.backend.load(recipe, name: "retinaface-\(size.width)x\(size.height)", input: "x", inputShape: shape,
                                              outputs: Self.graphOutputs)
        networks[size] = network
        networkOrder.append(size)
        if networkOrder.count > engine.backend.sizesKept {
            networks[networkOrder.removeFirst()] = nil
        }
        return network
    }
}
