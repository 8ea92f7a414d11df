import FaceStore
import FaceVision
import Foundation
import Logging
import Synchronization

/// `frs detect`: claims pending media items, finds their faces, and stores faces and thumbnails.
///
/// Each item is finished in one transaction (faces inserted, item marked done), so a process killed
/// at any point leaves either the whole result or none of it; its lease then expires and another run
/// picks the item up. Any number of runners, in one process or on many machines sharing PostgreSQL,
/// split the work through leases.
public final class DetectionRunner: Sendable {
    public struct Options: Sendable {
        public var workers: Int
        public var leaseSeconds: Double
        public var thumbnailSize: Int
        public var pathMapping: PathMapping
        public var detector: RetinaFace.Options
        /// Also compute FaceNet embeddings while the photo is decoded anyway (`frs run`).
        public var embed = false
        public var engine: EngineChoice
        public var precision: Precision

        /// The options a library's settings ask for (the defaults are the settings' defaults).
        public init(settings: Settings) {
            workers = settings.workers
            leaseSeconds = settings.leaseSeconds
            thumbnailSize = settings.thumbnailSize
            pathMapping = settings.pathMapping
            detector = settings.detectorOptions
            engine = settings.engine
            precision = settings.precision
        }
    }

    /// What happened to one item, for progress displays.
    public enum Event: Sendable {
        case done(item: Int64, path: String, faces: Int)
        case failed(item: Int64, path: String, reason: String)
        case lost(item: Int64, path: String)
    }

    public struct Summary: Sendable, Equatable {
        public var done = 0, failed = 0, lost = 0, faces = 0
        public var items: Int { done + failed + lost }
    }

    let store: any FaceStore
    let options: Options
    let thumbnails: ThumbnailFiles
    let detectors: [RetinaFace]
    /// One per worker.
    let readers: [MediaReader]
    /// One per worker when `options.embed`, else empty.
    let embedders: [FaceNet]
    let owner: String
    let stop: StopSignal
    let logger: Logger
    /// What the networks run on.
    public let engine: InferenceEngine

    public init(store: any FaceStore, models: ModelStore, dataDirectory: DataDirectory, options: Options,
                stop: StopSignal = StopSignal(), logger: Logger = Logger(label: "frs.detect"),
                progress: (String) -> Void = { _ in }) throws {
        self.store = store
        self.options = options
        self.stop = stop
        self.logger = logger
        let model = try models.ensure(.retinaFace, progress: progress)
        let engine = try InferenceEngine.select(options.engine, precision: options.precision, models: models, notice: progress)
        self.engine = engine
        // One detector per worker: a network runs one forward pass at a time.
        detectors = try (0..<max(1, options.workers)).map { _ in try RetinaFace(modelURL: model, options: options.detector, engine: engine) }
        readers = detectors.map { _ in MediaReader() }
        if options.embed {
            let facenet = try models.ensure(.faceNet, progress: progress)
            embedders = try detectors.map { _ in try FaceNet(modelURL: facenet, engine: engine) }
        } else {
            embedders = []
        }
        try dataDirectory.create()
        thumbnails = ThumbnailFiles(directory: dataDirectory, side: options.thumbnailSize, logger: logger)
        owner = "\(Self.host):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// Cleans up after interrupted runs: items leased by processes of this machine that no longer
    /// exist are released at once (instead of when their lease expires), and thumbnails are repaired
    /// (see `ThumbnailFiles.repair`).
    public func recover() async throws {
        for owner in try await store.leaseOwners().keys where Self.isDeadLocalOwner(owner) {
            let released = try await store.releaseLeases(owner: owner)
            logger.notice("released the photos of a worker that died", metadata: ["owner": "\(owner)", "items": "\(released)"])
        }
        _ = try await thumbnails.repair(store: store, pathMapping: options.pathMapping)
    }

    private static let host = ProcessInfo.processInfo.hostName

    /// Owners are `host:pid:tag:worker`; only a process of this host can be known to be dead.
    static func isDeadLocalOwner(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 4, parts[0] == host, let pid = Int32(parts[1]), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Processes claimable items until none is left (or a stop is requested).
    public func run(onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let summary = SummaryBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, detector) in detectors.enumerated() {
                let workerOwner = "\(owner):\(index)"
                group.addTask {
                    while !self.stop.isStopped {
                        guard let item = try await self.store.claim(owner: workerOwner, limit: 1, leaseSeconds: self.options.leaseSeconds).first
                        else { return }
                        let event = try await self.process(item, owner: workerOwner, detector: detector, reader: self.readers[index],
                                                           embedder: self.embedders.isEmpty ? nil : self.embedders[index])
                        summary.value.withLock { s in
                            switch event {
                            case .done(_, _, let faces): s.done += 1; s.faces += faces
                            case .failed: s.failed += 1
                            case .lost: s.lost += 1
                            }
                        }
                        onEvent(event)
                    }
                }
            }
            try await group.waitForAll()
        }
        return summary.value.withLock { $0 }
    }

