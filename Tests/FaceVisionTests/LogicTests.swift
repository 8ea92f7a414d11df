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
