/// A point in image pixel coordinates.
public struct Point: Sendable, Hashable, Codable {
    public var x: Float
    public var y: Float
    public init(x: Float, y: Float) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle in image pixel coordinates.
public struct Rect: Sendable, Hashable, Codable {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public init(x1: Float, y1: Float, x2: Float, y2: Float) {
        self.init(x: x1, y: y1, width: x2 - x1, height: y2 - y1)
    }

    public var maxX: Float { x + width }
    public var maxY: Float { y + height }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }
    public var area: Float { max(0, width) * max(0, height) }

    /// The rectangle grown by `fraction` of its size in total (half on each side).
    public func enlarged(by fraction: Float) -> Rect {
        Rect(x: x - width * fraction / 2, y: y - height * fraction / 2,
             width: width * (1 + fraction), height: height * (1 + fraction))
    }

    public func intersection(_ other: Rect) -> Rect {
        let x1 = max(x, other.x), y1 = max(y, other.y)
        let x2 = min(maxX, other.maxX), y2 = min(maxY, other.maxY)
        return Rect(x1: x1, y1: y1, x2: max(x1, x2), y2: max(y1, y2))
    }

    public func intersectionOverUnion(_ other: Rect) -> Float {
        let overlap = intersection(other).area
        let union = area + other.area - overlap
        return union > 0 ? overlap / union : 0
    }
}

/// One face found by a detector, in the original image's pixel space (after EXIF rotation).
public struct DetectedFace: Sendable, Hashable, Codable {
    public var box: Rect
    public var score: Float
    /// Left eye, right eye, nose, left and right mouth corner, as seen in the image.
    public var landmarks: [Point]

    public init(box: Rect, score: Float, landmarks: [Point]) {
        self.box = box; self.score = score; self.landmarks = landmarks
    }

    /// The face's size in pixels: the longer side of its box.
    public var size: Float { max(box.width, box.height) }

    /// The face in an image scaled by `x` horizontally and `y` vertically.
    public func scaled(x: Float, y: Float) -> DetectedFace {
        DetectedFace(box: Rect(x: box.x * x, y: box.y * y, width: box.width * x, height: box.height * y), score: score,
                     landmarks: landmarks.map { Point(x: $0.x * x, y: $0.y * y) })
    }
}
