import FaceEvaluation
import FaceVision
import Testing

@Suite("Evaluation logic")
struct DetectionEvaluationTests {
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
}
