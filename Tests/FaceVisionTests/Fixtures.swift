import FRSTestSupport
import FaceVision
import Foundation
import Testing

/// Paths and shared, lazily loaded models for the tests.
enum Fixtures {
    /// `../shared/data` beside the repository (or $FRS_SHARED_DATA).
    static var seed: URL { SharedData.seed }

    static func seedPhoto(_ name: String) throws -> URL {
        let url = seed.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureError("missing \(url.path): the evaluation data must sit in ../shared/data (or set FRS_SHARED_DATA)")
        }
        return url
    }

    /// One analyzer for all tests; models are installed on first use.
    /// The model cache the tests share (`$FRS_MODELS`, else frs's default).
    static var models: ModelStore { ModelStore(directory: SharedData.models) }

    private static let analyzerResult = Result { try FaceAnalyzer(models: models, progress: { print($0) }) }
    static func analyzer() throws -> FaceAnalyzer { try analyzerResult.get() }

    /// Detectors that work at longer side 640 and keep scores >= 0.5, like the reference: on OpenCV,
    /// and on OpenVINO in f32 (the reference is TensorFlow's f32 output).
    private static func makeReferenceDetector(_ engine: () throws -> InferenceEngine) -> Result<RetinaFace, Error> {
        Result {
            var options = RetinaFace.Options()
            options.longerSide = 640...640
            options.scoreThreshold = 0.5
            return try RetinaFace(modelURL: models.ensure(.retinaFace), options: options, engine: engine())
        }
    }
    private static let referenceDetectors: [InferenceEngine.Kind: Result<RetinaFace, Error>] = [
        .openCV: makeReferenceDetector { .openCV },
        .openVINO: makeReferenceDetector { try InferenceEngine.openVINO(models: models, precision: .f32) },
    ]
    static func referenceDetector(_ engine: InferenceEngine.Kind) throws -> RetinaFace { try referenceDetectors[engine]!.get() }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frs-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A synthetic photo: a smooth colour gradient, no faces.
    static func gradientImage(width: Int, height: Int) throws -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / max(1, width - 1))
                pixels[i + 1] = UInt8(y * 255 / max(1, height - 1))
                pixels[i + 2] = 128
            }
        }
        return try Image(bgr: pixels, width: width, height: height)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
