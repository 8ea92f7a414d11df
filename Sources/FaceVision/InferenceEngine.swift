import Foundation

/// Which engine runs the networks (the `engine` setting).
public enum EngineChoice: String, CaseIterable, Sendable {
    /// OpenVINO when it is installed and loads, else OpenCV.
    case auto
    case openvino
    case opencv
}

/// The arithmetic the networks run in (the `precision` setting).
public enum Precision: String, CaseIterable, Sendable {
    /// The fastest measured on the CPU: OpenVINO uses bf16 on Intel CPUs with AMX, int8 elsewhere;
    /// OpenCV always f32.
    case auto
    case f32
    case bf16
    /// Convolutions in int8 (`Int8Calibration`), the rest in bf16 where the CPU computes bf16 fast (AMD
    /// CPUs with AVX512-BF16, Intel's with AMX), else in f32; OpenVINO only.
    case int8
}

/// The order of an image tensor's dimensions.
enum TensorLayout: Sendable {
    /// OpenCV's: batch, channel, row, column.
    case nchw
    /// TensorFlow's, which OpenVINO keeps: batch, row, column, channel.
    case nhwc
}

/// A graph ready to run. Where the engine `runsConcurrently`, several threads may run it at once;
/// otherwise it runs one forward pass at a time and callers on other threads wait.
protocol CompiledGraph: AnyObject, Sendable {
    /// Runs `input` (float32, `shape` in the engine's layout) and returns the outputs named at load time, in order.
    func forward(input: UnsafePointer<Float>, shape: [Int]) throws -> [Tensor]
}

/// What RetinaFace and FaceNet need from an inference engine.
protocol InferenceBackend: Sendable {
    var layout: TensorLayout { get }
    /// True when one compiled graph runs several forward passes at once, so that all workers share one
    /// copy; false: each worker loads its own.
    var runsConcurrently: Bool { get }
    /// How many input sizes RetinaFace keeps compiled (it compiles one graph per padded size).
    var sizesKept: Int { get }
    /// What RetinaFace pads its input to a multiple of, unless told otherwise.
    var paddingStep: Int { get }
    /// Prepares `graph`, fed at its placeholder `input` with tensors of `inputShape` (the engine's layout;
    /// -1: any size on that axis), whose results are the nodes `outputs`. `name` appears in errors and
    /// file names.
    func load(_ graph: GraphRecipe, name: String, input: String, inputShape: [Int], outputs: [String]) throws -> any CompiledGraph
}

/// A graph as its source file and the edits made to it: `identity` names the result without making it
/// (an engine that keeps prepared graphs on disk finds them by it), `make` makes it.
struct GraphRecipe {
    /// The source file's path, size and modification time, and what was done to it.
    let identity: String
    let make: () throws -> GraphDef
    /// How the graph is quantized where the engine runs int8; nil: it is not.
    let int8: Int8Calibration?

    init(source: URL, edits: String, int8: Int8Calibration? = nil, make: @escaping () throws -> GraphDef) {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: source.path)) ?? [:]
        identity = "\(source.path) \(ModelStore.verificationStamp(attributes)) \(edits)"
        self.make = make
        self.int8 = int8
    }
}

