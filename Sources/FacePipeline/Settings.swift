import FaceStore
import FaceVision
import Foundation

/// Every setting frs runs with, typed. Each default is written once, here.
///
/// Values are read at the edge, in one place (`Settings+Loading.swift`): built-in defaults, then the
/// config file, then `FRS_*` environment variables, then command-line flags. The rest of frs takes a
/// `Settings` (or the parts it needs) and never reads the environment itself.
///
/// ```swift
/// var settings = try Settings.load()                       // defaults, config file, environment
/// try settings.set(.workers, "4", source: .flag)           // a flag, validated like the file's values
/// let runner = try DetectionRunner(store: store, models: settings.models,
///                                  dataDirectory: settings.dataDirectory,
///                                  options: DetectionRunner.Options(settings: settings))
/// ```
public struct Settings: Sendable {
    /// A `postgres://` URL or a SQLite file path; nil: `frs.sqlite` in the data directory.
    public var databaseLocation: String?
    public var dataDirectory: DataDirectory
    public var modelsDirectory: URL
    public var detection = Detection()
    public var thumbnailSize = 160
    /// Photos processed at once in one process.
    public var workers = Settings.defaultWorkers
    /// One worker per core, up to four: each forward pass then runs on its share of the cores, which keeps
    /// them busier than one pass on all of them (two workers on two cores: 5-27 % more photos per second on
    /// a mixed library, -1 to +15 % on phone photos; docs/benchmarks.md). More would mostly add memory.
    public static let defaultWorkers = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    public var leaseSeconds: Double = 600
    public var pathMapping = PathMapping()
    public var logLevel = LogLevelName.info
    public var watchInterval: Double = 30
    /// A video is looked at one frame every this many seconds.
    public var videoInterval: Double = 1
    /// The token `frs serve` requires of every request; required off loopback.
    public var webToken: String?
    /// Which inference engine runs the networks, and in what precision.
    public var engine = EngineChoice.auto
    public var precision = Precision.auto
    /// Embed each face and its mirror image and average the two (docs/recognition.md: slightly
    /// better verification, the same grouping, twice the embedding time). Changing it re-embeds the
    /// library in place.
    public var embeddingFlip = FaceNet.defaultFlip

    /// The config file these settings were read from (it may not exist).
    public let configFile: URL
    /// Where each value came from; keys not listed have their default.
    public internal(set) var sources: [Key: Source] = [:]

    /// Detector settings, shared by the library commands and the one-off ones (`frs test`, `compare`).
    /// The defaults are the detector's own (`RetinaFace.Options`).
    public struct Detection: Sendable, Equatable {
        /// Keep faces scoring at least this (0-1).
        public var threshold = RetinaFace.Options().scoreThreshold
        /// Largest longer side the detector works at, in pixels.
        public var maxSide = RetinaFace.Options().longerSide.upperBound
        /// Also search an enlarged copy for small faces (slower).
        public var smallFaces = RetinaFace.Options().smallFaces

        public init() {}

        /// Images smaller than this are enlarged to it (unless `maxSide` is smaller still).
        static let minimumLongerSide = RetinaFace.Options().longerSide.lowerBound

        /// The detector options; `side` fixes the longer side exactly, overriding `maxSide`.
        public func detectorOptions(side: Int? = nil) -> RetinaFace.Options {
            var options = RetinaFace.Options()
            options.scoreThreshold = threshold
            options.longerSide = side.map { $0...$0 } ?? min(Self.minimumLongerSide, maxSide)...maxSide
            options.smallFaces = smallFaces
            return options
        }
    }

    /// All defaults, with the folders that depend on the home directory taken from `locations`.
    public init(locations: StandardLocations) {
        configFile = locations.configFile
        dataDirectory = DataDirectory(root: locations.dataDirectory)
        modelsDirectory = locations.modelsDirectory
    }

    /// `databaseLocation`, or the SQLite file in the data directory.
    public var database: String { databaseLocation ?? dataDirectory.databaseURL.path }

    public var models: ModelStore { ModelStore(directory: modelsDirectory) }

    public var detectorOptions: RetinaFace.Options { detection.detectorOptions() }

    /// The tag of the embeddings these settings make and compare.
    public var embeddingModel: String { FaceNet.modelTag(flip: embeddingFlip) }

    /// FaceNet as these settings ask for it (`embedding_flip`).
    public func faceNet(engine: InferenceEngine, progress: (String) -> Void = { _ in }) throws -> FaceNet {
        try FaceNet(modelURL: models.ensure(.faceNet, progress: progress), flip: embeddingFlip, engine: engine)
    }

    /// The engine `engine` and `precision` ask for (an unavailable OpenVINO under `auto` gives OpenCV and a notice).
    public func inferenceEngine(notice: (String) -> Void = { _ in }) throws -> InferenceEngine {
        try InferenceEngine.select(engine, precision: precision, models: models, notice: notice)
    }
}

public enum LogLevelName: String, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical
}

public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
