import FaceVision
import Foundation
import Testing

/// RetinaFace in Swift must reproduce the TensorFlow graph's output (`retinaface-reference.json`).
@Suite("RetinaFace matches the TensorFlow reference")
struct ReferenceDetectionTests {
    struct Reference: Decodable {
        struct Face: Decodable {
            var box: [Float]
            var score: Float
            var landmarks: [[Float]]
        }
        var faces: [Face]
    }

    static let references: [String: Reference] = {
        guard let data = try? Data(contentsOf: Fixtures.seed.appendingPathComponent("retinaface-reference.json")),
              let decoded = try? JSONDecoder().decode([String: Reference].self, from: data)
        else { return [:] }
        return decoded
    }()

    @Test func referenceIsThere() {
        #expect(Self.references.count == 39, "retinaface-reference.json should describe the 39 sample photos")
    }

    @Test("each sample photo, on each engine", arguments: references.keys.sorted(), [InferenceEngine.Kind.openCV, .openVINO])
    func samplePhoto(name: String, engine: InferenceEngine.Kind) throws {
        let reference = try #require(Self.references[name])
        let image = try Image(contentsOf: Fixtures.seedPhoto(name))
        let faces = try Fixtures.referenceDetector(engine).detect(in: image)

        // Same faces at score >= 0.9, the default threshold.
        let expected = reference.faces.filter { $0.score >= 0.9 }
        let found = faces.filter { $0.score >= 0.9 }
        #expect(found.count == expected.count, "\(name): \(found.count) faces at >= 0.9, reference has \(expected.count)")

        var unused = faces
        for face in expected {
            let box = Rect(x1: face.box[0], y1: face.box[1], x2: face.box[2], y2: face.box[3])
            let match = unused.enumerated().min { a, b in Self.distance(a.element.box, box) < Self.distance(b.element.box, box) }
            guard let match else {
                Issue.record("\(name): no detection for reference face \(face.box)")
                continue
            }
            unused.remove(at: match.offset)
            let d = match.element
            #expect(Self.distance(d.box, box) <= 2, "\(name): box \(d.box) vs reference \(face.box)")
            for (point, ref) in zip(d.landmarks, face.landmarks) {
                #expect(abs(point.x - ref[0]) <= 2 && abs(point.y - ref[1]) <= 2, "\(name): landmark \(point) vs \(ref)")
            }
            #expect(abs(d.score - face.score) < 0.01, "\(name): score \(d.score) vs \(face.score)")
        }
    }

    /// Largest coordinate difference between two boxes, in pixels.
    static func distance(_ a: Rect, _ b: Rect) -> Float {
        max(abs(a.x - b.x), abs(a.y - b.y), abs(a.maxX - b.maxX), abs(a.maxY - b.maxY))
    }
}
