import Crypto
import Foundation

/// What the int8 precision quantizes a network with: the range of each convolution's input, measured once
/// on sample photos (`Int8Calibration+Ranges.swift`, written by scripts/models/int8_calibration.py). The
/// weights' ranges come from the weights themselves, per output channel.
///
/// `GraphDef.quantize(with:)` puts TensorFlow's fake-quantization ops in front of each convolution's input
/// and weights; OpenVINO's CPU plugin turns each such convolution into an int8 one. On an AVX2 CPU
/// (no VNNI, 2 cores) that made `frs run`'s embedding 2.1x and its detection 1.4x as fast as f32; on a
/// Zen 4 CPU (VNNI, AVX512-BF16), with the rest in bf16, `frs run` was 1.25x as fast as in bf16
/// (docs/benchmarks.md).
struct Int8Calibration: Sendable {
    /// By the tensor a quantized op reads as its first input, as the graph names it.
    let activations: [String: ClosedRange<Float>]
    /// By a quantized op's name: how much quantizing shifts its output, per output channel (measured on the
    /// sample photos), taken off through the `FusedBatchNormV3` that reads the op, by adding it to the batch
    /// norm's mean. RetinaFace's first depthwise convolutions need it: their rounded weights, over an input
    /// that is non-negative and mostly smooth, move whole channels.
    let biasCorrections: [String: [Float]]
    /// Names the ranges, the corrections and how they are applied, for the file names of quantized graphs:
    /// a graph quantized another way is never taken for this one.
    let identity: String

    init(activations: [String: ClosedRange<Float>], biasCorrections: [String: [Float]] = [:]) {
        self.activations = activations
        self.biasCorrections = biasCorrections
        let ranges = activations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.lowerBound) \($0.value.upperBound)" }
        let shifts = biasCorrections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map { "\($0)" }.joined(separator: " "))" }
        let text = ([Self.scheme] + ranges + shifts).joined(separator: "\n")
        identity = SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Changes whenever `GraphDef.quantize` changes what it does.
    private static let scheme = "fake-quant v2: per-channel weights, widened \(weightRangeWidening.sorted { $0.key < $1.key }); before Pad; bias corrections in batch-norm means"

    /// The ops quantized, and what their weights' range is widened by. Convolutions and MatMul use 7 of
    /// their 8 bits: CPUs without VNNI multiply u8 activations by s8 weights with an instruction
    /// (`vpmaddubsw`) that saturates a sum of two products at 32767, which full-range weights overflow
    /// (FaceNet's embeddings then fell to a median cosine of 0.90 to f32's; with 7 bits, 0.9994). Depthwise
    /// convolutions do not pair products that way, and 7 bits there moved RetinaFace's boxes more.
    static let weightRangeWidening: [String: Float] = ["Conv2D": 2, "MatMul": 2, "DepthwiseConv2dNative": 1]
}

