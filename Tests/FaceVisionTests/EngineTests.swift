@testable import FaceVision
import Foundation
import Synchronization
import Testing

/// OpenVINO against OpenCV dnn, the oracle: same faces, boxes, landmarks, scores and embeddings on
/// the sample photos; and the way frs falls back to OpenCV when OpenVINO is missing or damaged.
@Suite("Inference engines")
struct EngineTests {
    static func openVINO(_ precision: Precision) throws -> InferenceEngine {
        try InferenceEngine.openVINO(models: Fixtures.models, precision: precision)
    }

    /// Both engines at the same input size: longer side 640, padded to a multiple of 32.
    static func detector(_ engine: InferenceEngine) throws -> RetinaFace {
        var options = RetinaFace.Options()
        options.longerSide = 640...640
        options.scoreThreshold = 0.5
        options.paddingStep = 32
        return try RetinaFace(modelURL: Fixtures.models.ensure(.retinaFace), options: options, engine: engine)
    }

    static let photos: [URL] = (try? ImageFiles.list(in: Fixtures.seed)) ?? []

    @Test func seedPhotosAreThere() {
        #expect(Self.photos.count == 39)
    }

    /// Every face at score >= 0.9 in either result has one in the other; returns, per face, the
    /// largest box or landmark difference (pixels) and the score difference.
    static func matchFaces(_ expected: [DetectedFace], _ actual: [DetectedFace], photo: String) -> [(face: DetectedFace, error: Float, score: Float)] {
        var matches: [(face: DetectedFace, error: Float, score: Float)] = []
        for (from, to, label) in [(expected, actual, "OpenCV"), (actual, expected, "OpenVINO")] {
            for face in from where face.score >= 0.9 {
                guard let match = to.min(by: { distance($0.box, face.box) < distance($1.box, face.box) }),
                      match.box.intersectionOverUnion(face.box) >= 0.5
                else {
                    Issue.record("\(photo): the \(label) face at \(face.box) (score \(face.score)) has no counterpart")
                    continue
                }
                let landmarkError = zip(match.landmarks, face.landmarks).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max() ?? .infinity
                matches.append((face, max(distance(match.box, face.box), landmarkError), abs(match.score - face.score)))
            }
        }
        return matches
    }

    static func distance(_ a: Rect, _ b: Rect) -> Float {
        max(abs(a.x - b.x), abs(a.y - b.y), abs(a.maxX - b.maxX), abs(a.maxY - b.maxY))
    }

    @Test func openVINOf32DetectsWhatOpenCVDetects() throws {
        let oracle = try Self.detector(.openCV), tested = try Self.detector(Self.openVINO(.f32))
        var faces = 0
        for url in Self.photos {
            let image = try Image(contentsOf: url)
            let expected = try oracle.detect(in: image)
            faces += expected.filter { $0.score >= 0.9 }.count
            for match in Self.matchFaces(expected, try tested.detect(in: image), photo: url.lastPathComponent) {
                #expect(match.error <= 1, "\(url.lastPathComponent): face at \(match.face.box) off by \(match.error) px")
                #expect(match.score <= 0.01, "\(url.lastPathComponent): face at \(match.face.box): score differs by \(match.score)")
            }
        }
        #expect(faces >= 150, "the sample photos hold about 160 faces; found \(faces)")
    }

    /// bf16 keeps 8 bits of mantissa: the same faces, 95 % of them within 2 % of the face width
    /// (measured: median 0.4 %, p95 1.5 %); a few, cut by the border or blurred, up to 9 %.
    @Test func openVINObf16DetectsWhatOpenCVDetects() throws {
        let (matches, spread) = try Self.lowPrecisionMatches(.bf16)
        for match in matches {
            #expect(match.score <= 0.05, "\(match.photo): face at \(match.face.box): score differs by \(match.score)")
        }
        print("bf16 vs OpenCV, error / face width: median \(spread.median), p95 \(spread.p95), max \(spread.worst)")
        #expect(spread.median <= 0.01 && spread.p95 <= 0.02, "median \(spread.median), p95 \(spread.p95) of the face width")
        #expect(spread.worst <= 0.1, "largest error \(spread.worst) of the face width")
    }

