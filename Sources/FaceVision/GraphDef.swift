import Foundation

/// Just enough of TensorFlow's `GraphDef` protobuf to prune and patch a frozen graph so that
/// OpenCV's importer accepts it, and to quantize it for OpenVINO (`quantize(with:)`). Nodes we don't
/// edit are kept as their original bytes.
struct GraphDef {
    struct Node {
        var name: String
        var op: String
        /// Inputs as written in the graph: `name`, `name:1`, or `^name` for a control input.
        var inputs: [String]
        /// The node's complete encoding (NodeDef message bytes).
        var encoded: [UInt8]

        /// Names of the nodes this node reads from, without output index or control marker.
        var sourceNodes: [String] {
            inputs.map { input in
                var name = input.hasPrefix("^") ? String(input.dropFirst()) : input
                if let colon = name.lastIndex(of: ":"), name[name.index(after: colon)...].allSatisfy(\.isNumber) {
                    name = String(name[..<colon])
                }
                return name
            }
        }
    }

    var nodes: [Node]

    init(nodes: [Node]) { self.nodes = nodes }

    init(bytes: [UInt8]) throws {
        var nodes: [Node] = []
        var reader = ProtobufReader(bytes)
        while let field = try reader.next() {
            guard field.number == 1, case .bytes(let nodeBytes) = field.value else { continue }
            nodes.append(try Node(decoding: nodeBytes))
        }
        self.nodes = nodes
    }

    /// Reads and parses the graph file of `model` (a name for errors: "FaceNet", "RetinaFace").
    init(contentsOf url: URL, model: String) throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw VisionError.model("cannot read \(model) graph at \(url.path): \(error.localizedDescription)")
        }
        try self.init(bytes: bytes)
    }

    func serialized() -> [UInt8] {
        var writer = ProtobufWriter()
        for node in nodes { writer.writeBytes(field: 1, node.encoded) }
        return writer.bytes
    }

    /// Keeps only `outputs` and the nodes they depend on.
    mutating func prune(keeping outputs: [String]) throws {
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var keep = Set<String>()
        var stack = outputs
        while let name = stack.popLast() {
            guard keep.insert(name).inserted else { continue }
            guard let node = byName[name] else { throw VisionError.model("graph has no node named \(name)") }
            stack.append(contentsOf: node.sourceNodes)
        }
        nodes.removeAll { !keep.contains($0.name) }
    }

    /// Replaces node `name` (whatever it computed) by an int32 constant with the given values.
    mutating func replaceWithInt32Constant(_ name: String, values: [Int32]) throws {
        guard let index = nodes.firstIndex(where: { $0.name == name }) else {
            throw VisionError.model("graph has no node named \(name)")
        }
        nodes[index] = Node.int32Constant(name: name, values: values)
    }

    func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// Declares the shape of the `Placeholder` node `name` (-1: any size on that axis), replacing the one the
    /// graph declares: an engine that reads the graph file then compiles it for that shape as it is.
    mutating func setPlaceholderShape(_ name: String, to dims: [Int]) throws {
        guard let index = nodes.firstIndex(where: { $0.name == name && $0.op == "Placeholder" }) else {
            throw VisionError.model("graph has no placeholder named \(name)")
        }
        var shape = ProtobufWriter()
        for size in dims {
            var dim = ProtobufWriter()
            dim.writeVarint(field: 1, UInt64(bitPattern: Int64(size)))
            shape.writeBytes(field: 2, dim.bytes)
        }
        var attr = ProtobufWriter()
        attr.writeBytes(field: 7, shape.bytes)
        var entry = ProtobufWriter()
        entry.writeString(field: 1, "shape")
        entry.writeBytes(field: 2, attr.bytes)
        // Every field as it was but the old `shape` attribute (NodeDef.attr = 5, a map entry: key = 1).
        var node = ProtobufWriter()
        var reader = ProtobufReader(nodes[index].encoded)
        while let field = try reader.next() {
            if field.number == 5, case .bytes(let bytes) = field.value, try Self.mapEntry(bytes).key == "shape" { continue }
            node.write(field)
        }
        node.writeBytes(field: 5, entry.bytes)
        nodes[index].encoded = node.bytes
    }

    /// A protobuf map entry's key (field 1) and value (field 2).
    static func mapEntry(_ entry: [UInt8]) throws -> (key: String?, value: [UInt8]) {
        var key: String?, value: [UInt8] = []
        var reader = ProtobufReader(entry)
        while let field = try reader.next() {
            if field.number == 1, case .bytes(let k) = field.value { key = String(decoding: k, as: UTF8.self) }
            if field.number == 2, case .bytes(let v) = field.value { value = v }
        }
        return (key, value)
    }
}

