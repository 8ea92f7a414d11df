import Crypto
import Foundation

/// What the int8 precision quantizes a network with: the range of each convolution's input, measured once
/// on sample photos (`Int8Calibration+Ranges.swift`, written by scripts/models/int8_calibration.py). The
/// weights' ranges come from the weights themselves, per output channel.
///
/// `GraphDef.quantize(with:)` puts TensorFlow's fake-quantization ops in front of each convolution's input
/// and weights; OpenVINO's CPU plugin turns each such convolution into an int8 one. On an AVX2 CPU
/// (no VNNI, 2 cores) that made FaceNet 2x and RetinaFace 1.3x as fast as f32 (docs/benchmarks.md).
struct Int8Calibration: Sendable {
    /// By the tensor a quantized op reads as its first input, as the graph names it.
    let activations: [String: ClosedRange<Float>]

    /// Names the ranges and how they are applied, for the file names of quantized graphs: a graph
    /// quantized another way is never taken for this one.
    var identity: String {
        let ranges = activations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.lowerBound) \($0.value.upperBound)" }
        let text = ([Self.scheme] + ranges).joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Changes whenever `GraphDef.quantize` changes what it does.
    private static let scheme = "fake-quant v2: per-channel weights, widened \(weightRangeWidening.sorted { $0.key < $1.key }); before Pad"

    /// The ops quantized, and what their weights' range is widened by. Convolutions and MatMul use 7 of
    /// their 8 bits: CPUs without VNNI multiply u8 activations by s8 weights with an instruction
    /// (`vpmaddubsw`) that saturates a sum of two products at 32767, which full-range weights overflow
    /// (FaceNet's embeddings then fell to cosine 0.90 of f32's; with 7 bits, 0.9994). Depthwise
    /// convolutions do not pair products that way, and 7 bits there moved RetinaFace's boxes more.
    static let weightRangeWidening: [String: Float] = ["Conv2D": 2, "MatMul": 2, "DepthwiseConv2dNative": 1]
}

