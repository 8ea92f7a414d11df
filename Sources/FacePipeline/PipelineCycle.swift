import FaceStore
import FaceVision
import Foundation
import Logging

/// One pass of the whole pipeline (`frs run`, each cycle of `frs automate`): add new or changed
/// files from the folders, detect and embed faces in pending photos, embed faces that lack an
/// embedding, match and cluster. Each step only does new work, so a cycle with nothing new is cheap.
public struct PipelineCycle: Sendable {
    public struct Summary: Sendable, Equatable {
        public var files = MediaIndexer.Summary()
        public var detection = DetectionRunner.Summary()
        public var embedded = 0
        /// Nil when the cycle had no new faces and left persons alone.
        public var recognition: Recognizer.Summary?
        public var failedMedia = 0
        public var persons = 0
        /// Wall-clock seconds of each phase.
        public var seconds = Phases()
        public init() {}
    }

    public struct Phases: Sendable, Equatable {
        /// Listing, hashing and recording the files (`frs add`).
        public var add = 0.0
        /// Detecting and embedding the pending photos.
        public var detect = 0.0
        /// Matching and clustering.
        public var recognize = 0.0
    }

    let store: any FaceStore
    let settings: Settings
    let recognition: Recognizer.Options
    let stop: StopSignal
    let logger: Logger

    public init(store: any FaceStore, settings: Settings, recognition: Recognizer.Options, stop: StopSignal,
                logger: Logger = Logger(label: "frs.run")) {
        self.store = store
        self.settings = settings
        self.recognition = recognition
        self.stop = stop
        self.logger = logger
    }

    /// Runs one cycle over `folders`; `onDetected` sees each photo detection finishes. Matching and
    /// clustering run when the cycle found or embedded faces, or always with `recognizeAlways`.
    public func run(folders: [String], dryRun: Bool, recognizeAlways: Bool = true, onDetected: @escaping @Sendable (DetectionRunner.Event) -> Void = { _ in },
                    progress: @escaping (String) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        var clock = Date()
        func lap() -> Double {
            defer { clock = Date() }
            return Date().timeIntervalSince(clock)
        }
        let indexer = MediaIndexer(store: store, dryRun: dryRun, videoInterval: settings.videoInterval,
                                   thumbnails: settings.dataDirectory, logger: Logger(label: "frs.add"))
        let files = MediaIndexer.mediaFiles(in: folders, excluding: [settings.dataDirectory.root]) { logger.warning("\($0)") }
        for file in files where !stop.isStopped {
            switch try await indexer.add(file) {
            case .added: summary.files.added += 1
            case .changed: summary.files.changed += 1
            case .unchanged: summary.files.unchanged += 1
            case .duplicate: summary.files.duplicates += 1
            case .unreadable: summary.files.unreadable += 1
            }
        }
        summary.seconds.add = lap()
        if dryRun {
            summary.detection.done = try await store.itemsNeedingWork(limit: 1_000_000, includeFailed: false).count
            var options = recognition
            options.dryRun = true
            summary.recognition = try await Recognizer(store: store, options: options).run()
        } else {
            var options = DetectionRunner.Options(settings: settings)
            options.embed = true
            let runner = try DetectionRunner(store: store, models: settings.models, dataDirectory: settings.dataDirectory,
                                             options: options, stop: stop, progress: progress)
            try await runner.recover()
            summary.detection = try await runner.run(onEvent: onDetected)
            if !stop.isStopped {
                let facenet = try runner.embedder ?? settings.faceNet(engine: runner.engine, progress: progress)
                summary.embedded = try await EmbeddingRunner(store: store, facenet: facenet, pathMapping: settings.pathMapping,
                                                             stop: stop).run().faces
            }
            summary.seconds.detect = lap()
            let newFaces = summary.detection.faces + summary.embedded > 0
            if !stop.isStopped && (newFaces || recognizeAlways) {
                summary.recognition = try await Recognizer(store: store, options: recognition).run()
            }
            summary.seconds.recognize = lap()
        }
        summary.failedMedia = try await store.statusCounts().failed
        summary.persons = try await store.persons(includeHidden: true).count
        return summary
    }
}
