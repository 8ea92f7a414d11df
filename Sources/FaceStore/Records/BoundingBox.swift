import Foundation

/// A face box in source-image pixels; stored as the text "x1,y1,x2,y2" like the original system.
public struct BoundingBox: Sendable, Equatable {
    public var x1: Double
    public var y1: Double
    public var x2: Double
    public var y2: Double

    public init(x1: Double, y1: Double, x2: Double, y2: Double) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }

    /// Parses "x1,y1,x2,y2" (spaces allowed); nil for anything else.
    public init?(text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let x1 = parts[0], let y1 = parts[1], let x2 = parts[2], let y2 = parts[3] else {
            return nil
        }
        self.init(x1: x1, y1: y1, x2: x2, y2: y2)
    }

    /// Shortest text that parses back to the same doubles.
    public var text: String { [x1, y1, x2, y2].map { "\($0)" }.joined(separator: ",") }
}
