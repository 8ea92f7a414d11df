import ArgumentParser
import FaceVision
import Foundation

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure quality on labelled data.",
        subcommands: [Detection.self]
    )

    struct Detection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detection recall by face size, precision and speed on a WIDER FACE-style folder.",
            discussion: """
            The folder holds images/ and boxes.csv (path,x,y,w,h; one line per face), and optionally
            boxes_full.csv (adds an in_boxes_csv column; faces not in boxes.csv are ignored: missing them
            costs nothing and detecting them is no error). Face size is the longer side of the box.
            """
        )

        @Option(help: ArgumentHelp("The WIDER FACE-style folder.", valueName: "dir"))
        var wider: String

        @Option(help: "IoU at which a detection matches a face.")
        var iou: Float = 0.5

        @Option(help: ArgumentHelp("Use only the first N images.", valueName: "n"))
        var limit: Int?

        @OptionGroup var detection: DetectionOptions
        @OptionGroup var modelOptions: ModelOptions

        func run() async throws {
            let root = URL(fileURLWithPath: wider, isDirectory: true)
            var truths = try Self.readBoxes(root.appendingPathComponent("boxes.csv"), ignored: false)
            let full = root.appendingPathComponent("boxes_full.csv")
            if FileManager.default.fileExists(atPath: full.path) {
                for (path, boxes) in try Self.readBoxes(full, ignored: true) { truths[path, default: []] += boxes }
            }
            var paths = truths.keys.sorted()
            if let limit { paths = Array(paths.prefix(limit)) }
            let analyzer = try modelOptions.analyzer(detection: detection)

            var evaluation = DetectionEvaluation(iouThreshold: iou)
            var progress = Progress(total: paths.count, label: "images")
            var detectSeconds = 0.0
            for path in paths {
                let image = try Image(contentsOf: root.appendingPathComponent(path))
                let start = Date()
                let faces = try analyzer.faces(in: image)
                detectSeconds += Date().timeIntervalSince(start)
                evaluation.add(detections: faces, truths: truths[path] ?? [])
                progress.advance()
            }
            progress.finish()

            let options = detection.detectorOptions
            print("WIDER FACE detection: \(evaluation.images) images, \(evaluation.faces) faces, threshold \(options.scoreThreshold), longer side \(options.longerSide.lowerBound)-\(options.longerSide.upperBound) px\(options.smallFaces ? " + small-face pass" : ""), IoU \(iou)")
            print("  face size   faces  found  recall")
            for bucket in evaluation.buckets {
                print(String(format: "  %-9@  %6d %6d  %6.3f", bucket.label, bucket.faces, bucket.found, bucket.recall))
            }
            print(String(format: "  %-9@  %6d %6d  %6.3f", "all", evaluation.faces, evaluation.found,
                         Double(evaluation.found) / Double(max(1, evaluation.faces))))
            print(String(format: "  detections %d, unmatched %d (%.1f %%), precision %.3f", evaluation.detections,
                         evaluation.unmatchedDetections, evaluation.unmatchedShare * 100, evaluation.precision))
            print(String(format: "  speed: %.2f images/s (detection only, decoding excluded)", Double(evaluation.images) / max(detectSeconds, 1e-9)))
        }

        /// Reads `path,x,y,w,h[,...,in_boxes_csv]`; with `ignored`, keeps only rows whose last column is 0.
        static func readBoxes(_ url: URL, ignored: Bool) throws -> [String: [DetectionEvaluation.Truth]] {
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(url.path): \(error.localizedDescription)")
            }
            var result: [String: [DetectionEvaluation.Truth]] = [:]
            for (number, line) in text.split(whereSeparator: \.isNewline).enumerated().dropFirst() {
                let columns = line.split(separator: ",", omittingEmptySubsequences: false)
                guard columns.count >= 5, let x = Float(columns[1]), let y = Float(columns[2]), let w = Float(columns[3]),
                      let h = Float(columns[4])
                else { throw ValidationError("\(url.path):\(number + 1): expected path,x,y,w,h") }
                if ignored && columns.last != "0" { continue }
                result[String(columns[0]), default: []].append(.init(box: Rect(x: x, y: y, width: w, height: h), ignored: ignored))
            }
            return result
        }
    }
}