    private final class SummaryBox: Sendable {
        let value = Mutex(Summary())
    }

    private struct Rendered: Sendable {
        var faces: [DetectedFace]
        var thumbnails: [Data]
        var embeddings: [FaceEmbedding]?
    }

    func process(_ item: WorkItem, owner: String, detector: RetinaFace, reader: MediaReader, embedder: FaceNet?) async throws -> Event {
        let path = options.pathMapping.localPath(for: item.path)
        var metadata: Logger.Metadata = ["item": "\(item.id)", "media": "\(item.mediaFileId)", "path": "\(path)"]
        if let frame = item.frameNumber { metadata["frame"] = "\(frame)" }
        let rendered: Rendered
        do {
            let side = options.thumbnailSize
            rendered = try await offloaded {
                let image = try Self.image(of: item, at: path, reader: reader)
                let faces = try detector.detect(in: image)
                // Rendered before the commit so that afterwards only file writes remain.
                return Rendered(faces: faces, thumbnails: try faces.map { try Thumbnail.jpeg(of: $0, in: image, side: side) },
                                embeddings: try embedder?.embed(faces, in: image))
            }
        } catch {
            let reason = Self.reason(for: error)
            do {
                try await store.fail(item: item.id, owner: owner, error: reason)
            } catch let error as FaceStoreError where error.reason == .leaseLost {
                logger.warning("lease lost before marking failed", metadata: metadata)
                return .lost(item: item.id, path: path)
            }
            logger.warning("media failed", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            return .failed(item: item.id, path: path, reason: reason)
        }

        let newFaces = rendered.faces.enumerated().map { index, face in
            let embedding = rendered.embeddings?[index]
            return NewFace(box: BoundingBox(face.box), score: Double(face.score), landmarks: face.storedLandmarks,
                           faceSize: Int(face.size.rounded()), frameNumber: item.frameNumber, embedding: embedding?.vector,
                           embeddingModel: embedding == nil ? nil : FaceNet.modelTag, quality: embedding.map { Double($0.quality) })
        }
        let ids: [Int64]
        do {
            ids = try await store.complete(item: item.id, owner: owner, faces: newFaces)
        } catch let error as FaceStoreError where error.reason == .leaseLost {
            logger.warning("lease lost; another worker has this item", metadata: metadata)
            return .lost(item: item.id, path: path)
        }
        for (id, data) in zip(ids, rendered.thumbnails) {
            do {
                try thumbnails.write(data, named: Thumbnails.defaultNaming(id))
            } catch {
                // The face is stored; the next run's repair renders the thumbnail again.
                logger.error("cannot write thumbnail", metadata: metadata.merging(["face": "\(id)", "reason": "\(error)"]) { $1 })
            }
        }
        logger.debug("media done", metadata: metadata.merging(["faces": "\(ids.count)"]) { $1 })
        return .done(item: item.id, path: path, faces: ids.count)
    }

    /// The item's picture. A video that could not be read when it was added has a single item
    /// without a frame: it fails with the reason it is unreadable, or, when it has become readable
    /// since, with what to do (`frs add` then queues its frames; `watch` and `run` do that themselves).
    static func image(of item: WorkItem, at path: String, reader: MediaReader) throws -> Image {
        if item.kind == .video, item.frameNumber == nil {
            _ = try Video(contentsOf: URL(fileURLWithPath: path))
            throw VisionError.unreadableImage(path: path, reason: "the video was unreadable when it was added; add it again (frs add) to queue its frames")
        }
        return try reader.image(path: path, frame: item.frameNumber)
    }

    /// A short reason for the item's error column.
    static func reason(for error: Error) -> String {
        switch error {
        case VisionError.unreadableImage(_, let reason): reason
        default: "\(error)"
        }
    }
}