    /// OpenVINO in `precision` against OpenCV on the sample photos (both directions, faces at score >= 0.9),
    /// and how far the boxes and landmarks are off, as a share of the face width.
    static func lowPrecisionMatches(_ precision: Precision) throws
        -> (matches: [(photo: String, face: DetectedFace, score: Float)], spread: (median: Float, p95: Float, worst: Float)) {
        let oracle = try detector(.openCV), tested = try detector(openVINO(precision))
        var matches: [(photo: String, face: DetectedFace, score: Float)] = [], relative: [Float] = []
        for url in photos {
            let image = try Image(contentsOf: url)
            for match in matchFaces(try oracle.detect(in: image), try tested.detect(in: image), photo: url.lastPathComponent) {
                matches.append((url.lastPathComponent, match.face, match.score))
                relative.append(match.error / match.face.box.width)
            }
        }
        relative.sort()
        try #require(relative.count >= 300, "both directions of about 160 faces")
        return (matches, (relative[relative.count / 2], relative[relative.count * 95 / 100], relative.last!))
    }

    /// int8 (the default except on CPUs with AMX; the rest in bf16 where the CPU has fast bf16): the same
    /// faces, boxes and landmarks a little further off than bf16's (measured on these photos with the rest
    /// in bf16: median 0.7 %, p95 1.4 %, max 5.3 % of the face width; scores within 0.011).
    @Test func openVINOint8DetectsWhatOpenCVDetects() throws {
        #expect(try Self.openVINO(.int8).precision == "int8")
        let (matches, spread) = try Self.lowPrecisionMatches(.int8)
        let score = matches.map(\.score).max()!
        print("int8 vs OpenCV, error / face width: median \(spread.median), p95 \(spread.p95), max \(spread.worst); largest score difference \(score)")
        #expect(spread.median <= 0.015 && spread.p95 <= 0.03, "median \(spread.median), p95 \(spread.p95) of the face width")
        #expect(spread.worst <= 0.08, "largest error \(spread.worst) of the face width")
        #expect(score <= 0.05, "largest score difference \(score)")
    }

