import FaceStore
import FaceVision
import Testing
@testable import FacePipeline

@Suite("Vision and store geometry")
struct StoredGeometryTests {
    @Test("a detected face stored and read back keeps its box, score and landmarks")
    func roundTrip() {
        let detected = DetectedFace(box: Rect(x: 10.5, y: 20.25, width: 40, height: 50.5), score: 0.75,
                                    landmarks: [Point(x: 20, y: 30), Point(x: 40, y: 31), Point(x: 30, y: 40),
                                                Point(x: 22, y: 55), Point(x: 38, y: 56)])
        let box = BoundingBox(detected.box)
        #expect(box == BoundingBox(x1: 10.5, y1: 20.25, x2: 50.5, y2: 70.75))
        #expect(detected.storedLandmarks == [20, 30, 40, 31, 30, 40, 22, 55, 38, 56])
        #expect(DetectedFace(stored: box, score: 0.75, landmarks: detected.storedLandmarks) == detected)
    }

    @Test("a face stored without score or landmarks counts as certain, with no points")
    func bareBox() {
        let face = DetectedFace(stored: BoundingBox(x1: 1, y1: 2, x2: 3, y2: 5))
        #expect(face.box == Rect(x: 1, y: 2, width: 2, height: 3) && face.score == 1 && face.landmarks.isEmpty)
        #expect(DetectedFace(stored: BoundingBox(x1: 0, y1: 0, x2: 1, y2: 1), landmarks: [1, 2, 3]).landmarks == [Point(x: 1, y: 2)])
    }
}
