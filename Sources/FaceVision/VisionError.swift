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
/// and the library alike. Only regular files are media: a FIFO would block the reader until some
/// other program writes to it, and a device such as /dev/zero never ends.
public enum FileProblem {
    /// "no such file", "dangling symbolic link", a link loop, a special file or "permission
    /// denied"; nil when the path is a regular file (or a folder) that can be read. Looks with
    /// stat, never opens the file: opening a FIFO blocks.
    public static func reason(at path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var link = stat()
            switch code {
            case ENOENT where lstat(path, &link) == 0: return "dangling symbolic link"
            case ENOENT, ENOTDIR: return "no such file"
            case ELOOP: return "symbolic link loop (the link leads back to itself); fix or remove the link"
            case EACCES: return "permission denied (a folder on the way cannot be searched)"
            default: return "cannot look at the file: \(String(cString: strerror(code)))"
            }
        }
        if let kind = specialKind(mode: info.st_mode) {
            return "is \(kind), not a regular file; only regular files are read as photos or videos, so it is skipped"
        }
        return access(path, R_OK) == 0 ? nil : "permission denied"
    }

    /// "a FIFO (named pipe)", "a character device", ... for `st_mode`; nil for regular files and folders.
    public static func specialKind(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG, S_IFDIR: nil
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
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
