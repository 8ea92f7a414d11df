import CVBridge
import Foundation

/// A float32 tensor returned by a forward pass.
struct Tensor {
    var shape: [Int]
    var values: [Float]
}

/// A cv::dnn network loaded from a TensorFlow graph. A network runs one forward pass at a time,
/// so calls are serialised; use one `Network` per thread for parallel inference.
final class Network: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()

    init(graph: [UInt8], name: String) throws {
        var error = BridgeError()
        guard let handle = cvb_net_from_tensorflow(graph, graph.count, &error.buffer, BridgeError.capacity) else {
            throw VisionError.model("OpenCV could not load \(name): \(error.message)")
        }
        self.handle = handle
    }

    deinit { cvb_net_free(handle) }

    func forward(input: UnsafePointer<Float>, shape: [Int], outputs names: [String]) throws -> [Tensor] {
        lock.lock()
        defer { lock.unlock() }
        var error = BridgeError()
        var results = [cvb_tensor](repeating: cvb_tensor(), count: names.count)
        let shape32 = shape.map { Int32($0) }
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let status = cNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
            cvb_net_forward(handle, input, shape32, Int32(shape32.count), namePointers.baseAddress, Int32(names.count),
                            &results, &error.buffer, BridgeError.capacity)
        }
        guard status == 0 else { throw VisionError.inference(error.message) }
        return results.indices.map { i in
            var raw = results[i]
            defer { cvb_tensor_free(&raw) }
            let dims = withUnsafeBytes(of: raw.shape) { Array($0.bindMemory(to: Int32.self)) }
            let shape = dims[0..<Int(raw.dims)].map { Int($0) }
            let count = shape.reduce(1, *)
            return Tensor(shape: shape, values: Array(UnsafeBufferPointer(start: raw.data, count: count)))
        }
    }
}
