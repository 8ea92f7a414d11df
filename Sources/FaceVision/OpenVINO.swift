import CVBridge
import Crypto
import Foundation
import Synchronization

/// OpenVINO's libraries from the models cache, loaded once per process (see `ModelStore.installEngine`).
final class OpenVINORuntime: @unchecked Sendable {
    // Sendable: the handle is only read after loading; OpenVINO's core is thread-safe.
    let handle: OpaquePointer
    let version: String
    private let bf16Capable: Bool
    private let int8Capable: Bool
    private let defaultPrecision: String
    /// What an int8 graph runs its unquantized ops in (RetinaFace's heads, the additions, the
    /// activations): bf16 where the CPU computes it fast, else f32.
    private let int8Remainder: String

    enum Unavailable: Error, CustomStringConvertible {
        case notInstalled(String)
        case refused(String)
        case failed(String)

        var description: String {
            switch self {
            case .notInstalled(let path): "OpenVINO is not installed in \(path); run `frs models install`"
            case .refused(let reason): reason
            case .failed(let reason): "OpenVINO does not load on this machine: \(reason)"
            }
        }
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        var buffer = [CChar](repeating: 0, count: 256)
        cvb_ov_version(handle, &buffer, buffer.count)
        // "2026.4.1-22982-e213a147257-releases/2026/4": the release is the part before the build number.
        let build = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        version = build.split(separator: "-").first.map(String.init) ?? build
        func property(_ key: String) -> String {
            var error = BridgeError()
            var out = [CChar](repeating: 0, count: 1024)
            guard cvb_ov_cpu_property(handle, key, &out, out.count, &error.buffer, BridgeError.capacity) == 0 else { return "" }
            return out.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        let capabilities = property("OPTIMIZATION_CAPABILITIES").split(separator: " ")
        bf16Capable = capabilities.contains("BF16")
        int8Capable = capabilities.contains("INT8")
        // OpenVINO picks bf16 on any CPU with AVX512-BF16, but that is not always the faster: on an Intel
        // Sapphire/Emerald Rapids VM without AMX, bf16 took 1.7x as long as f32 (FaceNet batch 8 and
        // RetinaFace); with AMX it took 0.3-0.4x, so AMX keeps bf16 (int8 there is unmeasured).
        // Elsewhere int8: on an AVX2 CPU (AMD EPYC, 2 cores) `frs run` on a mixed library took 38.5 s
        // instead of 60.2 s in f32; on an AMD EPYC with AVX512-BF16 and VNNI, int8 with the rest in bf16
        // took 16.9-17.7 s against 22.0 s in bf16 (docs/benchmarks.md).
        let engineDefault = Self.precisionName(property("INFERENCE_PRECISION_HINT")) ?? "f32"
        let cpu = CPUFeatures.current
        let fastBF16 = bf16Capable && cpu.runsBF16Fast
        defaultPrecision = engineDefault == "bf16" && cpu.hasAMX ? "bf16" : (int8Capable ? "int8" : (fastBF16 ? "bf16" : "f32"))
        int8Remainder = fastBF16 ? "bf16" : "f32"
    }

    /// What the kernel reports of the CPU's arithmetic, as far as the precision choice needs it.
    struct CPUFeatures {
        /// Intel's AMX tiles (bf16 matrix multiplication).
        var hasAMX = false
        /// Whether bf16 computes faster than f32: with AMX, or on AMD's AVX512-BF16 (Zen 4: 1.6x).
        var runsBF16Fast = false

        static let current: CPUFeatures = {
            guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return CPUFeatures() }
            let lines = info.split(separator: "\n")
            guard let flags = lines.first(where: { $0.hasPrefix("flags") })?.split(separator: " ") else { return CPUFeatures() }
            let amd = lines.first(where: { $0.hasPrefix("vendor_id") })?.contains("AuthenticAMD") ?? false
            let amx = flags.contains("amx_bf16")
            return CPUFeatures(hasAMX: amx, runsBF16Fast: amx || (amd && flags.contains("avx512_bf16")))
        }()
    }

