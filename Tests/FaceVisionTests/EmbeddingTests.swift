import FaceVision
import Foundation
import Testing

@Suite("FaceNet embeddings")
struct EmbeddingTests {
    /// The largest face of a sample photo, embedded.
    static func embedding(of name: String) throws -> FaceEmbedding {
        let analyzer = try Fixtures.analyzer()
        let image = try Image(contentsOf: Fixtures.seedPhoto(name))
        let face = try #require(try analyzer.faces(in: image).max { $0.box.area < $1.box.area }, "\(name): no face")
        return try analyzer.embeddings(of: [face], in: image)[0]
    }

    @Test func vectorsAreNormalised() throws {
        let e = try Self.embedding(of: "Jenny.jpg")
        #expect(e.vector.count == FaceNet.dimension)
        #expect(abs(e.similarity(to: e) - 1) < 1e-4)
        #expect(e.quality > 0)
    }

    @Test func frameCutIsTheShareOfTheCropOutsideThePicture() {
        // A 100 px box grows by 30 % to a 130 px crop.
        #expect(FaceNet.frameCut(of: Rect(x: 100, y: 100, width: 100, height: 100), width: 640, height: 480) == 0)
        // Its left edge at 0: 15 px of the 130 px crop stick out on that side.
        let cut = FaceNet.frameCut(of: Rect(x: 0, y: 100, width: 100, height: 100), width: 640, height: 480)
        #expect(abs(cut - 15.0 / 130.0) < 1e-5)
        #expect(FaceNet.frameCut(of: Rect(x: 700, y: 100, width: 100, height: 100), width: 640, height: 480) == 1, "wholly outside")
        #expect(FaceNet.frameCut(of: Rect(x: 10, y: 10, width: 0, height: 0), width: 640, height: 480) == 0, "an empty box")
    }

    @Test func samePersonIsSimilar() throws {
        let similarity = try Self.embedding(of: "Imran_Khan.jpg").similarity(to: Self.embedding(of: "Imran-Khan.jpg"))
        #expect(similarity > 0.5, "two photos of Imran Khan: similarity \(similarity)")
    }