    /// Every range of the int8 calibration names a tensor of its graph, and quantizing puts fake-quantization
    /// nodes where `GraphDef.quantize` says: in front of the weights and inputs of each calibrated op, before
    /// a zero `Pad` rather than after it, and none in front of the ops left in f32; the batch norm after each
    /// bias-corrected op reads the old mean plus the correction.
    @Test func int8CalibrationFitsTheGraphs() throws {
        let original = try GraphDef(contentsOf: Fixtures.models.ensure(.retinaFace), model: "RetinaFace")
        var retinaFace = original
        var faceNet = try GraphDef(contentsOf: Fixtures.models.ensure(.faceNet), model: "FaceNet")
        for (graph, calibration, label) in [(retinaFace, Int8Calibration.retinaFace, "RetinaFace"), (faceNet, .faceNet, "FaceNet")] {
            let names = Set(graph.nodes.map(\.name))
            // A key is an op's input as written: a node's name, or `name:0` for its first output.
            let missing = calibration.activations.keys.filter { !names.contains($0.hasSuffix(":0") ? String($0.dropLast(2)) : $0) }
            #expect(missing.isEmpty, "\(label) has no tensors named \(missing)")
            #expect(calibration.activations.values.allSatisfy { $0.contains(0) && $0.upperBound > $0.lowerBound })
        }
        let quantizable = retinaFace.nodes.filter { Int8Calibration.weightRangeWidening[$0.op] != nil }
        let calibrated = quantizable.filter { Int8Calibration.retinaFace.activations[$0.inputs[0]] != nil }
        #expect(try retinaFace.quantize(with: .retinaFace) == calibrated.count)
        #expect(calibrated.count >= 60 && calibrated.count < quantizable.count, "\(calibrated.count) of \(quantizable.count)")
        let byName = Dictionary(retinaFace.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for op in quantizable {
            let node = try #require(byName[op.name])
            let weights = try #require(byName[node.sourceNodes[1]])
            if calibrated.contains(where: { $0.name == op.name }) {
                #expect(weights.op == (op.op == "DepthwiseConv2dNative" ? "Reshape" : "FakeQuantWithMinMaxVarsPerChannel"), "\(op.name)")
                let input = try #require(byName[node.sourceNodes[0]])
                if input.op == "Pad" {
                    #expect(byName[input.sourceNodes[0]]?.op == "FakeQuantWithMinMaxVars", "\(op.name): quantized before its Pad")
                } else {
                    #expect(input.op == "FakeQuantWithMinMaxVars", "\(op.name)")
                }
            } else {
                #expect(node.inputs == op.inputs, "\(op.name) is left as it was")
            }
        }
        let corrections = Int8Calibration.retinaFace.biasCorrections
        #expect(corrections.count == 3, "RetinaFace's first three depthwise convolutions")
        let originalByName = Dictionary(original.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (op, shift) in corrections {
            #expect(calibrated.contains { $0.name == op && $0.op == "DepthwiseConv2dNative" }, "\(op) is a quantized depthwise convolution")
            let norm = try #require(retinaFace.nodes.first { $0.op == "FusedBatchNormV3" && $0.sourceNodes.first == op })
            let before = try #require(originalByName[norm.name])
            let mean = try FloatTensor(constant: #require(byName[norm.sourceNodes[3]]))
            // The graph's mean is a Const read through an Identity.
            let identity = try #require(originalByName[before.sourceNodes[3]])
            let oldMean = try FloatTensor(constant: #require(originalByName[identity.op == "Identity" ? identity.sourceNodes[0] : identity.name]))
            #expect(norm.sourceNodes[3].hasPrefix("frs_int8/") && mean.values.count == shift.count)
            #expect(zip(mean.values, zip(oldMean.values, shift)).allSatisfy { $0 == $1.0 + $1.1 }, "\(norm.name): mean + correction")
            #expect(shift.contains { $0 != 0 } && shift.allSatisfy { abs($0) < 1 })
        }
        // FaceNet: every convolution and the bottleneck MatMul.
        let ops = faceNet.nodes.filter { $0.op == "Conv2D" || $0.op == "MatMul" }.count
        #expect(try faceNet.quantize(with: .faceNet) == ops && ops == 133)
    }

    /// The weights' ranges come from the constants themselves: a float constant reads back as written, and
    /// the per-channel magnitudes are those of the last axis.
    @Test func floatConstantsReadBack() throws {
        let node = GraphDef.Node.floatConstant(name: "w", values: [1, -3, 0.5, 2, -0.25, 4], shape: [3, 2])
        let tensor = try FloatTensor(constant: try GraphDef.Node(decoding: node.encoded))
        #expect(tensor.shape == [3, 2] && tensor.values == [1, -3, 0.5, 2, -0.25, 4])
        #expect(tensor.channelMagnitudes() == [1, 4])
        #expect(throws: VisionError.self) { try FloatTensor(constant: GraphDef.Node.int32Constant(name: "i", values: [1, 2])) }
    }

    /// The faces of the sample photos as OpenCV finds them, cropped the way FaceNet takes them.
    static let crops: Result<[Image], Error> = Result {
        let detector = try Self.detector(.openCV)
        return try photos.flatMap { url -> [Image] in
            let image = try Image(contentsOf: url)
            return try detector.detect(in: image).filter { $0.score >= 0.9 }.map { face in
                try image.cropped(to: FaceNet.cropRect(for: face.box, in: image), width: FaceNet.inputSide, height: FaceNet.inputSide,
                                  pad: false, interpolation: .linear)
            }
        }
    }

    static func embeddings(_ engine: InferenceEngine, batchSize: Int = 8, crops: [Image]? = nil) throws -> [FaceEmbedding] {
        let facenet = try FaceNet(modelURL: Fixtures.models.ensure(.faceNet), batchSize: batchSize, engine: engine)
        return try facenet.embed(crops: crops ?? Self.crops.get())
    }

    // int8 measured on these faces: lowest cosine 0.9947, norm within 2.7 % with the rest in f32, 0.9956 and
    // 2.8 % with it in bf16 (on LFW clustering as good as f32: BCubed F 0.974-0.975).
    @Test(arguments: [(Precision.f32, Float(0.99999)), (.bf16, 0.999), (.int8, 0.99)])
    func openVINOEmbeddingsMatchOpenCV(precision: Precision, minimum: Float) throws {
        let expected = try Self.embeddings(.openCV)
        let actual = try Self.embeddings(Self.openVINO(precision))
        #expect(expected.count == actual.count && expected.count >= 150)
        let worst = zip(expected, actual).map { $0.similarity(to: $1) }.min() ?? 0
        #expect(worst >= minimum, "lowest cosine to OpenCV's embedding: \(worst) in \(precision)")
        let quality = zip(expected, actual).map { abs($0.quality - $1.quality) / $0.quality }.max() ?? 1
        print("\(precision) vs OpenCV: lowest cosine \(worst), norm within \(quality)")
        #expect(quality < ["f32": 1e-4, "bf16": 0.02, "int8": 0.05][precision.rawValue]!, "quality (norm) differs by \(quality) of its value")
    }

    @Test func openVINOBatchedEqualsOneByOne() throws {
        // 13 faces at batch size 8: passes of 8 and 5 through one compiled graph.
        let crops = Array(try Self.crops.get().prefix(13))
        let engine = try Self.openVINO(.f32)
        let single = try Self.embeddings(engine, batchSize: 1, crops: crops)
        let batched = try Self.embeddings(engine, batchSize: 8, crops: crops)
        #expect(single.count == 13 && batched.count == 13)
        for (a, b) in zip(single, batched) {
            let difference = zip(a.vector, b.vector).map { abs($0 - $1) }.max() ?? 1
            #expect(difference < 1e-4, "batched and batch-1 embeddings differ by \(difference)")
        }
    }

    /// One OpenVINO network serves several threads at once (each forward pass on an inference request of its
    /// own), with the results it gives one at a time.
    @Test func oneNetworkServesConcurrentCallers() throws {
        let engine = try Self.openVINO(.f32)
        let facenet = try FaceNet(modelURL: Fixtures.models.ensure(.faceNet), batchSize: 4, engine: engine)
        let crops = try Self.crops.get()
        let parts = (0..<4).map { part in Array(crops[(part * 10)..<(part * 10 + 6 + part)]) }
        let expected = try parts.map { try facenet.embed(crops: $0) }
        let results = Mutex<[Int: [FaceEmbedding]]>([:])
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let embeddings = try? facenet.embed(crops: parts[i % 4])
            results.withLock { $0[i] = embeddings }
        }
        let got = results.withLock { $0 }
        #expect(got.count == 8)
        for i in 0..<8 {
            let actual = try #require(got[i], "call \(i) failed")
            let difference = zip(expected[i % 4], actual).flatMap { zip($0.vector, $1.vector).map { abs($0 - $1) } }.max() ?? 1
            #expect(actual.count == expected[i % 4].count && difference < 1e-5, "call \(i): differs by \(difference)")
        }
    }

    /// A patched graph is written once and then used without being made again; one that changed on disk
    /// is made and written again.
    @Test func patchedGraphsAreWrittenOnceAndRepairedWhenChanged() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let models = ModelStore(directory: directory)
        let runtime = try OpenVINORuntime.load(from: Fixtures.models)
        let engine = InferenceEngine(kind: .openVINO, version: runtime.version, precision: "f32",
                                     backend: OpenVINOBackend(runtime: runtime, models: models, precision: "f32", streams: 1))
        let photo = try Image(contentsOf: Fixtures.seedPhoto("Jenny.jpg"))
        func detect() throws -> [DetectedFace] { try Self.detector(engine).detect(in: photo) }
        let expected = try detect()
        let graphs = try FileManager.default.contentsOfDirectory(at: models.graphDirectory, includingPropertiesForKeys: nil)
        let graph = try #require(graphs.first { $0.pathExtension == "pb" })
        #expect(graphs.count == 2, "one graph and its digest: \(graphs.map(\.lastPathComponent))")
        let written = try FileManager.default.attributesOfItem(atPath: graph.path)[.modificationDate] as? Date

        #expect(try detect().count == expected.count)
        #expect(try FileManager.default.attributesOfItem(atPath: graph.path)[.modificationDate] as? Date == written, "not written again")

        try Data("not a graph".utf8).write(to: graph)
        #expect(try detect().count == expected.count)
        let digest = try String(contentsOf: graph.appendingPathExtension("sha256"), encoding: .utf8)
        #expect(try ModelStore.sha256(of: graph) == digest, "the changed graph was made and written again")
    }

    @Test func paddedSizes() {
        #expect(RetinaFace.padded(481, step: 128) == 512 && RetinaFace.padded(640, step: 128) == 640)
        #expect(RetinaFace.padded(641, step: 32) == 672 && RetinaFace.padded(100, step: 50) == 128)
    }

    @Test func missingOpenVINOFallsBackToOpenCV() throws {
        let empty = ModelStore(directory: try Fixtures.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: empty.directory) }
        #expect(empty.engineState() == .missing)
        var notices: [String] = []
        let engine = try InferenceEngine.select(.auto, precision: .auto, models: empty) { notices.append($0) }
        #expect(engine.kind == .openCV && engine.precision == "f32")
        #expect(notices.count == 1 && notices[0].contains("not installed"), "\(notices)")
        // Asked for by name, a missing OpenVINO is an error that says how to get it.
        #expect { try InferenceEngine.select(.openvino, precision: .auto, models: empty) } throws: { error in
            "\(error)".contains("frs models install")
        }
        // And OpenCV is there for what follows: a detector on the fallback engine finds faces.
        let detector = try RetinaFace(modelURL: Fixtures.models.ensure(.retinaFace), engine: engine)
        #expect(try detector.detect(in: Image(contentsOf: Fixtures.seedPhoto("Jenny.jpg"))).count >= 1)
    }

