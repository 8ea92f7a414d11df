import ArgumentParser
import FaceEvaluation
import FaceVision
import Foundation

extension FRS {
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Measure quality on labelled data.",
            subcommands: [Detection.self, Verification.self, Clustering.self, Strangers.self]
        )

        struct Detection: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Detection recall by face size, precision and speed on a WIDER FACE-style folder.",
                discussion: """
                The folder holds images/ and boxes.csv (path,x,y,w,h; one line per face), and optionally \
                boxes_full.csv (adds an in_boxes_csv column; faces not in boxes.csv are ignored: missing them \
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
                let analyzer = try modelOptions.analyzer(detection: detection.detectorOptions)

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
                    print("  " + bucket.label.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "  %6d %6d  %6.3f", bucket.faces, bucket.found, bucket.recall))
                }
                print("  all      " + String(format: "  %6d %6d  %6.3f", evaluation.faces, evaluation.found,
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

        struct Verification: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Same-person verification quality (ROC AUC, equal error rate, thresholds) on labelled photos.",
                discussion: """
                --labels is a CSV of path,identity (paths relative to the CSV's folder), like \
                ../shared/data/lfw/labels.csv. In each photo the face nearest the centre carries the label. \
                Every pair of labelled faces is scored. --save-embeddings writes one line per face found \
                (path, identity, 1 if it is the labelled face else 0, quality, 512 comma-separated floats).
                """
            )

            @Option(help: ArgumentHelp("The labels CSV.", valueName: "csv")) var labels: String
            @Option(help: ArgumentHelp("Use only the first N photos.", valueName: "n")) var limit: Int?
            @Option(help: ArgumentHelp("Write every face's embedding to this TSV file.", valueName: "file")) var saveEmbeddings: String?
            @OptionGroup var detection: DetectionOptions
            @OptionGroup var modelOptions: ModelOptions

            func run() async throws {
                let photos = try LabelledPhotos.read(labels, limit: limit)
                let analyzer = try modelOptions.analyzer(detection: detection.detectorOptions)
                let facenet = try analyzer.embedder

                var output: FileHandle?
                if let saveEmbeddings {
                    _ = FileManager.default.createFile(atPath: saveEmbeddings, contents: nil)
                    output = try FileHandle(forWritingTo: URL(fileURLWithPath: saveEmbeddings))
                }
                defer { try? output?.close() }

                var vectors: [[Float]] = [], identities: [String] = []
                var noFace = 0
                var progress = Progress(total: photos.count, label: "photos")
                for row in photos {
                    defer { progress.advance() }
                    let image = try Image(contentsOf: row.url)
                    let faces = try analyzer.faces(in: image)
                    let centre = Point(x: Float(image.width) / 2, y: Float(image.height) / 2)
                    guard let labelled = faces.indices.min(by: { Self.distance(faces[$0].box.center, centre) < Self.distance(faces[$1].box.center, centre) }) else {
                        noFace += 1
                        continue
                    }
                    let embeddings = try facenet.embed(faces, in: image)
                    vectors.append(embeddings[labelled].vector)
                    identities.append(row.identity)
                    if let output {
                        var text = ""
                        for (i, e) in embeddings.enumerated() {
                            text += "\(row.relativePath)\t\(row.identity)\t\(i == labelled ? 1 : 0)\t\(e.quality)\t"
                            text += e.vector.map { String($0) }.joined(separator: ",") + "\n"
                        }
                        output.write(Data(text.utf8))
                    }
                }
                progress.finish()
                let result = VerificationEvaluation(embeddings: vectors, labels: identities)
                print("verification on \(vectors.count) labelled faces (\(noFace) photos without a face), \(Set(identities).count) identities")
                print("  pairs: \(result.genuinePairs) same person, \(result.impostorPairs) different")
                print(String(format: "  ROC AUC %.4f, equal error rate %.2f %%", result.auc, result.equalErrorRate * 100))
                print(String(format: "  similarity means: same %.3f, different %.3f", result.genuineMean, result.impostorMean))
                print(String(format: "  best balanced accuracy %.2f %% at threshold %.3f", result.bestBalancedAccuracy * 100, result.bestThreshold))
                print(String(format: "  threshold for 0.1 %% false accepts: %.3f (keeps %.1f %% of same-person pairs)",
                             result.thresholdAtFAR001, result.trueAcceptRateAtFAR001 * 100))
            }

            static func distance(_ a: Point, _ b: Point) -> Float { (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) }
        }
    }
}

/// A labels CSV (`path,identity,...`, paths relative to the CSV's folder), as in ../shared/data/lfw.
struct LabelledPhotos {
    var relativePath: String
    var identity: String
    var url: URL

    static func read(_ file: String, limit: Int?) throws -> [LabelledPhotos] {
        let csv = URL(fileURLWithPath: file)
        let text: String
        do { text = try String(contentsOf: csv, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> LabelledPhotos? in
            let columns = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 2, !columns[1].isEmpty else { return nil }
            return LabelledPhotos(relativePath: columns[0], identity: columns[1],
                                  url: csv.deletingLastPathComponent().appendingPathComponent(columns[0]).standardizedFileURL)
        }
        return limit.map { Array(rows.prefix($0)) } ?? rows
    }
}