/// The engine the networks run on, with its version and precision.
///
/// ```swift
/// let engine = try InferenceEngine.select(.auto, precision: .auto, models: settings.models) { print($0) }
/// print(engine)                                   // "openvino 2026.4.1 (bf16)"
/// let detector = try RetinaFace(modelURL: url, engine: engine)
/// ```
public final class InferenceEngine: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case openVINO = "openvino"
        case openCV = "opencv"
    }

    public let kind: Kind
    /// The engine library's version, e.g. "2026.4.1" or "4.6.0".
    public let version: String
    /// What the networks run in: "f32", "bf16" or "int8".
    public let precision: String
    /// What the operations that are not quantized run in, "f32" or "bf16": in int8, the ones left out of
    /// `Int8Calibration` (RetinaFace's heads among them); otherwise `precision`.
    public let floatPrecision: String
    let backend: any InferenceBackend

    init(kind: Kind, version: String, precision: String, floatPrecision: String? = nil, backend: any InferenceBackend) {
        self.kind = kind
        self.version = version
        self.precision = precision
        self.floatPrecision = floatPrecision ?? precision
        self.backend = backend
    }

    /// "openvino 2026.4.1 (bf16)", "openvino 2026.4.1 (int8, the rest bf16)".
    public var description: String {
        "\(kind.rawValue) \(version) (\(precision)\(precision == "int8" ? ", the rest \(floatPrecision)" : ""))"
    }

    /// OpenCV's dnn module: always there, f32, the reference the other engine is tested against.
    public static let openCV = InferenceEngine(kind: .openCV, version: OpenCVBackend.version, precision: "f32", backend: OpenCVBackend())

    /// Whether workers share one copy of each network (OpenVINO) rather than each loading its own (OpenCV).
    public var sharesNetworks: Bool { backend.runsConcurrently }

    /// OpenVINO from the models cache; throws when it is not installed, fails verification or does not load.
    /// `streams` is how many forward passes run at once (one per worker): the cores are split between
    /// them (on two cores, two one-thread streams did 4-19 % more RetinaFace and 11-14 % more FaceNet
    /// inferences per second than one stream on both cores; docs/benchmarks.md).
    public static func openVINO(models: ModelStore, precision: Precision = .auto, streams: Int = 1) throws -> InferenceEngine {
        let runtime = try OpenVINORuntime.load(from: models)
        let effective = runtime.effectivePrecision(precision)
        return InferenceEngine(kind: .openVINO, version: runtime.version, precision: effective,
                               floatPrecision: runtime.floatPrecision(of: effective),
                               backend: OpenVINOBackend(runtime: runtime, models: models, precision: effective,
                                                        streams: max(1, streams)))
    }

    /// The engine a choice means. `auto` takes OpenVINO when it is installed and loads, and otherwise
    /// OpenCV after a one-line notice; an explicit `openvino` that cannot load is an error.
    public static func select(_ choice: EngineChoice, precision: Precision, models: ModelStore, streams: Int = 1,
                              notice: (String) -> Void = { _ in }) throws -> InferenceEngine {
        switch choice {
        case .opencv:
            if precision == .bf16 || precision == .int8 {
                notice("OpenCV dnn runs in f32 only; precision = \(precision.rawValue) needs engine = openvino")
            }
            return .openCV
        case .openvino:
            return try openVINO(models: models, precision: precision, streams: streams)
        case .auto:
            do {
                return try openVINO(models: models, precision: precision, streams: streams)
            } catch OpenVINORuntime.Unavailable.notInstalled {
                notice("OpenVINO is not installed (`frs models install` fetches it); using OpenCV dnn, which is slower")
            } catch {
                notice("OpenVINO cannot be used (\(error)); using OpenCV dnn")
            }
            if precision == .bf16 || precision == .int8 {
                notice("OpenCV dnn runs in f32 only; precision = \(precision.rawValue) is not applied")
            }
            return .openCV
        }
    }

}

/// OpenCV's dnn module: loads graphs from memory and takes any input shape.
struct OpenCVBackend: InferenceBackend {
    static let version = "4.6.0"
    var layout: TensorLayout { .nchw }
    var runsConcurrently: Bool { false }
    // A network holds its layer buffers (about 200 MB at 1024 px), and loading one is cheap.
    var sizesKept: Int { 2 }
    var paddingStep: Int { 32 }

    func load(_ recipe: GraphRecipe, name: String, input: String, inputShape: [Int], outputs: [String]) throws -> any CompiledGraph {
        let graph = try recipe.make()
        // OpenCV fuses a BiasAdd into the convolution before it; the fused layer keeps the Conv2D's name.
        let layers = outputs.map { output -> String in
            guard let node = graph.node(named: output), node.op == "BiasAdd", let source = node.sourceNodes.first,
                  graph.node(named: source)?.op == "Conv2D"
            else { return output }
            return source
        }
        return OpenCVGraph(network: try Network(graph: graph.serialized(), name: name), outputs: layers)
    }

    final class OpenCVGraph: CompiledGraph {
        let network: Network
        let outputs: [String]

        init(network: Network, outputs: [String]) {
            self.network = network
            self.outputs = outputs
        }

        func forward(input: UnsafePointer<Float>, shape: [Int]) throws -> [Tensor] {
            try network.forward(input: input, shape: shape, outputs: outputs).map { tensor in
                var tensor = tensor
                tensor.layout = .nchw
                return tensor
            }
        }
    }
}
