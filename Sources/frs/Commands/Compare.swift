import ArgumentParser
import FaceVision
import Foundation

extension FRS {
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Say whether the largest faces in two photos are the same person.",
            discussion: "Prints the cosine similarity of the two FaceNet embeddings and a verdict at --same-threshold."
        )

        @Argument(help: "The first photo.", completion: .file()) var first: String
        @Argument(help: "The second photo.", completion: .file()) var second: String

        @Option(help: "Similarity at or above which the faces are the same person.")
        var sameThreshold: Float = FaceNet.samePersonThreshold

        @OptionGroup var detection: DetectionOptions
        @OptionGroup var modelOptions: ModelOptions

        func run() async throws {
            let analyzer = try modelOptions.analyzer(detection: detection.detectorOptions)
            let a = try largestFaceEmbedding(path: first, analyzer: analyzer)
            let b = try largestFaceEmbedding(path: second, analyzer: analyzer)
            let similarity = a.similarity(to: b)
            let verdict = similarity >= sameThreshold ? "same person" : "different people"
            print(String(format: "similarity %.3f: %@ (threshold %.2f)", similarity, verdict, sameThreshold))
        }

        private func largestFaceEmbedding(path: String, analyzer: FaceAnalyzer) throws -> FaceEmbedding {
            let image = try Image(contentsOf: URL(fileURLWithPath: path))
            guard let face = try analyzer.faces(in: image).max(by: { $0.box.area < $1.box.area }) else {
                throw ValidationError("\(path): no face found (try a lower --threshold)")
            }
            return try analyzer.embeddings(of: [face], in: image)[0]
        }
    }
}
