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
}