    /// "bf16" or "f32", from OpenVINO's element type names ("bf16", "f32", "BF16").
    static func precisionName(_ text: String) -> String? {
        switch text.lowercased() {
        case "bf16": "bf16"
        case "f32": "f32"
        case "f16": "f16"
        default: nil
        }
    }

    /// What a precision setting turns into on this CPU.
    func effectivePrecision(_ precision: Precision) -> String {
        switch precision {
        case .auto: defaultPrecision
        case .f32: "f32"
        case .bf16: bf16Capable ? "bf16" : "f32"
        case .int8: int8Capable ? "int8" : "f32"
        }
    }

    /// What the ops a graph leaves unquantized run in, for an effective precision: "f32" or "bf16".
    func floatPrecision(of precision: String) -> String {
        precision == "int8" ? int8Remainder : precision
    }

    private static let loaded = Mutex<[String: OpenVINORuntime]>([:])

    /// Verifies every file of the installed runtime (a file that fails is never loaded), then loads it.
    static func load(from models: ModelStore) throws -> OpenVINORuntime {
        let library = models.engineDirectory.appendingPathComponent(OpenVINOPackage.entryLibrary).path
        return try loaded.withLock { loaded in
            if let runtime = loaded[library] { return runtime }
            switch models.engineState() {
            case .missing: throw Unavailable.notInstalled(models.engineDirectory.path)
            case .corrupt(let reason):
                throw Unavailable.refused("the OpenVINO files in \(models.engineDirectory.path) fail verification (\(reason)) and are not used; run `frs models install` to replace them")
            case .installed: break
            }
            var error = BridgeError()
            guard let handle = cvb_ov_load(library, &error.buffer, BridgeError.capacity) else {
                throw Unavailable.failed(error.message)
            }
            let runtime = OpenVINORuntime(handle: handle)
            loaded[library] = runtime
            return runtime
        }
    }
}

/// OpenVINO's CPU plugin: reads TensorFlow graphs by path, so patched graphs are written to the cache first,
/// each with its input shape declared in the file. A graph is then compiled by path, and with `CACHE_DIR`
/// set, a graph compiled before is loaded from the cache without reading the graph (0.09 s instead of 0.37 s
/// for RetinaFace, 0.16 s instead of 0.8 s for FaceNet).
struct OpenVINOBackend: InferenceBackend {
    let runtime: OpenVINORuntime
    let models: ModelStore
    /// "f32", "bf16" or "int8", as `OpenVINORuntime.effectivePrecision` resolved it.
    let precision: String
    /// Forward passes one compiled graph runs at once, each on its share of the cores.
    let streams: Int

    var layout: TensorLayout { .nhwc }
    var runsConcurrently: Bool { true }
    // A compiled RetinaFace holds its buffers for each stream (at 1024x768: about 60 MB in bf16, 140 MB in
    // f32, 250 MB in f32 with two streams); building one from the cache costs about three forward passes. On
    // a mixed library (339 photos: LFW, WIDER FACE, the sample photos) a padding step of 128 makes 17 sizes
    // for 3 % more pixels than a step of 32 (40 sizes), and keeping 12 built 17 networks; the step of 32
    // built 58. With more streams fewer sizes are kept, so that memory stays near one worker's: on that
    // library two workers peaked at 2.0 GB, one at 1.7 GB (two keeping 12: 2.7 GB).
    var sizesKept: Int { max(4, 12 / streams) }
    var paddingStep: Int { 128 }