    @Test func corruptLibraryIsRefused() throws {
        let installed = Fixtures.models
        try #require(installed.engineState() == .installed, "OpenVINO must be installed (frs models install) for this test")
        let copy = ModelStore(directory: try Fixtures.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: copy.directory) }
        try FileManager.default.copyItem(at: installed.engineDirectory, to: copy.engineDirectory)
        #expect(copy.engineState() == .installed)

        // One flipped byte, same size: only the SHA-256 can tell.
        let library = copy.engineDirectory.appendingPathComponent("libopenvino_c.so.2641")
        let handle = try FileHandle(forUpdating: library)
        try handle.seek(toOffset: 4096)
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()

        guard case .corrupt(let reason) = copy.engineState() else {
            Issue.record("a changed library passed verification")
            return
        }
        #expect(reason.contains("libopenvino_c.so.2641") && reason.contains("SHA-256"), "\(reason)")
        #expect { try InferenceEngine.openVINO(models: copy) } throws: { "\($0)".contains("fail verification") }
        var notices: [String] = []
        let engine = try InferenceEngine.select(.auto, precision: .auto, models: copy) { notices.append($0) }
        #expect(engine.kind == .openCV)
        #expect(notices.count == 1 && notices[0].contains("fail verification"), "\(notices)")
    }
}