extension GraphDef {
    /// Puts a `FakeQuantWithMinMaxVars` (the calibrated range, 256 levels) in front of the first input of
    /// every quantizable op that `calibration` has a range for, and a per-channel
    /// `FakeQuantWithMinMaxVarsPerChannel` (weights' largest magnitude per output channel) in front of its
    /// weights. Returns how many ops were quantized; throws when a weight is not a float constant.
    @discardableResult
    mutating func quantize(with calibration: Int8Calibration) throws -> Int {
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let indexOf = Dictionary(nodes.indices.map { (nodes[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var added: [Node] = []
        var quantizedActivations: [String: String] = [:]
        var quantized = 0
        for index in nodes.indices {
            let node = nodes[index]
            guard let widening = Int8Calibration.weightRangeWidening[node.op], node.inputs.count >= 2,
                  let range = calibration.activations[node.inputs[0]] else { continue }
            var inputs = node.inputs
            if let existing = quantizedActivations[inputs[0]] {
                inputs[0] = existing
            } else {
                let name = "frs_int8/\(quantizedActivations.count)/activation"
                added += [Node.floatConstant(name: name + "/min", values: [range.lowerBound], shape: []),
                          Node.floatConstant(name: name + "/max", values: [range.upperBound], shape: [])]
                // Quantized before a zero `Pad` rather than after it, so that OpenVINO pads the u8 tensor
                // inside the convolution: RetinaFace took 33 ms instead of 50 ms at 640x640. The range holds 0.
                if let padIndex = indexOf[inputs[0]], nodes[padIndex].op == "Pad" {
                    let pad = nodes[padIndex]
                    added.append(Node.fakeQuant(name: name, op: "FakeQuantWithMinMaxVars",
                                                inputs: [pad.inputs[0], name + "/min", name + "/max"], narrowRange: false))
                    nodes[padIndex] = try pad.replacingInputs([name] + pad.inputs.dropFirst())
                    quantizedActivations[inputs[0]] = inputs[0]
                } else {
                    added.append(Node.fakeQuant(name: name, op: "FakeQuantWithMinMaxVars",
                                                inputs: [inputs[0], name + "/min", name + "/max"], narrowRange: false))
                    quantizedActivations[inputs[0]] = name
                    inputs[0] = name
                }
            }
            let weights = try Self.constantWeights(of: inputs[1], in: byName, for: node.name)
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
            nodes[index] = try node.replacingInputs(inputs)
            quantized += 1
        }
        nodes += added
        return quantized
    }

    /// The float tensor of the `Const` that `input` reads, through any `Identity` nodes.
    private static func constantWeights(of input: String, in byName: [String: Node], for op: String) throws -> FloatTensor {
        var name = input
        while let node = byName[name] {
            switch node.op {
            case "Const": return try FloatTensor(constant: node)
            case "Identity" where node.inputs.count == 1: name = node.sourceNodes[0]
            default: throw VisionError.model("cannot quantize \(op): its weights come from a \(node.op), not a constant")
            }
        }
        throw VisionError.model("cannot quantize \(op): graph has no node named \(name)")
    }
}

/// A float32 tensor read from a `Const` node's `value` attribute.
struct FloatTensor {
    var shape: [Int]
    var values: [Float]

    init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }

    init(constant node: GraphDef.Node) throws {
        // NodeDef.attr (5) entry "value" -> AttrValue.tensor (8) -> TensorProto.
        var tensor: [UInt8]?
        var reader = ProtobufReader(node.encoded)
        while let field = try reader.next() {
            guard field.number == 5, case .bytes(let entry) = field.value else { continue }
            var key = "", value: [UInt8] = []
            var entryReader = ProtobufReader(entry)
            while let f = try entryReader.next() {
                if f.number == 1, case .bytes(let k) = f.value { key = String(decoding: k, as: UTF8.self) }
                if f.number == 2, case .bytes(let v) = f.value { value = v }
            }
            guard key == "value" else { continue }
            var attrReader = ProtobufReader(value)
            while let f = try attrReader.next() {
                if f.number == 8, case .bytes(let t) = f.value { tensor = t }
            }
        }
        guard let tensor else { throw VisionError.model("constant \(node.name) has no tensor value") }
        var dtype: UInt64 = 0, shape: [Int] = [], content: [UInt8] = [], floats: [Float] = []
        var tensorReader = ProtobufReader(tensor)
        while let field = try tensorReader.next() {
            switch (field.number, field.value) {
            case (1, .varint(let v)): dtype = v
            case (2, .bytes(let shapeBytes)):
                var shapeReader = ProtobufReader(shapeBytes)
                while let dim = try shapeReader.next() {
                    guard dim.number == 2, case .bytes(let dimBytes) = dim.value else { continue }
                    var dimReader = ProtobufReader(dimBytes)
                    while let size = try dimReader.next() {
                        if size.number == 1, case .varint(let v) = size.value { shape.append(Int(Int64(bitPattern: v))) }
                    }
                }
            case (4, .bytes(let bytes)): content = bytes
            case (5, .fixed32(let bits)): floats.append(Float(bitPattern: bits))
            case (5, .bytes(let packed)):
                floats += stride(from: 0, to: packed.count - 3, by: 4).map { i in
                    Float(bitPattern: UInt32(packed[i]) | UInt32(packed[i + 1]) << 8 | UInt32(packed[i + 2]) << 16 | UInt32(packed[i + 3]) << 24)
                }
            default: break
            }
        }
        guard dtype == 1 else { throw VisionError.model("constant \(node.name) is not float32 (dtype \(dtype))") }
        if !content.isEmpty {
            floats = stride(from: 0, to: content.count - 3, by: 4).map { i in
                Float(bitPattern: UInt32(content[i]) | UInt32(content[i + 1]) << 8 | UInt32(content[i + 2]) << 16 | UInt32(content[i + 3]) << 24)
            }
        }
        let count = shape.reduce(1, *)
        guard !shape.isEmpty, floats.count == count else {
            throw VisionError.model("constant \(node.name) holds \(floats.count) values for shape \(shape)")
        }
        self.shape = shape
        self.values = floats
    }

    /// The largest magnitude in each slice along the last axis (a convolution's or MatMul's output channels).
    func channelMagnitudes() -> [Float] {
        let channels = shape.last!
        var result = [Float](repeating: 0, count: channels)
        for (i, value) in values.enumerated() { result[i % channels] = max(result[i % channels], abs(value)) }
        return result
    }
}

extension GraphDef.Node {
    /// The node with other inputs, every other field as it was.
    func replacingInputs(_ newInputs: [String]) throws -> GraphDef.Node {
        var writer = ProtobufWriter()
        var reader = ProtobufReader(encoded)
        var written = false
        while let field = try reader.next() {
            if field.number == 3 {
                // NodeDef.input (3): the new list where the old one began.
                if !written { newInputs.forEach { writer.writeString(field: 3, $0) }; written = true }
                continue
            }
            writer.write(field)
        }
        if !written { newInputs.forEach { writer.writeString(field: 3, $0) } }
        return GraphDef.Node(name: name, op: op, inputs: newInputs, encoded: writer.bytes)
    }

    /// A `Const` node holding a float32 tensor (`shape` [] for a scalar).
    static func floatConstant(name: String, values: [Float], shape: [Int]) -> GraphDef.Node {
        let dtFloat: UInt64 = 1
        var shapeWriter = ProtobufWriter()
        for size in shape {
            var dim = ProtobufWriter()
            dim.writeVarint(field: 1, UInt64(size))
            shapeWriter.writeBytes(field: 2, dim.bytes)
        }
        var content: [UInt8] = []
        content.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            content += [UInt8(bits & 0xff), UInt8(bits >> 8 & 0xff), UInt8(bits >> 16 & 0xff), UInt8(bits >> 24)]
        }
        var tensor = ProtobufWriter()
        tensor.writeVarint(field: 1, dtFloat)
        tensor.writeBytes(field: 2, shapeWriter.bytes)
        tensor.writeBytes(field: 4, content)
        var dtypeAttr = ProtobufWriter()
        dtypeAttr.writeVarint(field: 6, dtFloat)
        var valueAttr = ProtobufWriter()
        valueAttr.writeBytes(field: 8, tensor.bytes)
        return node(name: name, op: "Const", inputs: [], attributes: [("dtype", dtypeAttr.bytes), ("value", valueAttr.bytes)])
    }

    /// One of TensorFlow's `FakeQuantWithMinMaxVars*` ops, 8 bits.
    static func fakeQuant(name: String, op: String, inputs: [String], narrowRange: Bool) -> GraphDef.Node {
        var bits = ProtobufWriter()
        bits.writeVarint(field: 3, 8)  // AttrValue.i
        var narrow = ProtobufWriter()
        narrow.writeVarint(field: 5, narrowRange ? 1 : 0)  // AttrValue.b
        return node(name: name, op: op, inputs: inputs, attributes: [("narrow_range", narrow.bytes), ("num_bits", bits.bytes)])
    }

    /// A float32 `Reshape` of `inputs[0]` to the int32 shape `inputs[1]`.
    static func reshape(name: String, inputs: [String]) -> GraphDef.Node {
        var float = ProtobufWriter()
        float.writeVarint(field: 6, 1)  // AttrValue.type: DT_FLOAT
        var int32 = ProtobufWriter()
        int32.writeVarint(field: 6, 3)  // DT_INT32
        return node(name: name, op: "Reshape", inputs: inputs, attributes: [("T", float.bytes), ("Tshape", int32.bytes)])
    }

    static func node(name: String, op: String, inputs: [String], attributes: [(String, [UInt8])]) -> GraphDef.Node {
        var node = ProtobufWriter()
        node.writeString(field: 1, name)
        node.writeString(field: 2, op)
        inputs.forEach { node.writeString(field: 3, $0) }
        for (key, value) in attributes {
            var entry = ProtobufWriter()
            entry.writeString(field: 1, key)
            entry.writeBytes(field: 2, value)
            node.writeBytes(field: 5, entry.bytes)
        }
        return GraphDef.Node(name: name, op: op, inputs: inputs, encoded: node.bytes)
    }
}