    func load(_ recipe: GraphRecipe, name: String, input: String, inputShape: [Int], outputs: [String]) throws -> any CompiledGraph {
        // Named by what it is made of, so that a graph written before is used without reading its source
        // (FaceNet's is 90 MB) or editing it again; a digest beside it proves it is the one written.
        let int8 = precision == "int8" ? recipe.int8 : nil
        let key = "\(recipe.identity) input \(input) \(inputShape) outputs \(outputs)" + (int8.map { " int8 \($0.identity)" } ?? "")
        let digest = SHA256.hash(data: Data(key.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let safeName = name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let url = models.graphDirectory.appendingPathComponent("\(String(safeName))-\(digest).pb")
        let digestURL = url.appendingPathExtension("sha256")
        let written = (try? String(contentsOf: digestURL, encoding: .utf8)).map { models.verify(url, size: nil, sha256: $0) == .installed } ?? false
        if !written {
            var graph = try recipe.make()
            if let int8 { try graph.quantize(with: int8) }
            try graph.setPlaceholderShape(input, to: inputShape)
            let bytes = Data(graph.serialized())
            do {
                try FileManager.default.createDirectory(at: models.graphDirectory, withIntermediateDirectories: true)
                try bytes.write(to: url, options: .atomic)
                let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                try sha.write(to: digestURL, atomically: true, encoding: .utf8)
            } catch {
                throw VisionError.model("cannot write the patched \(name) graph to \(url.path): \(error.localizedDescription). Set FRS_MODELS to a writable folder.")
            }
        }
        var properties = ["PERFORMANCE_HINT": "LATENCY", "CACHE_DIR": models.compiledCacheDirectory.path,
                          "INFERENCE_PRECISION_HINT": runtime.floatPrecision(of: precision)]
        if streams > 1 {
            properties["NUM_STREAMS"] = String(streams)
            // Each compiled graph pins its stream threads on its own, stream i to core i in every graph: two
            // workers, one in RetinaFace and one in FaceNet, then share one core while the other idles (on
            // two cores a pass took 2.6x as long as one worker's pass on both; unpinned 2.1x).
            properties["ENABLE_CPU_PINNING"] = "NO"
        }
        // TensorFlow names a node's first output `name:0`.
        return try OpenVINOGraph(runtime: runtime, path: url.path, name: name, outputs: outputs.map { $0 + ":0" },
                                 properties: properties)
    }
}

/// A graph compiled for the CPU. OpenVINO keeps a pool of inference requests for it, so several threads run
/// it at once (each request on one of the compiled streams).
final class OpenVINOGraph: CompiledGraph, @unchecked Sendable {
    // Sendable: the handle's inference calls are thread-safe (CVBridgeOpenVINO.h).
    private let handle: OpaquePointer
    private let name: String
    private let outputs: [String]

    init(runtime: OpenVINORuntime, path: String, name: String, outputs: [String], properties: [String: String]) throws {
        var error = BridgeError()
        let keys = properties.keys.sorted()
        let cKeys = keys.map { strdup($0) }, cValues = keys.map { strdup(properties[$0]!) }
        defer { (cKeys + cValues).forEach { free($0) } }
        let handle = cKeys.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            cValues.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                cvb_ov_compile(runtime.handle, path, k.baseAddress, v.baseAddress, Int32(keys.count),
                               &error.buffer, BridgeError.capacity)
            }
        }
        guard let handle else { throw VisionError.model("OpenVINO could not compile \(name): \(error.message)") }
        self.handle = handle
        self.name = name
        self.outputs = outputs
    }

    deinit { cvb_ov_net_free(handle) }

    func forward(input: UnsafePointer<Float>, shape: [Int]) throws -> [Tensor] {
        var error = BridgeError()
        var results = [cvb_tensor](repeating: cvb_tensor(), count: outputs.count)
        let cNames = outputs.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let dims = shape.map(Int64.init)
        let status = cNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { names in
            cvb_ov_infer(handle, input, dims, Int32(dims.count), names.baseAddress, Int32(outputs.count), &results,
                         &error.buffer, BridgeError.capacity)
        }
        guard status == 0 else { throw VisionError.inference("\(name) at \(shape.map(String.init).joined(separator: "x")): \(error.message)") }
        return results.indices.map { i in
            var tensor = Tensor(taking: &results[i])
            tensor.layout = .nhwc
            return tensor
        }
    }
}
