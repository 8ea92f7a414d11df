import Foundation

/// A face turned into a FaceNet embedding.
public struct FaceEmbedding: Sendable, Equatable {
    /// 512 floats, L2-normalised: the cosine similarity of two embeddings is their dot product.
    public var vector: [Float]
    /// The vector's norm before normalisation; low for blurred, tiny or turned-away faces.
    public var quality: Float

    public init(vector: [Float], quality: Float) {
        self.vector = vector
        self.quality = quality
    }

    public func similarity(to other: FaceEmbedding) -> Float {
        cosineSimilarity(vector, other.vector)
    }
}

/// The dot product of two L2-normalised vectors.
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "embeddings of different lengths")
    var sum: Float = 0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

/// Turns faces into 512-d FaceNet embeddings (Inception-ResNet-v1, model 20180408-102900).
///
/// ```swift
/// let facenet = try FaceNet(modelURL: models.path(for: .faceNet), engine: .openCV)
/// let embeddings = try facenet.embed(faces, in: image)
/// ```
public final class FaceNet: @unchecked Sendable {
    public static let inputSide = 160
    public static let dimension = 512
    /// The tag stored with every embedding, so that vectors of different models are never compared.
    public static let modelTag = "facenet-20180408-102900"
    /// The tag of embeddings averaged with the mirrored face's (`flip`): a different vector space
    /// for matching, so a library embedded one way is re-embedded, not mixed.
    public static func modelTag(flip: Bool) -> String { flip ? modelTag + "+flip" : modelTag }
    /// Whether embedders average each face with its mirror image unless told otherwise
    /// (`embedding_flip`). Off: on LFW it raised the true-accept rate at 0.1 % false accepts from
    /// 89.1 % to 89.8 % but left clustering's BCubed F where it was (0.964), for twice the embedding
    /// time and a re-embedding of every existing library (docs/recognition.md).
    public static let defaultFlip = false
    /// The tag of embeddings made with `defaultFlip`.
    public static let defaultModelTag = modelTag(flip: defaultFlip)
    /// Every tag this model stores; a library holding another one of them is re-embedded in place.
    public static let modelTags = [modelTag(flip: false), modelTag(flip: true)]
    /// How much the detector's box grows (in total) before cropping: it separated identities best.
    public static let cropMargin: Float = 0.3
    /// Same person at or above this similarity (best accuracy threshold on LFW).
    public static let samePersonThreshold: Float = 0.48

    /// Faces per forward pass.
    public var batchSize: Int
    /// Also embed the horizontally mirrored crop and average the two (test-time augmentation).
    public let flip: Bool
    public let engine: InferenceEngine
    private let graph: any CompiledGraph
    /// The bottleneck before L2 normalisation: its norm is the quality signal.
    private static let bottleneck = "InceptionResnetV1/Bottleneck/BatchNorm/Reshape_1"

    public init(modelURL: URL, batchSize: Int = 8, flip: Bool = false, engine: InferenceEngine) throws {
        self.engine = engine
        self.flip = flip
        guard FileManager.default.isReadableFile(atPath: modelURL.path) else {
            throw VisionError.model("cannot read FaceNet graph at \(modelURL.path): no such readable file")
        }
        let recipe = GraphRecipe(source: modelURL, edits: "any batch, cut at \(Self.bottleneck)", int8: .faceNet) {
            var graph = try GraphDef(contentsOf: modelURL, model: "FaceNet")
            // The frozen graph folded batch size 1 into two reshape constants; -1 lets any batch through.
            try graph.replaceWithInt32Constant("InceptionResnetV1/Logits/Flatten/flatten/Reshape/shape/_1__cf__3", values: [-1, 1792])
            try graph.replaceWithInt32Constant("InceptionResnetV1/Bottleneck/BatchNorm/Shape/_0__cf__2", values: [-1, Int32(Self.dimension)])
            // Cut at the bottleneck, so that it is the graph's output (engines that return only the
            // final nodes see it); the L2 normalisation after it is done here.
            try graph.prune(keeping: [Self.bottleneck])
            return graph
        }
        let side = Self.inputSide
        // Any batch size: one compiled graph for every pass.
        let input = engine.backend.layout == .nchw ? [-1, 3, side, side] : [-1, side, side, 3]
        self.graph = try engine.backend.load(recipe, name: "facenet", input: "input", inputShape: input, outputs: [Self.bottleneck])
        self.batchSize = max(1, batchSize)
    }

    /// The tag this embedder's vectors are stored with.
    public var modelTag: String { Self.modelTag(flip: flip) }

