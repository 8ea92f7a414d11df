import ArgumentParser
import FacePipeline
import FaceVision
import Foundation

extension FRS {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Find the faces in some photos or videos and show them (nothing is stored).",
            discussion: """
            Prints a table of faces for each photo: index, box (x1 y1 x2 y2), score, size and the five \
            landmarks (eyes, nose, mouth corners). A video is looked at one frame every --video-interval \
            seconds, and each of those frames is reported like a photo, with its frame number. With --out, \
            writes an annotated copy of each photo or frame and one thumbnail per face. Unreadable files \
            are reported and skipped; the exit status is 1 if any file failed.
            """
        )

        @Argument(help: "Image or video files.", completion: .file())
        var images: [String]

        @Option(help: ArgumentHelp("Write annotated copies and face thumbnails here.", valueName: "dir"))
        var out: String?

        @Flag(help: "Print one JSON object per line and image instead of tables.")
        var json = false

        @Option(help: ArgumentHelp("Thumbnail side in pixels.", valueName: "px"))
        var thumbnailSize = 160

        @Option(help: ArgumentHelp("Look at one video frame every this many seconds.", valueName: "seconds"))
        var videoInterval = 1.0

        func validate() throws {
            guard videoInterval > 0 else { throw ValidationError("--video-interval must be more than 0 seconds") }
        }

        @OptionGroup var detection: DetectionOptions
        @OptionGroup var modelOptions: ModelOptions

        func run() async throws {
            let analyzer = try modelOptions.analyzer(detection: detection.detectorOptions)
            let outDirectory = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
            if let outDirectory { try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true) }
            var failures = 0
            for path in images {
                let url = URL(fileURLWithPath: path)
                do {
                    if VideoFiles.isVideo(url) {
                        let video = try Video(contentsOf: url)
                        for frame in video.sampledFrames(every: videoInterval) {
                            try report(path: path, frame: frame, image: video.frame(at: frame), analyzer: analyzer, out: outDirectory)
                        }
                    } else {
                        try report(path: path, frame: nil, image: Image(contentsOf: url), analyzer: analyzer, out: outDirectory)
                    }
                } catch {
                    failures += 1
                    Console.status("frs test: \(error)")
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        private func report(path: String, frame: Int?, image: Image, analyzer: FaceAnalyzer, out: URL?) throws {
            let faces = try analyzer.faces(in: image)
            if json {
                print(try JSONOutput.string(ImageReport(path: path, frame: frame, image: image, faces: faces)))
            } else {
                printTable(path: path, frame: frame, image: image, faces: faces)
            }
            if let out { try writeOutputs(for: path, frame: frame, image: image, faces: faces, to: out) }
        }

        private func printTable(path: String, frame: Int?, image: Image, faces: [DetectedFace]) {
            let name = frame.map { "\(path) frame \($0)" } ?? path
            print("\(Printable.escaped(name)): \(image.width)x\(image.height), \(faces.count) face\(faces.count == 1 ? "" : "s")")
            guard !faces.isEmpty else { return }
            print("  #  box (x1, y1, x2, y2)          score  size  landmarks (left eye, right eye, nose, mouth left, mouth right)")
            for (index, face) in faces.enumerated() {
                let box = [face.box.x, face.box.y, face.box.maxX, face.box.maxY].map { String(format: "%6.1f", $0) }.joined(separator: " ")
                let landmarks = face.landmarks.map { String(format: "(%.0f,%.0f)", $0.x, $0.y) }.joined(separator: " ")
                print(String(format: "%3d  %@  %.3f  %4.0f  %@", index, box, face.score, face.size, landmarks))
            }
        }

        private func writeOutputs(for path: String, frame: Int?, image: Image, faces: [DetectedFace], to directory: URL) throws {
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + (frame.map { ".frame\($0)" } ?? "")
            try image.annotated(with: faces).jpegData().write(to: directory.appendingPathComponent("\(stem).faces.jpg"))
            for (index, face) in faces.enumerated() {
                let data = try Thumbnail.jpeg(of: face, in: image, side: thumbnailSize)
                try data.write(to: directory.appendingPathComponent("\(stem).face\(index).jpg"))
            }
        }
    }
}

/// The JSON line `frs test --json` prints for one image.
struct ImageReport: Encodable {
    struct Face: Encodable {
        var box: [Float]
        var score: Float
        var landmarks: [[Float]]
        var size: Float
    }

    var path: String
    /// The frame of a video; absent for photos.
    var frame: Int?
    var width: Int
    var height: Int
    var faces: [Face]

    init(path: String, frame: Int? = nil, image: Image, faces: [DetectedFace]) {
        self.path = path
        self.frame = frame
        width = image.width
        height = image.height
        self.faces = faces.map { face in
            Face(box: [face.box.x, face.box.y, face.box.maxX, face.box.maxY].map(Self.rounded),
                 score: (face.score * 100_000).rounded() / 100_000,
                 landmarks: face.landmarks.map { [Self.rounded($0.x), Self.rounded($0.y)] },
                 size: Self.rounded(face.size))
        }
    }

    static func rounded(_ value: Float) -> Float { (value * 100).rounded() / 100 }
}
