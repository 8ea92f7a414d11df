import Foundation

/// Square face thumbnails for galleries and review.
public enum Thumbnail {
    /// How much the face box grows (in total) so that hair and chin show.
    public static let margin: Float = 0.4

    /// The square crop around a face: centred on its box, side = longer box side plus `margin`.
    public static func rect(for face: DetectedFace) -> Rect {
        let side = face.size * (1 + margin)
        let centre = face.box.center
        return Rect(x: centre.x - side / 2, y: centre.y - side / 2, width: side, height: side)
    }

    /// A `side` x `side` JPEG of the face; the part of the square beyond the image is black.
    public static func jpeg(of face: DetectedFace, in image: Image, side: Int = 160, quality: Int = 90) throws -> Data {
        try image.cropped(to: rect(for: face), width: side, height: side, pad: true).jpegData(quality: quality)
    }
}
