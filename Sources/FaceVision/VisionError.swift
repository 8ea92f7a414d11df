import Foundation

/// What went wrong in decoding, model handling or inference, phrased for the person reading it.
public enum VisionError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read or is not an image we can decode.
    case unreadableImage(path: String, reason: String)
    /// An image operation (resize, crop, encode) failed inside OpenCV.
    case imageOperation(String)
    /// A model file is missing, corrupt or could not be loaded.
    case model(String)
    /// Fetching a model failed; the message says how to fix it.
    case modelInstall(String)
    /// A forward pass failed.
    case inference(String)

    public var description: String {
        switch self {
        case .unreadableImage(let path, let reason): "\(path): \(reason)"
        case .imageOperation(let message): "image operation failed: \(message)"
        case .model(let message): "model error: \(message)"
        case .modelInstall(let message): message
        case .inference(let message): "inference failed: \(message)"
        }
    }
}

/// Why a path cannot be read, when the file system can say: the plain words for photos, videos
/// and the library alike.
public enum FileProblem {
    /// "no such file", "dangling symbolic link" or "permission denied"; nil when the file is there
    /// and readable.
    public static func reason(at path: String) -> String? {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            return (try? fm.destinationOfSymbolicLink(atPath: path)) != nil ? "dangling symbolic link" : "no such file"
        }
        return fm.isReadableFile(atPath: path) ? nil : "permission denied"
    }
}

/// A small buffer for the C bridge's error messages.
struct BridgeError {
    static let capacity = 1024
    var buffer = [CChar](repeating: 0, count: capacity)

    var message: String {
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.isEmpty ? "unknown error" : text
    }
}