    /// The crop FaceNet sees for a face: its box enlarged by `cropMargin`, clipped to the image.
    public static func cropRect(for box: Rect, in image: Image) -> Rect {
        box.enlarged(by: cropMargin).intersection(Rect(x: 0, y: 0, width: Float(image.width), height: Float(image.height)))
    }

    /// The share of a face's crop (`cropRect` before clipping) that lies outside a `width` x `height`
    /// picture: 0 for a face wholly inside, about 0.1 and more for one the photo's edge cuts through.
    public static func frameCut(of box: Rect, width: Int, height: Int) -> Float {
        let crop = box.enlarged(by: cropMargin)
        guard crop.area > 0 else { return 0 }
        let inside = crop.intersection(Rect(x: 0, y: 0, width: Float(width), height: Float(height))).area
        return min(1, max(0, 1 - inside / crop.area))
    }

    /// Embeds faces found in `image`, in order.
    public func embed(_ faces: [DetectedFace], in image: Image) throws -> [FaceEmbedding] {
        let crops = try faces.map { face in
            try image.cropped(to: Self.cropRect(for: face.box, in: image), width: Self.inputSide, height: Self.inputSide,
                              pad: false, interpolation: .linear)
        }
        return try embed(crops: crops)
    }

    /// Embeds ready-made 160x160 face crops, `batchSize` at a time.
    public func embed(crops: [Image]) throws -> [FaceEmbedding] {
        var result: [FaceEmbedding] = []
        result.reserveCapacity(crops.count)
        for start in stride(from: 0, to: crops.count, by: batchSize) {
            result += try embedBatch(Array(crops[start..<min(start + batchSize, crops.count)]))
        }
        return result
    }

    private func embedBatch(_ crops: [Image]) throws -> [FaceEmbedding] {
        let side = Self.inputSide
        let perImage = 3 * side * side
        let layout = engine.backend.layout
        // With `flip`, the mirrored crops follow the originals in the same forward pass.
        let count = flip ? 2 * crops.count : crops.count
        var blob = [Float](repeating: 0, count: count * perImage)
        try blob.withUnsafeMutableBufferPointer { buffer in
            for (i, crop) in crops.enumerated() {
                precondition(crop.width == side && crop.height == side, "FaceNet crops must be \(side)x\(side)")
                try crop.writeBlob(into: buffer.baseAddress! + i * perImage, blobWidth: side, blobHeight: side,
                                   mean: 127.5, scale: 1 / 128, rgb: true, layout: layout)
                if flip {
                    Self.mirror(from: buffer.baseAddress! + i * perImage, to: buffer.baseAddress! + (crops.count + i) * perImage,
                                side: side, layout: layout)
                }
            }
        }
        let shape = layout == .nchw ? [count, 3, side, side] : [count, side, side, 3]
        let output = try blob.withUnsafeBufferPointer {
            try graph.forward(input: $0.baseAddress!, shape: shape)
        }[0]
        guard output.values.count == count * Self.dimension else {
            throw VisionError.inference("FaceNet returned shape \(output.shape) for \(count) faces")
        }
        func bottleneck(_ i: Int) -> ArraySlice<Float> { output.values[i * Self.dimension..<(i + 1) * Self.dimension] }
        return (0..<crops.count).map { i in
            let raw = bottleneck(i)
            let norm = Self.norm(raw)
            var vector = raw.map { $0 / max(norm, 1e-10) }
            if flip {
                // The mean of the two unit vectors, normalised again. The quality stays the
                // original crop's norm: the quality gate's thresholds were measured on it.
                let mirrored = bottleneck(crops.count + i)
                let mirroredNorm = max(Self.norm(mirrored), 1e-10)
                for (k, value) in mirrored.enumerated() { vector[k] += value / mirroredNorm }
                let sum = max(Self.norm(vector[...]), 1e-10)
                vector = vector.map { $0 / sum }
            }
            return FaceEmbedding(vector: vector, quality: norm)
        }
    }

    private static func norm(_ values: ArraySlice<Float>) -> Float { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Writes the left-right mirror image of one `side` x `side` RGB blob.
    static func mirror(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, side: Int, layout: TensorLayout) {
        switch layout {
        case .nchw:
            for row in 0..<(3 * side) {
                let base = row * side
                for x in 0..<side { target[base + x] = source[base + side - 1 - x] }
            }
        case .nhwc:
            for y in 0..<side {
                let base = y * side * 3
                for x in 0..<side {
                    for c in 0..<3 { target[base + x * 3 + c] = source[base + (side - 1 - x) * 3 + c] }
                }
            }
        }
    }
}
