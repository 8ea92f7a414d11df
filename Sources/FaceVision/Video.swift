import CVBridge
import Foundation

/// A video file read frame by frame through OpenCV (FFmpeg), for finding faces in sampled frames.
///
/// ```swift
/// let video = try Video(contentsOf: URL(fileURLWithPath: "party.mp4"))
/// for index in video.sampledFrames(every: 1) { let frame = try video.frame(at: index) }
/// ```
///
/// Not thread-safe: a video has one read position. Use one per worker.
public final class Video {
    private let handle: OpaquePointer
    public let path: String
    /// Frames as the container counts them.
    public let frameCount: Int
    /// Frames per second as the container states it (0 when unknown).
    public let framesPerSecond: Double
    public let width: Int
    public let height: Int

    public init(contentsOf url: URL) throws {
        path = url.path
        // FFmpeg's own message for a missing or unreadable file is only a log line; say it plainly.
        if let problem = FileProblem.reason(at: path) { throw VisionError.unreadableImage(path: path, reason: problem) }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if attributes?[.type] as? FileAttributeType == .typeDirectory {
            throw VisionError.unreadableImage(path: path, reason: "is a directory, not a video")
        }
        if attributes?[.size] as? Int == 0 {
            throw VisionError.unreadableImage(path: path, reason: "empty file")
        }
        var error = BridgeError()
        guard let handle = cvb_video_open(path, &error.buffer, BridgeError.capacity) else {
            throw VisionError.unreadableImage(path: path, reason: error.message)
        }
        self.handle = handle
        var frames: Int64 = 0, fps = 0.0
        var w: Int32 = 0, h: Int32 = 0
        cvb_video_info(handle, &frames, &fps, &w, &h)
        frameCount = Int(frames)
        framesPerSecond = fps
        width = Int(w)
        height = Int(h)
        if frameCount == 0 || width <= 0 || height <= 0 {
            throw VisionError.unreadableImage(path: path, reason: "video has no frames (\(width)x\(height), \(frameCount) frames)")
        }
        if UInt64(width) * UInt64(height) > Image.maxPixels {
            throw VisionError.unreadableImage(path: path, reason: "video frames are \(width)x\(height) pixels, more than the \(Image.maxPixels / 1_000_000)-megapixel limit")
        }
    }

    deinit { cvb_video_free(handle) }

    /// Duration in seconds, when the frame rate is known.
    public var duration: Double? { framesPerSecond > 0 ? Double(frameCount) / framesPerSecond : nil }

    /// The frames to look at when taking one every `seconds`: 0, then one per interval. A video
    /// without a frame rate is taken as 25 frames per second.
    public func sampledFrames(every seconds: Double) -> [Int] {
        let fps = framesPerSecond > 0 ? framesPerSecond : 25
        let step = max(1, Int((fps * seconds).rounded()))
        return Array(stride(from: 0, to: frameCount, by: step))
    }

    /// Decodes one frame (0-based) as an upright image.
    public func frame(at index: Int) throws -> Image {
        var error = BridgeError()
        guard let image = cvb_video_frame(handle, Int64(index), &error.buffer, BridgeError.capacity) else {
            throw VisionError.unreadableImage(path: path, reason: error.message)
        }
        return Image(handle: image)
    }
}

/// Which files are videos frs reads: what FFmpeg commonly holds in these containers.
public enum VideoFiles {
    public static let extensions: Set<String> = ["mp4", "m4v", "mov", "avi", "mkv", "webm", "mpg", "mpeg", "wmv", "3gp", "mts", "m2ts"]

    public static func isVideo(_ url: URL) -> Bool { extensions.contains(url.pathExtension.lowercased()) }
}

extension Image {
    /// Reads a photo, or frame `frame` of a video when `frame` is given: how a stored face's picture
    /// is found again.
    public static func read(_ url: URL, frame: Int?) throws -> Image {
        guard let frame else { return try Image(contentsOf: url) }
        return try Video(contentsOf: url).frame(at: frame)
    }
}

/// Reads the pictures of work items for one worker, keeping the last video open: a worker that
/// goes through a video's frames in order then decodes forward instead of reopening and seeking.
public final class MediaReader: @unchecked Sendable {
    // Sendable: the open video is only touched under the lock.
    private let lock = NSLock()
    private var open: (video: Video, signature: FileSignature)?

    private struct FileSignature: Equatable {
        var path: String
        var size: Int?
        var modified: Date?

        init(path: String) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            self.path = path
            size = attributes?[.size] as? Int
            modified = attributes?[.modificationDate] as? Date
        }
    }

    public init() {}

    /// The photo at `path`, or frame `frame` of the video there.
    public func image(path: String, frame: Int?) throws -> Image {
        guard let frame else { return try Image(contentsOf: URL(fileURLWithPath: path)) }
        lock.lock()
        defer { lock.unlock() }
        // A file replaced on disk is opened afresh.
        let signature = FileSignature(path: path)
        if open?.signature != signature {
            open = nil
            open = (try Video(contentsOf: URL(fileURLWithPath: path)), signature)
        }
        do {
            return try open!.video.frame(at: frame)
        } catch {
            open = nil
            throw error
        }
    }
}
