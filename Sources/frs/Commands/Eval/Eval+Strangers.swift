import ArgumentParser
import FaceClustering
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension FRS.Eval {
    struct Strangers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the persons made from photos in which every face is a different person.",
            discussion: """
            Crowd photos (WIDER FACE's serve: ../shared/data/wider) hold many faces of many people, \
            each seen once: every person frs makes from them is made of strangers. The photos under \
            DIR are added to a library in --work-dir (kept, so a second evaluation skips detection), \
            faces are found and embedded, and recognition runs from no persons at all, exactly as \
            `frs run` does. Prints how many faces pass the quality gate, how many persons were made \
            and how many faces they hold, and each person's faces (ids, for `frs faces` and the thumbnails).
            """)

        @Argument(help: ArgumentHelp("Folder of crowd photos.", valueName: "dir")) var dir: String
        @Option(help: ArgumentHelp("Library folder for the evaluation (default: a folder under the temporary directory).", valueName: "dir"))
        var workDir: String?
        @Option(help: "Smallest group of faces that becomes a new person.") var minFaces = 3
        @OptionGroup var detection: PipelineDetectionOptions
        @OptionGroup var quality: QualityOptions
        @OptionGroup var embedding: EmbeddingOptions

        func run() async throws {
            var problems: [String] = []
            let files = MediaIndexer.mediaFiles(in: [dir]) { problems.append($0) }
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
            guard !files.isEmpty else { throw ValidationError("\(dir): no photos in this folder") }
            try await EvaluationLibrary.with(workDir: workDir, defaultName: "frs-eval-strangers", detection: detection, embedding: embedding) { library in
                try await library.prepare(files)
                try await evaluate(library.store, settings: library.settings, photos: files.count)
            }
        }

        private func evaluate(_ store: any FaceStore, settings: Settings, photos: Int) async throws {
            for person in try await store.persons(includeHidden: true) { try await store.deletePerson(person.person.id, actor: "eval") }
            let options = RecognitionOptions.options(method: .default, minFaces: minFaces, quality: quality, settings: settings)
            _ = try await Recognizer(store: store, options: options).run()
            let faces = try await store.embeddings(model: options.embeddingModel)
            let admitted = faces.filter { options.gate.admits(FaceSignals($0)) }
            let persons = try await store.persons(includeHidden: true)
            print("strangers evaluation: \(photos) photos, \(faces.count) embedded faces, \(admitted.count) above the quality gate")
            print("  persons made: \(persons.count), holding \(persons.reduce(0) { $0 + $1.faceCount }) faces (every one is made of strangers)")
            for person in persons {
                let ids = try await store.faces(person: person.person.id).map(\.id)
                print("  person \(person.person.id): \(person.faceCount) faces in \(person.photoCount ?? 0) photos: faces \(ids.map(String.init).joined(separator: " "))")
            }
        }
    }
}

/// A library in a work folder holding evaluation photos, detected and embedded once.
struct EvaluationLibrary {
    let store: any FaceStore
    let settings: Settings

    /// Runs `body` on the library (without a `workDir`, `defaultName` under the temporary directory),
    /// closing its store before returning.
    static func with<T>(workDir: String?, defaultName: String, detection: PipelineDetectionOptions, embedding: EmbeddingOptions,
                        _ body: (EvaluationLibrary) async throws -> T) async throws -> T {
        let work = URL(fileURLWithPath: workDir ?? FileManager.default.temporaryDirectory.appendingPathComponent(defaultName).path)
        // The evaluation's own library and default settings; only the models are the user's.
        let modelsOnly = ProcessInfo.processInfo.environment.filter {
            ["HOME", "XDG_CACHE_HOME", Settings.Key.modelsDirectory.environmentName].contains($0.key)
        }
        var settings = try Settings.load(configFile: work.appendingPathComponent("none.conf"), environment: modelsOnly)
        try settings.set(.dataDirectory, work.path, source: .flag)
        try detection.apply(to: &settings)
        try embedding.apply(to: &settings)
        LogOutput.bootstrap(level: .warning)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        return try await withFaceStore(settings.database) { store in
            try await body(EvaluationLibrary(store: store, settings: settings))
        }
    }

    /// Adds the photos and detects and embeds the faces of those not done yet; faces embedded the
    /// other way (`--embedding-flip` changed since) are embedded again.
    func prepare(_ files: [URL]) async throws {
        let indexer = MediaIndexer(store: store, thumbnails: settings.dataDirectory)
        for file in files { _ = try await indexer.add(file) }
        let pending = try await store.statusCounts().pending
        var options = DetectionRunner.Options(settings: settings)
        options.embed = true
        let runner = try DetectionRunner(store: store, models: settings.models, dataDirectory: settings.dataDirectory, options: options) { Console.status($0) }
        if pending > 0 {
            Console.status("detecting and embedding faces in \(pending) photos (kept in \(settings.dataDirectory.root.path) for next time)")
            let progress = ProgressBox(total: pending)
            _ = try await runner.run { progress.record($0) }
            progress.finish()
        }
        let started = Date()
        let embedded = try await EmbeddingRunner(store: store, facenet: settings.faceNet(engine: runner.engine)).run()
        if embedded.faces > 0 {
            let seconds = Date().timeIntervalSince(started)
            Console.status(String(format: "embedded %d faces in %.1f s (%.1f faces/s), embedding_flip = ", embedded.faces, seconds,
                                  Double(embedded.faces) / max(seconds, 1e-9)) + "\(settings.embeddingFlip)")
        }
    }
}
