import Foundation

public enum MediaKind: String, Sendable, Equatable {
    case image
    case video
}

/// A `MediaFile` row. Metadata is optional because rows written by the original system lack it.
public struct MediaFile: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var fileName: String?
    public var fileExtension: String?
    public var size: Int64?
    public var mtime: Date?
    public var contentHash: String?
    public var kind: MediaKind?
    public var width: Int?
    public var height: Int?
    /// When it was taken, from its EXIF or movie header; nil when the file does not say.
    public var capturedAt: CaptureTime? = nil
    /// Whether `capturedAt` has been read from the file: false for files added before frs read
    /// dates (schema 4), which `frs add` then reads once without re-hashing them.
    public var captureTimeRead: Bool = false
}
