import ArgumentParser
import FacePipeline
import FaceVision
import Foundation

extension FRS {
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Who is this? Find the faces in a photo and the most similar persons.",
            discussion: """
            A person's score is the mean of the top \(PersonSearch.topK) cosine similarities between the face and \
            that person's stored faces; "match" means at least \(FaceNet.samePersonThreshold).
            """
        )

        @OptionGroup var store: StoreOptions
        @Argument(help: "The photo.", completion: .file()) var photo: String
        @Option(help: "Persons to list per face.") var limit = 5
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var detection: DetectionOptions
        @OptionGroup var modelOptions: ModelOptions

        func run() async throws {
            let image = try Image(contentsOf: URL(fileURLWithPath: photo))
            let analyzer = try modelOptions.analyzer(detection: detection.detectorOptions)
            let faces = try await store.withStore { try await PersonSearch(store: $0).search(image, analyzer: analyzer, limit: limit) }
            if json {
                print(try JSONOutput.string(faces))
                return
            }
            if faces.isEmpty { print("\(Printable.escaped(photo)): no face found (try a lower --threshold)") }
            for face in faces {
                let box = face.box.map { String(Int($0.rounded())) }.joined(separator: ",")
                print("face \(face.index) at \(box):" + (face.matches.isEmpty ? " no persons stored yet" : ""))
                for match in face.matches {
                    print("  " + String(format: "%.3f", match.score) + "  person \(match.personId)  \(Printable.escaped(match.name))"
                          + (match.isMatch ? "  (match)" : ""))
                }
            }
        }
    }
}
