import Foundation

/// A photo decoded for detection. A JPEG much larger than the detector's input is decoded at 1/2,
/// 1/4 or 1/8 scale by libjpeg (DCT scaling: a fraction of the work of a full decode) as long as the
/// result still has at least the pixels the detector works at. Faces found in it are given in the
/// full photo's coordinates. Crops for FaceNet and thumbnails come from the reduced image when each
/// face has at least as many pixels there as the crop will have; otherwise the full-resolution
/// photo is decoded for them.
///
/// ```swift
/// let photo = try ScaledPhoto(contentsOf: url, detectionSide: 1024)
/// let faces = photo.fullResolution(try detector.detect(in: photo.image))
/// let (image, inImage) = try photo.source(for: faces, pixels: FaceNet.inputSide)
/// ```
public final class ScaledPhoto: @unchecked Sendable {
    // Sendable: `full` is only touched under the lock.
    /// What the detector sees: the photo, possibly reduced.
    public let image: Image
    /// The full-resolution size (upright, as decoded).
    public let width: Int
    public let height: Int
    /// 1, 2, 4 or 8.
    public let reduction: Int
    private let data: Data?
    private let lock = NSLock()
    private var full: Image?

    /// A picture that is already full size (a video frame).
    public init(image: Image) {
        self.image = image
        width = image.width
        height = image.height
        reduction = 1
        data = nil
        full = image
    }

    /// Reads a photo; a JPEG whose longer side is at least twice `detectionSide` is decoded reduced.
    public init(contentsOf url: URL, detectionSide: Int) throws {
        let data = try Image.readFile(url)
        let header = data.withUnsafeBytes { ImageHeader.dimensions(of: $0) }
        let isJPEG = data.count > 2 && data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xD8
        let reduction = header.map { isJPEG ? Self.reduction(longerSide: max($0.width, $0.height), detectionSide: detectionSide) : 1 } ?? 1
        do {
            image = try Image(data: data, reduction: reduction)
        } catch VisionError.unreadableImage(_, let reason) {
            throw VisionError.unreadableImage(path: url.path, reason: reason)
        }
        self.reduction = reduction
        if reduction == 1 || header == nil {
            width = image.width
            height = image.height
            self.data = nil
            full = image
        } else {
            // The header gives the stored size; the EXIF orientation may have turned it.
            var (w, h) = header!
            if (w > h) != (image.width > image.height) { swap(&w, &h) }
            width = w
            height = h
            self.data = data
        }
    }

    /// The largest of 1, 2, 4, 8 that keeps the longer side at or above `detectionSide`.
    static func reduction(longerSide: Int, detectionSide: Int) -> Int {
        var reduction = 1
        while reduction < 8, (longerSide + 2 * reduction - 1) / (2 * reduction) >= detectionSide { reduction *= 2 }
        return reduction
    }

    /// Horizontal and vertical size of `image` relative to the full photo.
    private var scale: (x: Float, y: Float) { (Float(image.width) / Float(width), Float(image.height) / Float(height)) }

    /// Faces found in `image`, in the full photo's coordinates.
    public func fullResolution(_ faces: [DetectedFace]) -> [DetectedFace] {
        guard reduction > 1 else { return faces }
        return faces.map { $0.scaled(x: 1 / scale.x, y: 1 / scale.y) }
    }

    /// The picture to crop `faces` (full-resolution coordinates) from for `pixels`-wide crops, and the
    /// faces in its coordinates: the reduced image when every face box spans at least `pixels` there,
    /// else the full-resolution photo.
    public func source(for faces: [DetectedFace], pixels: Int) throws -> (image: Image, faces: [DetectedFace]) {
        let (sx, sy) = scale
        if reduction == 1 || faces.allSatisfy({ $0.size * min(sx, sy) >= Float(pixels) }) {
            return (image, reduction == 1 ? faces : faces.map { $0.scaled(x: sx, y: sy) })
        }
        return (try fullImage(), faces)
    }

    /// The photo at full resolution, decoded on first use.
    public func fullImage() throws -> Image {
        lock.lock()
        defer { lock.unlock() }
        if let full { return full }
        let decoded = try Image(data: data!)
        full = decoded
        return decoded
    }
}
