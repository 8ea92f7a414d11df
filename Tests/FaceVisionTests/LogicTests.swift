@testable import FaceVision
import Foundation
import Testing

@Suite("Graph surgery and evaluation logic")
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

    @Test func detectionEvaluationCountsBucketsAndFalsePositives() {
        var evaluation = DetectionEvaluation()
        let truths = [
            DetectionEvaluation.Truth(box: Rect(x: 0, y: 0, width: 10, height: 12)),     // < 16
            DetectionEvaluation.Truth(box: Rect(x: 100, y: 0, width: 40, height: 50)),   // 32-64
            DetectionEvaluation.Truth(box: Rect(x: 200, y: 0, width: 80, height: 90)),   // >= 64
            DetectionEvaluation.Truth(box: Rect(x: 300, y: 0, width: 20, height: 20), ignored: true),
        ]
        let detections = [
            DetectedFace(box: Rect(x: 101, y: 1, width: 40, height: 50), score: 0.99, landmarks: []),
            DetectedFace(box: Rect(x: 102, y: 2, width: 40, height: 50), score: 0.95, landmarks: []),  // duplicate
            DetectedFace(box: Rect(x: 300, y: 0, width: 20, height: 21), score: 0.95, landmarks: []),  // ignored face
            DetectedFace(box: Rect(x: 500, y: 0, width: 30, height: 30), score: 0.91, landmarks: []),  // nothing there
        ]
        evaluation.add(detections: detections, truths: truths)
        #expect(evaluation.buckets.map(\.faces) == [1, 0, 1, 1])
        #expect(evaluation.buckets.map(\.found) == [0, 0, 1, 0])
        #expect(evaluation.detections == 4 && evaluation.unmatchedDetections == 2)
        #expect(evaluation.precision == 0.5)
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