extension GraphDef {
    /// Puts a `FakeQuantWithMinMaxVars` (the calibrated range, 256 levels) in front of the first input of
    /// every quantizable op that `calibration` has a range for, and a per-channel
    /// `FakeQuantWithMinMaxVarsPerChannel` (weights' largest magnitude per output channel) in front of its
    /// weights, and moves the mean of the batch norm after each op `calibration` has a bias correction for.
    /// Returns how many ops were quantized; throws when a weight is not a float constant.
    @discardableResult
    mutating func quantize(with calibration: Int8Calibration) throws -> Int {
        // Positions of the graph as read: the weights and `Pad`s looked up are never among the nodes added.
        let index = Dictionary(nodes.indices.map { (nodes[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var added: [Node] = []
        var quantizedActivations: [String: String] = [:]
        var quantized = 0
        for position in nodes.indices {
            let node = nodes[position]
            guard let widening = Int8Calibration.weightRangeWidening[node.op], node.inputs.count >= 2,
                  let range = calibration.activations[node.inputs[0]] else { continue }
            var inputs = node.inputs
            if let existing = quantizedActivations[inputs[0]] {
                inputs[0] = existing
            } else {
                let name = "frs_int8/\(quantizedActivations.count)/activation"
                // Quantized before a zero `Pad` rather than after it, so that OpenVINO pads the u8 tensor
                // inside the convolution: RetinaFace took 33 ms instead of 50 ms at 640x640. The range holds 0.
                let pad = index[inputs[0]].flatMap { nodes[$0].op == "Pad" ? $0 : nil }
                let source = pad.map { nodes[$0].inputs[0] } ?? inputs[0]
                added += [Node.floatConstant(name: name + "/min", values: [range.lowerBound], shape: []),
                          Node.floatConstant(name: name + "/max", values: [range.upperBound], shape: []),
                          Node.fakeQuant(name: name, op: "FakeQuantWithMinMaxVars",
                                         inputs: [source, name + "/min", name + "/max"], narrowRange: false)]
                if let pad {
                    nodes[pad] = try nodes[pad].replacingInputs([name] + nodes[pad].inputs.dropFirst())
                } else {
                    inputs[0] = name
                }
                quantizedActivations[node.inputs[0]] = inputs[0]
            }
            let weights = try constantWeights(of: inputs[1], in: index, for: node.name)
            let name = "frs_int8/\(quantized)/weights"
            if node.op == "DepthwiseConv2dNative" {
                // [height, width, channels, multiplier]: TensorFlow's per-channel op takes the last axis, so the
                // weights are quantized as [height, width, 1, channels x multiplier] and shaped back.
                let shape = weights.shape.map(Int32.init)
                guard shape.count == 4 else { throw VisionError.model("cannot quantize \(node.name): weights of shape \(shape)") }
                let flat = FloatTensor(shape: [weights.shape[0], weights.shape[1], 1, weights.shape[2] * weights.shape[3]], values: weights.values)
                let limits = flat.channelMagnitudes().map { max($0, 1e-8) * widening }
                added += [Node.int32Constant(name: name + "/flat_shape", values: [shape[0], shape[1], 1, shape[2] * shape[3]]),
                          Node.int32Constant(name: name + "/shape", values: shape),
                          Node.reshape(name: name + "/flat", inputs: [inputs[1], name + "/flat_shape"]),
                          Node.floatConstant(name: name + "/min", values: limits.map { -$0 }, shape: [limits.count]),
                          Node.floatConstant(name: name + "/max", values: limits, shape: [limits.count]),
                          Node.fakeQuant(name: name + "/quantized", op: "FakeQuantWithMinMaxVarsPerChannel",
                                         inputs: [name + "/flat", name + "/min", name + "/max"], narrowRange: true),
                          Node.reshape(name: name, inputs: [name + "/quantized", name + "/shape"])]
            } else {
                let limits = weights.channelMagnitudes().map { max($0, 1e-8) * widening }
                added += [Node.floatConstant(name: name + "/min", values: limits.map { -$0 }, shape: [limits.count]),
                          Node.floatConstant(name: name + "/max", values: limits, shape: [limits.count]),
                          Node.fakeQuant(name: name, op: "FakeQuantWithMinMaxVarsPerChannel",
                                         inputs: [inputs[1], name + "/min", name + "/max"], narrowRange: true)]
            }
            inputs[1] = name
            nodes[position] = try node.replacingInputs(inputs)
            if let shift = calibration.biasCorrections[node.name] {
                added.append(try correctBatchNorm(after: node.name, by: shift, constantName: "frs_int8/\(quantized)/mean", in: index))
            }
            quantized += 1
        }
        nodes += added
        return quantized
    }

    /// Points the `FusedBatchNormV3` that reads `op` at a new mean, the old one plus `shift`, and returns
    /// the constant holding it.
    private mutating func correctBatchNorm(after op: String, by shift: [Float], constantName: String, in index: [String: Int]) throws -> Node {
        guard let norm = nodes.indices.first(where: { nodes[$0].op == "FusedBatchNormV3" && nodes[$0].sourceNodes.first == op }) else {
            throw VisionError.model("cannot correct \(op): no FusedBatchNormV3 reads it")
        }
        var inputs = nodes[norm].inputs
        let mean = try constantWeights(of: inputs[3], in: index, for: nodes[norm].name)
        guard mean.shape == [shift.count] else {
            throw VisionError.model("cannot correct \(op): \(shift.count) shifts for a batch-norm mean of shape \(mean.shape)")
        }
        inputs[3] = constantName
        nodes[norm] = try nodes[norm].replacingInputs(inputs)
        return Node.floatConstant(name: constantName, values: zip(mean.values, shift).map { $0 + $1 }, shape: [shift.count])
    }

    /// The float tensor of the `Const` that `input` reads, through any `Identity` nodes.
    private func constantWeights(of input: String, in index: [String: Int], for op: String) throws -> FloatTensor {
        var name = input
        while let position = index[name] {
            let node = nodes[position]
            switch node.op {
            case "Const": return try FloatTensor(constant: node)
            case "Identity" where node.inputs.count == 1: name = node.sourceNodes[0]
            default: throw VisionError.model("cannot quantize \(op): its weights come from a \(node.op), not a constant")
            }
        }
        throw VisionError.model("cannot quantize \(op): graph has no node named \(name)")
    }
}