    @Test func differentNamedPeopleAreNot() throws {
        let labels = try String(contentsOf: Fixtures.seedPhoto("labels.csv"), encoding: .utf8)
        let named: [(path: String, identity: String)] = labels.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 3, columns[2] == "single", !columns[1].isEmpty, !columns[1].hasSuffix("?") else { return nil }
            return (columns[0], columns[1])
        }
        #expect(Set(named.map(\.identity)).count >= 4)
        let embeddings = try named.map { try Self.embedding(of: $0.path) }
        var pairs = 0
        for i in named.indices {
            for j in named.indices where j > i && named[i].identity != named[j].identity {
                let similarity = embeddings[i].similarity(to: embeddings[j])
                pairs += 1
                #expect(similarity < 0.4, "\(named[i].path) vs \(named[j].path): \(similarity)")
            }
        }
        #expect(pairs > 20)
    }

    @Test func batchedEqualsOneByOne() throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image(contentsOf: Fixtures.seedPhoto("GroupM.jpg"))
        let faces = try analyzer.faces(in: image)
        #expect(faces.count >= 5)
        let crops = try faces.map {
            try image.cropped(to: FaceNet.cropRect(for: $0.box, in: image), width: 160, height: 160, pad: false, interpolation: .linear)
        }
        let facenet = try analyzer.embedder
        let original = facenet.batchSize
        defer { facenet.batchSize = original }
        facenet.batchSize = 1
        let single = try facenet.embed(crops: crops)
        facenet.batchSize = 4  // uneven: the last batch is smaller
        let batched = try facenet.embed(crops: crops)
        for (a, b) in zip(single, batched) {
            let difference = zip(a.vector, b.vector).map { abs($0 - $1) }.max() ?? 1
            #expect(difference < 1e-4, "batched and batch-1 embeddings differ by \(difference)")
            #expect(abs(a.quality - b.quality) < 1e-3)
        }
    }

    /// The left-right mirror image of `image`.
    static func mirrored(_ image: Image) throws -> Image {
        let pixels = image.bgrPixels, width = image.width
        var out = pixels
        for y in 0..<image.height {
            for x in 0..<width {
                for c in 0..<3 { out[(y * width + x) * 3 + c] = pixels[(y * width + width - 1 - x) * 3 + c] }
            }
        }
        return try Image(bgr: out, width: width, height: image.height)
    }

    @Test("flip: a face and its mirror image get one embedding, batched as one by one; the quality stays the face's own norm")
    func flipAveragesTheMirrorImage() throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image(contentsOf: Fixtures.seedPhoto("GroupM.jpg"))
        let faces = try analyzer.faces(in: image)
        #expect(faces.count >= 5)
        let crops = try faces.map {
            try image.cropped(to: FaceNet.cropRect(for: $0.box, in: image), width: 160, height: 160, pad: false, interpolation: .linear)
        }
        let model = try Fixtures.models.ensure(.faceNet)
        let plain = try FaceNet(modelURL: model, batchSize: 1, flip: false, engine: analyzer.engine)
        let flipped = try FaceNet(modelURL: model, batchSize: 1, flip: true, engine: analyzer.engine)
        #expect(plain.modelTag == FaceNet.modelTag && flipped.modelTag == FaceNet.modelTag + "+flip")

        let single = try flipped.embed(crops: crops)
        let ofMirrors = try flipped.embed(crops: crops.map(Self.mirrored))
        let unflipped = try plain.embed(crops: crops)
        let mirrorsUnflipped = try plain.embed(crops: crops.map(Self.mirrored))
        flipped.batchSize = 4  // uneven: the last batch is smaller
        let batched = try flipped.embed(crops: crops)
        // OpenCV's blobs are NCHW, OpenVINO's NHWC: the mirror image is the same in both (compared in f32;
        // the default engine may run int8, which EngineTests bounds).
        let onOpenCV = try FaceNet(modelURL: model, batchSize: 4, flip: true, engine: .openCV).embed(crops: crops)
        let inF32 = analyzer.engine.kind == .openVINO ? try InferenceEngine.openVINO(models: Fixtures.models, precision: .f32) : .openCV
        let singleInF32 = try FaceNet(modelURL: model, batchSize: 1, flip: true, engine: inF32).embed(crops: crops)
        for i in crops.indices {
            #expect(abs(single[i].similarity(to: single[i]) - 1) < 1e-4, "not unit length")
            // The mean of a face's and its mirror's unit vectors, normalised.
            let expected = FaceEmbedding(vector: zip(unflipped[i].vector, mirrorsUnflipped[i].vector).map { $0 + $1 }, quality: 0)
            let norm = expected.vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(single[i].similarity(to: expected) / norm - 1) < 1e-4, "face \(i) is not the mean of the two embeddings")
            // Mirroring the input only swaps the two halves of the mean.
            #expect(single[i].similarity(to: ofMirrors[i]) > 0.9999, "face \(i) and its mirror image: \(single[i].similarity(to: ofMirrors[i]))")
            #expect(single[i].similarity(to: batched[i]) > 0.9999, "face \(i) batched: \(single[i].similarity(to: batched[i]))")
            #expect(singleInF32[i].similarity(to: onOpenCV[i]) > 0.9999, "face \(i) on OpenCV: \(singleInF32[i].similarity(to: onOpenCV[i]))")
            // The mirror image adds information: the vector moves, but stays the same face.
            let moved = single[i].similarity(to: unflipped[i])
            #expect(moved < 0.9999 && moved > 0.8, "face \(i): flip vs no flip \(moved)")
            #expect(abs(single[i].quality - unflipped[i].quality) < 1e-3 * unflipped[i].quality, "quality is the unflipped norm")
        }
    }
}
