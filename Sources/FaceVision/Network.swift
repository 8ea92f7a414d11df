import CVBridge
import Foundation

/// A float32 tensor returned by a forward pass.
struct Tensor {
    var shape: [Int]
    var values: [Float]
    /// How an image-shaped (4-D) tensor is ordered; other tensors are the same in both.
    var layout: TensorLayout = .nchw

    /// Rows and columns of a 4-D image tensor.
    var rows: Int { layout == .nchw ? shape[2] : shape[1] }
    var columns: Int { layout == .nchw ? shape[3] : shape[2] }

    /// Channel `channel` of cell `cell` (= row * columns + column) of the first image.
    @inline(__always)
    func value(channel: Int, cell: Int) -> Float {
        switch layout {
        case .nchw: values[channel * rows * columns + cell]
        case .nhwc: values[cell * shape[3] + channel]
        }
    }
}

/// A cv::dnn network loaded from a TensorFlow graph (the OpenCV engine). A network runs one forward
/// pass at a time, so calls are serialised; use one `Network` per thread for parallel inference.
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
        return results.indices.map { Tensor(taking: &results[$0]) }
    }
}

extension Tensor {
    /// Copies a tensor the bridge returned and frees it.
    init(taking raw: inout cvb_tensor) {
        defer { cvb_tensor_free(&raw) }
        let dims = withUnsafeBytes(of: raw.shape) { Array($0.bindMemory(to: Int32.self)) }
        shape = dims[0..<Int(raw.dims)].map { Int($0) }
        values = Array(UnsafeBufferPointer(start: raw.data, count: shape.reduce(1, *)))
    }
}
