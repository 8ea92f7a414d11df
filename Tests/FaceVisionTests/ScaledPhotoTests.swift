@testable import FaceVision
import Foundation
import Testing

/// Large JPEGs decoded at reduced scale for detection, and crops taken from a decode with enough pixels.
@Suite("Reduced decoding")
struct ScaledPhotoTests {
    @Test func reductionKeeps95PercentOfTheDetectorSide() {
        // (longer side, expected reduction) for a detector at 1024 (at least 973 px kept).
        for (side, expected) in [(1000, 1), (1900, 1), (1946, 2), (2000, 2), (2048, 2), (3000, 2), (4032, 4), (4624, 4), (8064, 8), (20000, 8)] {
            #expect(ScaledPhoto.reduction(longerSide: side, detectionSide: 1024) == expected, "longer side \(side)")
        }
    }

    /// A sample photo enlarged to 4032x3024 (a phone photo's size) and saved as a JPEG.
    static func phonePhoto(_ name: String) throws -> URL {
        let small = try Image(contentsOf: Fixtures.seedPhoto(name))
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("phone-\(name)")
        try small.resized(width: 4032, height: 3024).jpegData(quality: 92).write(to: url)
        return url
    }

    /// A group photo (faces of 290-470 px, cropped from the 1/2 decode) and a portrait (its face from the 1/4
    /// decode the detector saw).
    @Test(arguments: [("family.jpg", 2, 5), ("Jenny.jpg", 4, 1)])
    func aPhonePhotoIsDetectedAtAQuarterAndCroppedFromEnoughPixels(name: String, cropReduction: Int, minimumFaces: Int) throws {
        let url = try Self.phonePhoto(name)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let photo = try ScaledPhoto(contentsOf: url, detectionSide: 1024)
        #expect(photo.reduction == 4 && photo.image.width == 1008 && photo.image.height == 756)
        #expect(photo.width == 4032 && photo.height == 3024)

        let detector = try RetinaFace(modelURL: Fixtures.models.ensure(.retinaFace), engine: .openCV)
        let faces = photo.fullResolution(try detector.detect(in: photo.image))
        let full = try Image(contentsOf: url)
        // The same faces as in the full-size photo (detected there at 1024 too), in its coordinates.
        let direct = try detector.detect(in: full)
        #expect(faces.count == direct.count && faces.count >= minimumFaces, "\(faces.count) faces reduced, \(direct.count) at full size")
        for face in faces {
            let match = direct.max { $0.box.intersectionOverUnion(face.box) < $1.box.intersectionOverUnion(face.box) }
            #expect((match?.box.intersectionOverUnion(face.box) ?? 0) > 0.9, "face at \(face.box)")
        }

        let facenet = try FaceNet(modelURL: Fixtures.models.ensure(.faceNet), engine: .openCV)
        let needed: Float = 123
        var reductions: Set<Int> = []
        for face in faces {
            let (source, inSource) = try photo.source(for: [face], faceSize: needed)
            let reduction = 4032 / source.width
            reductions.insert(reduction)
            // The most reduced decode in which the face spans `needed` pixels.
            #expect(inSource[0].size >= needed * 0.99 || reduction == 1, "face of \(face.size) px: \(inSource[0].size) px at 1/\(reduction)")
            #expect(reduction == 4 || face.size / Float(2 * reduction) < needed, "face of \(face.size) px decoded at 1/\(reduction), 1/\(2 * reduction) would do")
            // Its embedding is the one the full-size photo gives.
            let reduced = try facenet.embed(inSource, in: source)[0]
            let reference = try facenet.embed([face], in: full)[0]
            #expect(reduced.similarity(to: reference) >= 0.98, "face of \(face.size) px at 1/\(reduction): cosine \(reduced.similarity(to: reference))")
        }
        // A photo's faces together: the smallest decides.
        let (together, _) = try photo.source(for: faces, faceSize: needed)
        #expect(4032 / together.width == cropReduction && reductions.min() == cropReduction, "decoded at 1/\(reductions.sorted())")
    }
}
