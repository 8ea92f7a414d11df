import Foundation

/// A photo decoded for detection. A JPEG much larger than the detector's input is decoded at 1/2,
/// 1/4 or 1/8 scale by libjpeg (DCT scaling: a fraction of the work of a full decode) as long as the
/// result keeps at least 95 % of the side the detector works at (a 4032x3024 phone photo is decoded at
/// 1008x756 for a detector at 1024: a quarter of the pixels of 2016x1512, and no resize). Faces found
/// in it are given in the full photo's coordinates. Crops for FaceNet and thumbnails come from the
/// most reduced decode in which every face has the pixels its crop needs: the detector's image, or the
/// photo decoded again at a larger scale, or at full size.
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
    /// Decodes at larger scales than `image`, by reduction.
    private var decoded: [Int: Image] = [:]

    /// A picture that is already full size (a video frame).
    public init(image: Image) {
        self.image = image
        width = image.width
        height = image.height
        reduction = 1
        data = nil
    }

    /// Reads a photo; a JPEG large enough for `reduction(longerSide:detectionSide:)` is decoded reduced.
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
        } else {
            // The header gives the stored size; the EXIF orientation may have turned it.
            var (w, h) = header!
            if (w > h) != (image.width > image.height) { swap(&w, &h) }
            width = w
            height = h
            self.data = data
        }
    }

    /// How far below the detector's side a reduced decode may fall.
    static let detectionSideTolerance = 0.95

    /// The largest of 1, 2, 4, 8 that keeps the longer side at or above 95 % of `detectionSide`.
    static func reduction(longerSide: Int, detectionSide: Int) -> Int {
        let minimum = Int((Double(detectionSide) * detectionSideTolerance).rounded(.up))
        var reduction = 1
        while reduction < 8, reducedSide(longerSide, by: 2 * reduction) >= minimum { reduction *= 2 }
        return reduction
    }

    /// A side's length after libjpeg's scaled decode (it rounds up).
    static func reducedSide(_ side: Int, by reduction: Int) -> Int { (side + reduction - 1) / reduction }

    /// Faces found in `image`, in the full photo's coordinates.
    public func fullResolution(_ faces: [DetectedFace]) -> [DetectedFace] {
        guard reduction > 1 else { return faces }
        let (sx, sy) = scale(of: image)
        return faces.map { $0.scaled(x: 1 / sx, y: 1 / sy) }
    }

    /// The picture to crop `faces` (full-resolution coordinates) from, and the faces in its coordinates:
    /// the most reduced decode (the detector's image first) in which every face spans at least
    /// `faceSize` pixels; the full-resolution photo when none does.
    public func source(for faces: [DetectedFace], faceSize: Float) throws -> (image: Image, faces: [DetectedFace]) {
        let smallest = faces.map(\.size).min() ?? .infinity
        var reduction = self.reduction
        while reduction > 1, smallest / Float(reduction) < faceSize { reduction /= 2 }
        let picture = try decode(reduction)
        guard reduction > 1 else { return (picture, faces) }
        let (sx, sy) = scale(of: picture)
        return (picture, faces.map { $0.scaled(x: sx, y: sy) })
    }

    /// Horizontal and vertical size of `picture` relative to the full photo.
    private func scale(of picture: Image) -> (x: Float, y: Float) {
        (Float(picture.width) / Float(width), Float(picture.height) / Float(height))
    }

    /// The photo decoded at `reduction` (the detector's image at its own), decoded on first use.
    private func decode(_ reduction: Int) throws -> Image {
        if reduction == self.reduction || data == nil { return image }
        lock.lock()
        defer { lock.unlock() }
        if let picture = decoded[reduction] { return picture }
        let picture = try Image(data: data!, reduction: reduction)
        decoded[reduction] = picture
        return picture
    }
}
