import ArgumentParser
import FaceClustering
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension FRS.Eval {
    struct Clustering: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the whole pipeline on labelled photos and score the persons it finds.",
            discussion: """
            --labels is a CSV of path,identity (paths relative to the CSV's folder), like \
            ../shared/data/lfw/labels.csv; in each photo the face nearest the centre carries the label. \
            The photos are added to a library in --work-dir (kept, so a second evaluation skips \
            detection), faces are found and embedded, and each --method is run from no persons at \
            all: matching plus clustering, exactly as `frs run` does. Prints BCubed and pairwise \
            precision/recall/F, persons found vs identities, the share of labelled faces left \
            unassigned, and the time of the recognition step.
            """)

        @Option(help: ArgumentHelp("The labels CSV.", valueName: "csv")) var labels: String
        @Option(parsing: .upToNextOption, help: "Methods to compare (default, chinese-whispers, original, dbscan).")
        var methods: [RecognitionOptions.Method] = [.default]
        @Option(help: ArgumentHelp("Library folder for the evaluation (default: a folder under the temporary directory).", valueName: "dir"))
        var workDir: String?
        @Option(help: ArgumentHelp("Use only the first N photos.", valueName: "n")) var limit: Int?
        @Option(help: "Smallest group of faces that becomes a new person.") var minFaces = 3
        @OptionGroup var detection: PipelineDetectionOptions
        @OptionGroup var quality: QualityOptions
        @OptionGroup var embedding: EmbeddingOptions

        func run() async throws {
            let rows = try LabelledPhotos.read(labels, limit: limit)
            let identityOf = Dictionary(rows.map { ($0.url.path, $0.identity) }) { a, _ in a }

            try await EvaluationLibrary.with(workDir: workDir, defaultName: "frs-eval-clustering", detection: detection, embedding: embedding) { library in
                // Detection and embedding: once per work folder.
                try await library.prepare(identityOf.keys.sorted().map { URL(fileURLWithPath: $0) })
                try await evaluate(library.store, settings: library.settings, identityOf: identityOf)
            }
        }

        private func evaluate(_ store: any FaceStore, settings: Settings, identityOf: [String: String]) async throws {

            let identities = Array(Set(identityOf.values)).sorted()
            print("clustering evaluation: \(identityOf.count) labelled photos, \(identities.count) identities")
            print("  method             BCubed P    R      F   pairwise P    R      F   persons  unassigned  time")
            for method in methods {
                for person in try await store.persons(includeHidden: true) { try await store.deletePerson(person.person.id, actor: "eval") }
                let start = Date()
                _ = try await Recognizer(store: store, options: RecognitionOptions.options(method: method, minFaces: minFaces, quality: quality, settings: settings)).run()
                let seconds = Date().timeIntervalSince(start)
                let scores = try await Self.score(store: store, identityOf: identityOf, identities: identities)
                print("  " + method.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0) + String(format: "%6.3f %6.3f %6.3f   %6.3f %6.3f %6.3f   %6d   %6.1f %%  %5.1f s",
                             scores.bcubedPrecision, scores.bcubedRecall, scores.bcubedF, scores.pairwisePrecision, scores.pairwiseRecall,
                             scores.pairwiseF, scores.clusterCount, scores.unassignedShare * 100, seconds))
                print(try await Self.purity(store: store, identityOf: identityOf).report)
            }
        }

        /// The labelled face of each photo (the one nearest the image centre) with its identity, and
        /// every other face (background faces, unlabelled).
        static func labelledFaces(store: any FaceStore, identityOf: [String: String]) async throws
            -> (labelled: [(face: FaceLocation, identity: String)], others: [FaceLocation]) {
            var byPhoto: [String: [FaceLocation]] = [:]
            try await store.forEachFacePage(size: 5000) { page in
                for face in page { byPhoto[face.mediaPath, default: []].append(face) }
            }
            var labelled: [(face: FaceLocation, identity: String)] = [], others: [FaceLocation] = []
            for (path, faces) in byPhoto.sorted(by: { $0.key < $1.key }) {
                guard let identity = identityOf[path], let size = Image.dimensions(ofFileAt: URL(fileURLWithPath: path)) else {
                    others += faces
                    continue
                }
                let centre = (x: Double(size.width) / 2, y: Double(size.height) / 2)
                let nearest = faces.compactMap { face in face.box.map { (face, $0) } }.min { a, b in
                    distance(a.1, centre) < distance(b.1, centre)
                }
                guard let nearest else { others += faces; continue }
                labelled.append((nearest.0, identity))
                others += faces.filter { $0.faceId != nearest.0.faceId }
            }
            return (labelled, others)
        }

        /// Scores the labelled face of each photo: the one nearest the image centre.
        static func score(store: any FaceStore, identityOf: [String: String], identities: [String]) async throws -> ClusteringScores {
            let index = Dictionary(uniqueKeysWithValues: identities.enumerated().map { ($1, $0) })
            let labelled = try await labelledFaces(store: store, identityOf: identityOf).labelled
            return ClusteringMetrics.evaluate(predicted: labelled.map { $0.face.personId.map(Int.init) ?? -1 },
                                              truth: labelled.map { index[$0.identity]! })
        }

        struct Purity {
            var report: String
        }

        /// Per person made: the share of its labelled faces that carry its majority identity, and the
        /// persons holding no labelled face at all (made only of background faces, which LFW's
        /// labels cannot score: look at them).
        static func purity(store: any FaceStore, identityOf: [String: String]) async throws -> Purity {
            let (labelled, others) = try await labelledFaces(store: store, identityOf: identityOf)
            var identitiesOf: [Int64: [String: Int]] = [:], background: [Int64: [Int64]] = [:]
            for (face, identity) in labelled { if let p = face.personId { identitiesOf[p, default: [:]][identity, default: 0] += 1 } }
            for face in others { if let p = face.personId { background[p, default: []].append(face.faceId) } }
            let persons = Set(identitiesOf.keys).union(background.keys)
            var majority = 0, total = 0, impure: [String] = []
            for (person, counts) in identitiesOf.sorted(by: { $0.key < $1.key }) {
                let top = counts.values.max()!, all = counts.values.reduce(0, +)
                majority += top
                total += all
                if top < all { impure.append("\(person) (\(top)/\(all))") }
            }
            let backgroundOnly = background.filter { identitiesOf[$0.key] == nil }.sorted { $0.key < $1.key }
            var lines = [String(format: "    purity: %d persons; %.4f of their labelled faces carry their person's majority identity; %d impure",
                                persons.count, total == 0 ? 1 : Double(majority) / Double(total), impure.count)]
            if !impure.isEmpty { lines.append("    impure persons (majority/labelled): " + impure.joined(separator: ", ")) }
            lines.append("    persons of background faces only: \(backgroundOnly.count)")
            for (person, faces) in backgroundOnly {
                lines.append("      person \(person): faces " + faces.map(String.init).joined(separator: " "))
            }
            return Purity(report: lines.joined(separator: "\n"))
        }

        static func distance(_ box: BoundingBox, _ centre: (x: Double, y: Double)) -> Double {
            let dx = (box.x1 + box.x2) / 2 - centre.x, dy = (box.y1 + box.y2) / 2 - centre.y
            return dx * dx + dy * dy
        }
    }
}
