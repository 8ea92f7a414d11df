@testable import FaceVision
import Foundation
import Testing

@Suite("Graph surgery and detector logic")
struct LogicTests {
    @Test func graphDefRoundTripsAndPrunes() throws {
        var nodes: [GraphDef.Node] = []
        for (name, inputs) in [("input", []), ("a", ["input"]), ("b", ["a:1", "^input"]), ("unused", ["a"])] as [(String, [String])] {
            var writer = ProtobufWriter()
            writer.writeString(field: 1, name)
            writer.writeString(field: 2, "Identity")
            for input in inputs { writer.writeString(field: 3, input) }
            nodes.append(try GraphDef.Node(decoding: writer.bytes))
        }
        var graph = GraphDef(nodes: nodes)
        let reparsed = try GraphDef(bytes: graph.serialized())
        #expect(reparsed.nodes.map(\.name) == ["input", "a", "b", "unused"])
        #expect(reparsed.nodes[2].sourceNodes == ["a", "input"])

        try graph.prune(keeping: ["b"])
        #expect(graph.nodes.map(\.name) == ["input", "a", "b"])
        try graph.replaceWithInt32Constant("a", values: [-1, 512])
        let constant = try #require(try GraphDef(bytes: graph.serialized()).node(named: "a"))
        #expect(constant.op == "Const" && constant.inputs.isEmpty)
        #expect(throws: VisionError.self) { try graph.prune(keeping: ["missing"]) }
    }

    /// The input's shape goes into the placeholder's `shape` attribute, replacing the one there; the other
    /// attributes stay.
    @Test func placeholderShapeIsDeclaredInTheGraph() throws {
        func attribute(_ key: String, _ value: [UInt8]) -> [UInt8] {
            var entry = ProtobufWriter()
            entry.writeString(field: 1, key)
            entry.writeBytes(field: 2, value)
            return entry.bytes
        }
        var dtype = ProtobufWriter()
        dtype.writeVarint(field: 6, 1)
        var writer = ProtobufWriter()
        writer.writeString(field: 1, "x")
        writer.writeString(field: 2, "Placeholder")
        writer.writeBytes(field: 5, attribute("dtype", dtype.bytes))
        writer.writeBytes(field: 5, attribute("shape", [0x3A, 0x00]))  // AttrValue.shape = an empty TensorShapeProto
        var graph = GraphDef(nodes: [try GraphDef.Node(decoding: writer.bytes)])
        try graph.setPlaceholderShape("x", to: [1, 64, -1, 3])

        var attributes: [String: [UInt8]] = [:]
        var reader = ProtobufReader(try #require(GraphDef(bytes: graph.serialized()).node(named: "x")).encoded)
        while let field = try reader.next() {
            guard field.number == 5, case .bytes(let entry) = field.value else { continue }
            var entryReader = ProtobufReader(entry)
            var key = "", value: [UInt8] = []
            while let part = try entryReader.next() {
                if case .bytes(let bytes) = part.value { if part.number == 1 { key = String(decoding: bytes, as: UTF8.self) } else { value = bytes } }
            }
            #expect(attributes[key] == nil, "attribute \(key) twice")
            attributes[key] = value
        }
        #expect(attributes["dtype"] == dtype.bytes)
        // AttrValue.shape (7) -> TensorShapeProto.dim (2) -> Dim.size (1)
        var dims: [Int64] = []
        var attr = ProtobufReader(try #require(attributes["shape"]))
        while let field = try attr.next() {
            guard field.number == 7, case .bytes(let shape) = field.value else { continue }
            var shapeReader = ProtobufReader(shape)
            while let dim = try shapeReader.next() {
                guard case .bytes(let bytes) = dim.value else { continue }
                var dimReader = ProtobufReader(bytes)
                if let size = try dimReader.next(), case .varint(let value) = size.value { dims.append(Int64(bitPattern: value)) }
            }
        }
        #expect(dims == [1, 64, -1, 3])
        #expect(throws: VisionError.self) { try graph.setPlaceholderShape("y", to: [1]) }
    }

    @Test func nonMaximumSuppressionKeepsTheBest() {
        let faces = [
            DetectedFace(box: Rect(x: 0, y: 0, width: 10, height: 10), score: 0.8, landmarks: []),
            DetectedFace(box: Rect(x: 1, y: 1, width: 10, height: 10), score: 0.9, landmarks: []),
            DetectedFace(box: Rect(x: 50, y: 50, width: 10, height: 10), score: 0.7, landmarks: []),
        ]
        let kept = RetinaFace.nonMaximumSuppression(faces, threshold: 0.4)
        #expect(kept.map(\.score) == [0.9, 0.7])
    }
}
