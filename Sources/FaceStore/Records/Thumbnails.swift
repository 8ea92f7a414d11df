import Foundation

/// How thumbnails are named from face ids. `complete` writes this into `Faces.Name`;
/// the caller writes the thumbnail files after `complete` returns the ids.
public typealias ThumbnailNaming = @Sendable (_ faceId: Int64) -> String

public enum Thumbnails {
    /// `<faceId>.jpg`
    public static let defaultNaming: ThumbnailNaming = { "\($0).jpg" }
}
