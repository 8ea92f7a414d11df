import ArgumentParser
import FaceClustering
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension EvalCommand {
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

        func run() async throws {
            let rows = try LabelledPhotos.read(labels, limit: limit)
            let identityOf = Dictionary(rows.map { ($0.url.path, $0.identity) }) { a, _ in a }

            let work = URL(fileURLWithPath: workDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("frs-eval-clustering").path)
            // The evaluation's own library and default settings; only the models are the user's.
            let modelsOnly = ProcessInfo.processInfo.environment.filter {
                ["HOME", "XDG_CACHE_HOME", Settings.Key.modelsDirectory.environmentName].contains($0.key)
            }
            var settings = try Settings.load(configFile: work.appendingPathComponent("none.conf"), environment: modelsOnly)
            try settings.set(.dataDirectory, work.path, source: .flag)
            try detection.apply(to: &settings)
            LogOutput.bootstrap(level: .warning)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try await withFaceStore(settings.database) { store in
                try await evaluate(store, settings: settings, work: work, identityOf: identityOf)
            }
        }

        private func evaluate(_ store: any FaceStore, settings: Settings, work: URL, identityOf: [String: String]) async throws {
            // Detection and embedding: once per work folder.
            let indexer = MediaIndexer(store: store, thumbnails: settings.dataDirectory)
            for path in identityOf.keys.sorted() { _ = try await indexer.add(URL(fileURLWithPath: path)) }
            let pending = try await store.statusCounts().pending
            if pending > 0 {
                Console.status("detecting and embedding faces in \(pending) photos (kept in \(work.path) for next time)")
                var options = DetectionRunner.Options(settings: settings)
                options.embed = true
                let runner = try DetectionRunner(store: store, models: settings.models, dataDirectory: settings.dataDirectory, options: options) { Console.status($0) }
                let progress = ProgressBox(total: pending)
                _ = try await runner.run { progress.record($0) }
                progress.finish()
            }

            let identities = Array(Set(identityOf.values)).sorted()
            print("clustering evaluation: \(identityOf.count) labelled photos, \(identities.count) identities")
            print("  method             BCubed P    R      F   pairwise P    R      F   persons  unassigned  time")
            for method in methods {
                for person in try await store.persons(includeHidden: true) { try await store.deletePerson(person.person.id, actor: "eval") }
                let start = Date()
                _ = try await Recognizer(store: store, options: RecognitionOptions.options(method: method, minFaces: minFaces)).run()
                let seconds = Date().timeIntervalSince(start)
                let scores = try await Self.score(store: store, identityOf: identityOf, identities: identities)
                print("  " + method.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0) + String(format: "%6.3f %6.3f %6.3f   %6.3f %6.3f %6.3f   %6d   %6.1f %%  %5.1f s",
                             scores.bcubedPrecision, scores.bcubedRecall, scores.bcubedF, scores.pairwisePrecision, scores.pairwiseRecall,
                             scores.pairwiseF, scores.clusterCount, scores.unassignedShare * 100, seconds))
            }
        }

        /// Scores the labelled face of each photo: the one nearest the image centre.
        static func score(store: any FaceStore, identityOf: [String: String], identities: [String]) async throws -> ClusteringScores {
            var byPhoto: [String: [FaceLocation]] = [:]
            try await store.forEachFacePage(size: 5000) { page in
                for face in page { byPhoto[face.mediaPath, default: []].append(face) }
            }
            let index = Dictionary(uniqueKeysWithValues: identities.enumerated().map { ($1, $0) })
            var predicted: [Int] = [], truth: [Int] = []
            for (path, faces) in byPhoto {
                guard let identity = identityOf[path], let size = Image.dimensions(ofFileAt: URL(fileURLWithPath: path)) else { continue }
                let centre = (x: Double(size.width) / 2, y: Double(size.height) / 2)
                let labelled = faces.compactMap { face in face.box.map { (face, $0) } }.min { a, b in
                    distance(a.1, centre) < distance(b.1, centre)
                }
                guard let labelled else { continue }
                predicted.append(labelled.0.personId.map(Int.init) ?? -1)
                truth.append(index[identity]!)
            }
            return ClusteringMetrics.evaluate(predicted: predicted, truth: truth)
        }

        static func distance(_ box: BoundingBox, _ centre: (x: Double, y: Double)) -> Double {
            let dx = (box.x1 + box.x2) / 2 - centre.x, dy = (box.y1 + box.y2) / 2 - centre.y
            return dx * dx + dy * dy
        }
    }
}
