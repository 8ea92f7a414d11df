import ArgumentParser
import FaceVision
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure detection and embedding throughput on a folder of photos.",
        discussion: """
        Detection runs at a fixed longer side (default 640) one image at a time; embedding runs the \
        faces found at several batch sizes, and checks that batched vectors equal batch-1 vectors. \
        With --video, also compares two ways of reading a video's sampled frames: one reader going \
        forward (what a detection worker does) and opening and seeking the file for every frame. \
        Prints throughputs and ratios; nothing is stored.
        """
    )

    @Argument(help: "A folder of photos (e.g. ../shared/data/seed).", completion: .directory)
    var folder: String

    @Option(help: ArgumentHelp("Longer side for detection.", valueName: "px")) var side = 640
    @Option(parsing: .upToNextOption, help: "Batch sizes to compare for embedding.") var batchSizes: [Int] = [1, 4, 8, 16]
    @Option(help: "Repeat each measurement this many times and keep the best.") var repeats = 2
    @Option(help: ArgumentHelp("A video to measure frame reading on.", valueName: "file"), completion: .file()) var video: String?
    @Option(help: ArgumentHelp("Seconds between the video frames read.", valueName: "seconds")) var videoInterval = 1.0
    @OptionGroup var modelOptions: ModelOptions

    func run() async throws {
        if let video { try benchmarkVideo(URL(fileURLWithPath: video)) }
        var detection = RetinaFace.Options()
        detection.longerSide = side...side
        let analyzer = try modelOptions.analyzer(detection: detection)
        let images = try ImageFiles.list(in: URL(fileURLWithPath: folder, isDirectory: true)).compactMap { url -> Image? in
            try? Image(contentsOf: url)
        }
        guard !images.isEmpty else { throw ValidationError("no readable images in \(folder)") }

        _ = try analyzer.faces(in: images[0])  // load the network for the common sizes once, outside the timing
        var faces: [[DetectedFace]] = []
        let detectSeconds = try best(of: repeats) {
            faces = try images.map { try analyzer.faces(in: $0) }
        }
        let faceCount = faces.reduce(0) { $0 + $1.count }
        print("detection at longer side \(side): \(images.count) images, \(faceCount) faces")
        print(String(format: "  %.2f images/s (%.0f ms per image)", Double(images.count) / detectSeconds, detectSeconds * 1000 / Double(images.count)))

        let crops = try zip(images, faces).flatMap { image, faces in
            try faces.map { face in
                try image.cropped(to: FaceNet.cropRect(for: face.box, in: image), width: FaceNet.inputSide,
                                  height: FaceNet.inputSide, pad: false, interpolation: .linear)
            }
        }
        guard !crops.isEmpty else { return }
        let facenet = try analyzer.embedder
        print("embedding \(crops.count) faces")
        var reference: [FaceEmbedding] = []
        var baseline = 0.0
        for batchSize in batchSizes {
            facenet.batchSize = batchSize
            _ = try facenet.embed(crops: Array(crops.prefix(batchSize)))  // warm up this batch shape
            var vectors: [FaceEmbedding] = []
            let seconds = try best(of: repeats) { vectors = try facenet.embed(crops: crops) }
            if reference.isEmpty { reference = vectors; baseline = seconds }
            let maxDifference = zip(reference, vectors).map { a, b in zip(a.vector, b.vector).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            print(String(format: "  batch %2d: %6.1f faces/s (%5.1f ms per face), x%.2f vs batch %d, max |difference| %.1e",
                         batchSize, Double(crops.count) / seconds, seconds * 1000 / Double(crops.count), baseline / seconds,
                         batchSizes[0], maxDifference))
        }
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
