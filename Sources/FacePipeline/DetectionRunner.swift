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
        /// Average each face's embedding with its mirror image's (`embedding_flip`).
        public var embeddingFlip: Bool
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
            embeddingFlip = settings.embeddingFlip
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
        /// Where the time went, summed over workers (so with several workers more than the wall time).
        public var stages = StageTimes()
        public var items: Int { done + failed + lost }
    }

    /// Seconds spent in each step of processing a photo.
    public struct StageTimes: Sendable, Equatable {
        /// Reading and decoding (overlapped with the previous photo's detection).
        public var decode = 0.0
        public var detect = 0.0
        public var embed = 0.0
        /// Thumbnails: cropping and JPEG encoding.
        public var thumbnails = 0.0
        /// The commit and the thumbnail files.
        public var store = 0.0

        public init() {}

        static func + (a: StageTimes, b: StageTimes) -> StageTimes {
            var sum = a
            sum.decode += b.decode; sum.detect += b.detect; sum.embed += b.embed
            sum.thumbnails += b.thumbnails; sum.store += b.store
            return sum
        }
    }

    let store: any FaceStore
    let options: Options
    let thumbnails: ThumbnailFiles
    /// One per worker (the same one for all where the engine shares networks).
    let detectors: [RetinaFace]
    /// One per worker.
    let readers: [MediaReader]
    /// One per worker (or one shared, as `detectors`) when `options.embed`, else empty.
    let embedders: [FaceNet]
    let owner: String
    let stop: StopSignal
    let logger: Logger
    /// What the networks run on.
    public let engine: InferenceEngine
    /// The embedder of the first worker when `options.embed`: for faces that still need an embedding after the
    /// run, without loading FaceNet again.
    public var embedder: FaceNet? { embedders.first }

    public init(store: any FaceStore, models: ModelStore, dataDirectory: DataDirectory, options: Options,
                stop: StopSignal = StopSignal(), logger: Logger = Logger(label: "frs.detect"),
                progress: (String) -> Void = { _ in }) throws {
        self.store = store
        self.options = options
        self.stop = stop
        self.logger = logger
        let model = try models.ensure(.retinaFace, progress: progress)
        let workers = max(1, options.workers)
        // Several workers share the cores. OpenVINO runs one compiled network for all workers, each forward
        // pass on a stream of its own (a share of the cores).
        let engine = try InferenceEngine.select(options.engine, precision: options.precision, models: models, streams: workers,
                                                notice: progress)
        self.engine = engine
        // OpenCV runs one forward pass of a network at a time: one per worker there.
        let copies = engine.sharesNetworks ? 1 : workers
        let detectors = try (0..<copies).map { _ in try RetinaFace(modelURL: model, options: options.detector, engine: engine) }
        self.detectors = (0..<workers).map { detectors[$0 % copies] }
        readers = (0..<workers).map { _ in MediaReader() }
        if options.embed {
            let facenet = try models.ensure(.faceNet, progress: progress)
            let embedders = try (0..<copies).map { _ in try FaceNet(modelURL: facenet, flip: options.embeddingFlip, engine: engine) }
            self.embedders = (0..<workers).map { embedders[$0 % copies] }
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
    ///
    /// Each worker claims and decodes the next photo while the current one is in the networks, so that
    /// decoding overlaps inference. A photo claimed ahead and not processed because of a stop is released.
    public func run(onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let summary = SummaryBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, detector) in detectors.enumerated() {
                let workerOwner = "\(owner):\(index)"
                let embedder = embedders.isEmpty ? nil : embedders[index]
                group.addTask {
                    var next: Task<Claimed?, Error>? = self.claimAndDecode(owner: workerOwner, reader: self.readers[index])
                    while let claimed = try await next?.value {
                        next = self.stop.isStopped ? nil : self.claimAndDecode(owner: workerOwner, reader: self.readers[index])
                        let (event, times) = try await self.process(claimed, owner: workerOwner, detector: detector, embedder: embedder)
                        summary.value.withLock { s in
                            switch event {
                            case .done(_, _, let faces): s.done += 1; s.faces += faces
                            case .failed: s.failed += 1
                            case .lost: s.lost += 1
                            }
                            s.stages = s.stages + times
                        }
                        onEvent(event)
                        if self.stop.isStopped, let pending = next {
                            next = nil
                            if try await pending.value != nil {
                                _ = try await self.store.releaseLeases(owner: workerOwner)
                            }
                        }
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

    /// A claimed item and its picture (or why it cannot be read).
    struct Claimed: Sendable {
        var item: WorkItem
        var path: String
        var photo: Result<ScaledPhoto, Error>
        var decodeSeconds: Double
    }

    /// Claims the next item and decodes it, in a task of its own.
    private func claimAndDecode(owner: String, reader: MediaReader) -> Task<Claimed?, Error> {
        Task {
            guard let item = try await store.claim(owner: owner, limit: 1, leaseSeconds: options.leaseSeconds).first else { return nil }
            let path = options.pathMapping.localPath(for: item.path)
            let detectionSide = options.detector.smallFaces
                ? max(options.detector.longerSide.upperBound, options.detector.smallFaceSide) : options.detector.longerSide.upperBound
            let started = Date()
            let photo: Result<ScaledPhoto, Error>
            do {
                photo = .success(try await offloaded { try Self.photo(of: item, at: path, reader: reader, detectionSide: detectionSide) })
            } catch {
                photo = .failure(error)
            }
            return Claimed(item: item, path: path, photo: photo, decodeSeconds: Date().timeIntervalSince(started))
        }
    }

    private struct Rendered: Sendable {
        var faces: [DetectedFace]
        /// Each face's share of its crop outside the picture (`FaceNet.frameCut`).
        var frameCuts: [Float]
        var thumbnails: [Data]
        var embeddings: [FaceEmbedding]?
        var times = StageTimes()
    }

    func process(_ claimed: Claimed, owner: String, detector: RetinaFace, embedder: FaceNet?) async throws -> (Event, StageTimes) {
        let item = claimed.item, path = claimed.path
        var metadata: Logger.Metadata = ["item": "\(item.id)", "media": "\(item.mediaFileId)", "path": "\(path)"]
        if let frame = item.frameNumber { metadata["frame"] = "\(frame)" }
        var rendered: Rendered
        do {
            let side = options.thumbnailSize
            let photo = try claimed.photo.get()
            rendered = try await offloaded {
                var times = StageTimes()
                var clock = Date()
                func lap() -> Double {
                    defer { clock = Date() }
                    return Date().timeIntervalSince(clock)
                }
                let faces = photo.fullResolution(try detector.detect(in: photo.image))
                times.detect = lap()
                // Crops and thumbnails from the most reduced decode that has the pixels for them.
                let (image, inImage) = try photo.source(for: faces, faceSize: Self.sourceFaceSize(thumbnailSide: side))
                let embeddings = try embedder?.embed(inImage, in: image)
                times.embed = lap()
                // Rendered before the commit so that afterwards only file writes remain.
                let thumbnails = try inImage.map { try Thumbnail.jpeg(of: $0, in: image, side: side) }
                times.thumbnails = lap()
                let cuts = faces.map { FaceNet.frameCut(of: $0.box, width: photo.width, height: photo.height) }
                return Rendered(faces: faces, frameCuts: cuts, thumbnails: thumbnails, embeddings: embeddings, times: times)
            }
        } catch {
            let reason = Self.reason(for: error)
            var times = StageTimes()
            times.decode = claimed.decodeSeconds
            do {
                try await store.fail(item: item.id, owner: owner, error: reason)
            } catch let error as FaceStoreError where error.reason == .leaseLost {
                logger.warning("lease lost before marking failed", metadata: metadata)
                return (.lost(item: item.id, path: path), times)
            }
            logger.warning("media failed", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            return (.failed(item: item.id, path: path, reason: reason), times)
        }
        rendered.times.decode = claimed.decodeSeconds
        let storeStarted = Date()

        let newFaces = rendered.faces.enumerated().map { index, face in
            let embedding = rendered.embeddings?[index]
            return NewFace(box: BoundingBox(face.box), score: Double(face.score), landmarks: face.storedLandmarks,
                           faceSize: Int(face.size.rounded()), frameNumber: item.frameNumber, embedding: embedding?.vector,
                           embeddingModel: embedding == nil ? nil : embedder?.modelTag, quality: embedding.map { Double($0.quality) },
                           frameCut: Double(rendered.frameCuts[index]))
        }
        let ids: [Int64]
        do {
            ids = try await store.complete(item: item.id, owner: owner, faces: newFaces)
        } catch let error as FaceStoreError where error.reason == .leaseLost {
            logger.warning("lease lost; another worker has this item", metadata: metadata)
            return (.lost(item: item.id, path: path), rendered.times)
        }
        for (id, data) in zip(ids, rendered.thumbnails) {
            do {
                try thumbnails.write(data, named: store.thumbnailNaming(id))
            } catch {
                // The face is stored; the next run's repair renders the thumbnail again.
                logger.error("cannot write thumbnail", metadata: metadata.merging(["face": "\(id)", "reason": "\(error)"]) { $1 })
            }
        }
        logger.debug("media done", metadata: metadata.merging(["faces": "\(ids.count)"]) { $1 })
        rendered.times.store = Date().timeIntervalSince(storeStarted)
        return (.done(item: item.id, path: path, faces: ids.count), rendered.times)
    }

    /// The face size (longer box side, pixels) a picture must give every face for its FaceNet crop and its
    /// thumbnail to need no enlarging: the crop is the box grown by `FaceNet.cropMargin`, the thumbnail the
    /// longer side grown by `Thumbnail.margin`.
    static func sourceFaceSize(thumbnailSide: Int) -> Float {
        max(Float(FaceNet.inputSide) / (1 + FaceNet.cropMargin), Float(thumbnailSide) / (1 + Thumbnail.margin))
    }

    /// The item's picture: a photo decoded for a detector working at up to `detectionSide`, or a video frame.
    static func photo(of item: WorkItem, at path: String, reader: MediaReader, detectionSide: Int) throws -> ScaledPhoto {
        guard item.kind == .video else { return try ScaledPhoto(contentsOf: URL(fileURLWithPath: path), detectionSide: detectionSide) }
        return ScaledPhoto(image: try image(of: item, at: path, reader: reader))
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
