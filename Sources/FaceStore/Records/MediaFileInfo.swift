import Foundation

/// What `frs add` learned about a file on disk.
public struct MediaFileInfo: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var mtime: Date
    /// SHA-256 of the content, lowercase hex.
    public var contentHash: String
    public var kind: MediaKind
    public var width: Int?
    public var height: Int?
    /// For a video: the frames to look at, one `MediaItems` row each. nil for a photo, which gets
    /// one row without a frame number.
    public var frames: [Int]?
    /// When it was taken (EXIF `DateTimeOriginal`, a movie's creation time); nil when the file does not say.
    public var capturedAt: CaptureTime?

    public init(path: String, size: Int64, mtime: Date, contentHash: String, kind: MediaKind,
                width: Int? = nil, height: Int? = nil, frames: [Int]? = nil, capturedAt: CaptureTime? = nil) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.contentHash = contentHash
        self.kind = kind
        self.width = width
        self.height = height
        self.frames = frames
        self.capturedAt = capturedAt
    }

    /// The frames that get their own `MediaItems` rows, with the rows' names (`clip.mp4#120`).
    var frameItems: (names: [String], frames: [Int])? {
        guard let frames, !frames.isEmpty else { return nil }
        return (frames.map { "\(fileName)#\($0)" }, frames)
    }

    /// Last path component, as the original system stored it in `FileName`.
    public var fileName: String { (path as NSString).lastPathComponent }
    /// Extension without the dot, lowercased (`jpg`), empty when there is none.
    public var fileExtension: String { (path as NSString).pathExtension.lowercased() }
}

/// Result of `addMedia`.
public enum AddOutcome: Sendable, Equatable {
    /// A new file: its pending `MediaItems` rows were created (one, or one per video frame);
    /// `itemId` is the first.
    case added(fileId: Int64, itemId: Int64)
    /// Known path with the same size, mtime and hash (or a legacy row whose metadata was only filled in).
    case unchanged(fileId: Int64)
    /// Known path whose content changed: metadata updated, its faces deleted, its items pending again
    /// (a video's items are made anew, as its frames may differ). `removedThumbnails` are the
    /// thumbnail names (`Faces.Name`) of the deleted faces, for the caller to delete the files:
    /// faces the photo no longer shows must not stay visible.
    case changed(fileId: Int64, removedThumbnails: [String])

    public var fileId: Int64 {
        switch self {
        case .added(let id, _), .unchanged(let id), .changed(let id, _): id
        }
    }
}