extension GraphDef.Node {
    init(decoding bytes: [UInt8]) throws {
        var name = "", op = "", inputs: [String] = []
        var reader = ProtobufReader(bytes)
        while let field = try reader.next() {
            guard case .bytes(let value) = field.value else { continue }
            switch field.number {
            case 1: name = String(decoding: value, as: UTF8.self)
            case 2: op = String(decoding: value, as: UTF8.self)
            case 3: inputs.append(String(decoding: value, as: UTF8.self))
            default: break
            }
        }
        self.init(name: name, op: op, inputs: inputs, encoded: bytes)
    }

    /// A `Const` node holding a 1-D int32 tensor.
    static func int32Constant(name: String, values: [Int32]) -> GraphDef.Node {
        let dtInt32: UInt64 = 3

        var dim = ProtobufWriter()
        dim.writeVarint(field: 1, UInt64(values.count))
        var shape = ProtobufWriter()
        shape.writeBytes(field: 2, dim.bytes)
        var tensor = ProtobufWriter()
        tensor.writeVarint(field: 1, dtInt32)
        tensor.writeBytes(field: 2, shape.bytes)
        var packed = ProtobufWriter()
        for value in values { packed.writeRawVarint(UInt64(bitPattern: Int64(value))) }
        tensor.writeBytes(field: 7, packed.bytes)

        var dtypeAttr = ProtobufWriter()
        dtypeAttr.writeVarint(field: 6, dtInt32)
        var valueAttr = ProtobufWriter()
        valueAttr.writeBytes(field: 8, tensor.bytes)
        return node(name: name, op: "Const", inputs: [], attributes: [("dtype", dtypeAttr.bytes), ("value", valueAttr.bytes)])
    }

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
            let (key, value) = try GraphDef.mapEntry(entry)
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
            case (5, .bytes(let packed)): floats += Self.littleEndianFloats(packed)
            default: break
            }
        }
        guard dtype == 1 else { throw VisionError.model("constant \(node.name) is not float32 (dtype \(dtype))") }
        if !content.isEmpty { floats = Self.littleEndianFloats(content) }
        let count = shape.reduce(1, *)
        guard !shape.isEmpty, floats.count == count else {
            throw VisionError.model("constant \(node.name) holds \(floats.count) values for shape \(shape)")
        }
        self.shape = shape
        self.values = floats
    }

    private static func littleEndianFloats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    /// The largest magnitude in each slice along the last axis (a convolution's or MatMul's output channels).
    func channelMagnitudes() -> [Float] {
        let channels = shape.last!
        var result = [Float](repeating: 0, count: channels)
        for (i, value) in values.enumerated() { result[i % channels] = max(result[i % channels], abs(value)) }
        return result
    }
}

struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed64(UInt64)
        case fixed32(UInt32)
    }

    struct Field {
        var number: Int
        var value: Value
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() throws -> Field? {
        guard offset < bytes.count else { return nil }
        let key = try readVarint()
        let number = Int(key >> 3)
        switch key & 7 {
        case 0: return Field(number: number, value: .varint(try readVarint()))
        case 1: return Field(number: number, value: .fixed64(try readFixed(8)))
        case 2:
            let length = Int(try readVarint())
            guard length >= 0, offset + length <= bytes.count else { throw truncated }
            defer { offset += length }
            return Field(number: number, value: .bytes(Array(bytes[offset..<offset + length])))
        case 5: return Field(number: number, value: .fixed32(UInt32(try readFixed(4))))
        default: throw VisionError.model("unsupported protobuf wire type \(key & 7) at byte \(offset)")
        }
    }

    private var truncated: VisionError { VisionError.model("truncated protobuf at byte \(offset)") }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw truncated
    }

    private mutating func readFixed(_ count: Int) throws -> UInt64 {
        guard offset + count <= bytes.count else { throw truncated }
        var result: UInt64 = 0
        for i in 0..<count { result |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += count
        return result
    }
}

struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func writeRawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func writeVarint(field: Int, _ value: UInt64) {
        writeRawVarint(UInt64(field << 3))
        writeRawVarint(value)
    }

    mutating func writeBytes(field: Int, _ value: [UInt8]) {
        writeRawVarint(UInt64(field << 3 | 2))
        writeRawVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(field: Int, _ value: String) { writeBytes(field: field, Array(value.utf8)) }

    /// Writes a field as it was read.
    mutating func write(_ field: ProtobufReader.Field) {
        switch field.value {
        case .varint(let value): writeVarint(field: field.number, value)
        case .bytes(let value): writeBytes(field: field.number, value)
        case .fixed64(let value):
            writeRawVarint(UInt64(field.number << 3 | 1))
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        case .fixed32(let value):
            writeRawVarint(UInt64(field.number << 3 | 5))
            for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
        }
    }
}
