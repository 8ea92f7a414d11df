import ArgumentParser
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension FRS {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure where the time goes, per inference engine and precision: decoding, detection, embedding, storing, end to end.",
            discussion: """
            Decoding is timed at full size and the way the pipeline reads photos (large JPEGs at reduced \
            scale). Then, for each engine (and for OpenVINO each precision): detection one image at a \
            time, embedding the faces found at several batch sizes (checking that batched vectors equal \
            batch-1 vectors), and the whole pipeline (`frs add` + `frs run`) on a throw-away SQLite \
            library, with the time of each stage. With --video, also compares two ways of reading a \
            video's sampled frames. Prints throughputs; nothing is kept.
            """
        )

        @Argument(help: "A folder of photos (e.g. ../shared/data/seed).", completion: .directory)
        var folder: String

        @Option(parsing: .upToNextOption, help: "Engines to compare.") var engines: [EngineChoice] = [.opencv, .openvino]
        @Option(parsing: .upToNextOption, help: "Precisions to compare on OpenVINO.") var precisions: [Precision] = [.f32, .bf16, .int8]
        @Option(help: ArgumentHelp("Longer side for detection (default: the pipeline's, 640 to 1024).", valueName: "px")) var side: Int?
        @Option(parsing: .upToNextOption, help: "Batch sizes to compare for embedding.") var batchSizes: [Int] = [1, 8]
        @Option(help: "Repeat each step measurement this many times and keep the best.") var repeats = 1
        @Flag(help: "Leave out the end-to-end pipeline run.") var noPipeline = false
        @Flag(help: "Only the end-to-end pipeline run: leave out decoding, detection and embedding step by step.") var onlyPipeline = false
        @Option(help: "Detection workers in the pipeline run (default: the library's setting).") var workers: Int?
        @Option(help: ArgumentHelp("A video to measure frame reading on.", valueName: "file"), completion: .file()) var video: String?
        @Option(help: ArgumentHelp("Seconds between the video frames read.", valueName: "seconds")) var videoInterval = 1.0
        @OptionGroup var modelOptions: ModelOptions

        func validate() throws {
            guard batchSizes.allSatisfy({ $0 >= 1 }) else { throw ValidationError("batch sizes must be at least 1") }
            if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be between 1 and 64") }
            if noPipeline && onlyPipeline { throw ValidationError("--no-pipeline and --only-pipeline leave nothing to measure") }
            if let side, side < 32 { throw ValidationError("--side must be at least 32") }
        }

        func run() async throws {
            if let video { try benchmarkVideo(URL(fileURLWithPath: video)) }
            let files = try ImageFiles.list(in: URL(fileURLWithPath: folder, isDirectory: true))
            guard !files.isEmpty else { throw ValidationError("no photos in \(folder)") }
            var detection = RetinaFace.Options()
            if let side { detection.longerSide = side...side }

            let store = try modelOptions.store
            var configurations: [(EngineChoice, Precision)] = []
            for engine in engines {
                if engine == .opencv { configurations.append((.opencv, .f32)) } else { configurations += precisions.map { (engine, $0) } }
            }
            if onlyPipeline {
                for (choice, precision) in configurations {
                    print("\n== \(choice.rawValue), precision \(precision.rawValue)")
                    try await benchmarkPipeline(engine: choice, precision: precision, photos: files.count)
                }
                return
            }

            var photos: [ScaledPhoto] = []
            let full = try best(of: repeats) { for url in files { _ = try? Image(contentsOf: url) } }
            let scaled = try best(of: repeats) {
                photos = files.compactMap { try? ScaledPhoto(contentsOf: $0, detectionSide: detection.longerSide.upperBound) }
            }
            guard !photos.isEmpty else { throw ValidationError("no readable photos in \(folder)") }
            let reduced = photos.filter { $0.reduction > 1 }.count
            print("\(files.count) photos in \(folder)")
            print(String(format: "decode, full size:       %7.1f ms per photo", full * 1000 / Double(files.count)))
            print(String(format: "decode, as the pipeline: %7.1f ms per photo (%d of %d JPEGs at reduced scale)", scaled * 1000 / Double(files.count),
                         reduced, photos.count))

            for (choice, precision) in configurations {
                let engine = try InferenceEngine.select(choice, precision: precision, models: store, notice: Console.status)
                print("\n== \(engine)")
                try benchmarkSteps(photos: photos, engine: engine, detection: detection, models: store)
                if !noPipeline { try await benchmarkPipeline(engine: choice, precision: precision, photos: photos.count) }
            }
        }

        private func benchmarkSteps(photos: [ScaledPhoto], engine: InferenceEngine, detection: RetinaFace.Options, models: ModelStore) throws {
            let detector = try RetinaFace(modelURL: models.ensure(.retinaFace) { Console.status($0) }, options: detection, engine: engine)
            // The first pass compiles or builds the network for each input size; the timed passes follow.
            var faces = try photos.map { try detector.detect(in: $0.image) }
            let detectSeconds = try best(of: repeats) { faces = try photos.map { try detector.detect(in: $0.image) } }
            let faceCount = faces.reduce(0) { $0 + $1.count }
            print(String(format: "detect: %6.1f ms per photo (%.2f photos/s), %d faces", detectSeconds * 1000 / Double(photos.count),
                         Double(photos.count) / detectSeconds, faceCount))

            let crops = try zip(photos, faces).flatMap { photo, found in
                let (image, inImage) = try photo.source(for: photo.fullResolution(found), faceSize: Float(FaceNet.inputSide) / (1 + FaceNet.cropMargin))
                return try inImage.map { face in
                    try image.cropped(to: FaceNet.cropRect(for: face.box, in: image), width: FaceNet.inputSide, height: FaceNet.inputSide,
                                      pad: false, interpolation: .linear)
                }
            }
            guard !crops.isEmpty else { return }
            // Without and with the mirrored face (`embedding_flip`), which costs a second forward pass per face.
            for flip in [false, true] {
                let facenet = try FaceNet(modelURL: models.ensure(.faceNet) { Console.status($0) }, flip: flip, engine: engine)
                var reference: [FaceEmbedding] = []
                for batchSize in batchSizes {
                    facenet.batchSize = batchSize
                    var vectors = try facenet.embed(crops: crops)  // compiles or warms up this batch's shapes
                    let seconds = try best(of: repeats) { vectors = try facenet.embed(crops: crops) }
                    if reference.isEmpty { reference = vectors }
                    let maxDifference = zip(reference, vectors).map { a, b in zip(a.vector, b.vector).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
                    print(String(format: "embed%@, batch %2d: %6.1f ms per face (%.1f faces/s), max |difference| to batch %d: %.1e",
                                 flip ? " + flip" : "", batchSize, seconds * 1000 / Double(crops.count), Double(crops.count) / seconds,
                                 batchSizes[0], maxDifference))
                }
            }
        }

        /// `frs add FOLDER && frs run` on a throw-away SQLite library, timed by stage.
        private func benchmarkPipeline(engine: EngineChoice, precision: Precision, photos: Int) async throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("frs-bench-\(UUID().uuidString)", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: root) }
            var settings = Settings(locations: StandardLocations())
            settings.dataDirectory = DataDirectory(root: root)
            settings.modelsDirectory = try modelOptions.store.directory
            settings.engine = engine
            settings.precision = precision
            if let side { settings.detection.maxSide = side }
            if let workers { settings.workers = workers }
            try settings.dataDirectory.create()
            let started = Date()
            let summary = try await withFaceStore(settings.database) { store in
                try await PipelineCycle(store: store, settings: settings, recognition: Recognizer.Options(), stop: StopSignal())
                    .run(folders: [folder], dryRun: false, progress: { Console.status($0) })
            }
            let total = Date().timeIntervalSince(started)
            let s = summary.detection.stages
            print(String(format: "pipeline (add + run): %.1f s, %.2f photos/s; %d photos, %d faces", total, Double(photos) / total,
                         summary.detection.done, summary.detection.faces))
            print(String(format: "  add %.1f s | detect+embed %.1f s: decode %.1f (overlapped), detect %.1f, embed %.1f, thumbnails %.1f, store %.1f | recognize %.1f s",
                         summary.seconds.add, summary.seconds.detect, s.decode, s.detect, s.embed, s.thumbnails, s.store, summary.seconds.recognize))
        }

        private func benchmarkVideo(_ url: URL) throws {
            let opened = try Video(contentsOf: url)
            let frames = opened.sampledFrames(every: videoInterval)
            print("video \(url.lastPathComponent): \(opened.width)x\(opened.height), \(opened.frameCount) frames at \(String(format: "%.1f", opened.framesPerSecond)) fps; reading \(frames.count) frames, one every \(videoInterval) s")
            let forward = try best(of: repeats) {
                let reader = MediaReader()
                for frame in frames { _ = try reader.image(path: url.path, frame: frame) }
            }
            let seeking = try best(of: repeats) {
                for frame in frames { _ = try Image.read(url, frame: frame) }
            }
            print(String(format: "  one reader going forward: %6.1f frames/s", Double(frames.count) / forward))
            print(String(format: "  open and seek per frame:  %6.1f frames/s (x%.2f slower)", Double(frames.count) / seeking, seeking / forward))
        }

        private func best(of repeats: Int, _ body: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            for _ in 0..<max(1, repeats) {
                let start = Date()
                try body()
                best = min(best, Date().timeIntervalSince(start))
            }
            return best
        }
    }
}
