/// A dense row-major matrix of embeddings: `count` rows of `dimension` floats in one contiguous
/// array, so that the hot loops can walk rows with raw pointers instead of chasing `[[Float]]`.
public struct EmbeddingMatrix: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    public private(set) var storage: [Float]

    public init(count: Int, dimension: Int, storage: [Float]) {
        precondition(count >= 0 && dimension > 0, "dimension must be positive")
        precondition(storage.count == count * dimension, "storage must hold count * dimension floats")
        self.count = count
        self.dimension = dimension
        self.storage = storage
    }

    /// Builds a matrix from rows of equal length (convenience for tests and small inputs).
    public init(rows: [[Float]]) {
        let dimension = rows.first?.count ?? 1
        var storage: [Float] = []
        storage.reserveCapacity(rows.count * dimension)
        for row in rows {
            precondition(row.count == dimension, "all rows must have the same dimension")
            storage.append(contentsOf: row)
        }
        self.init(count: rows.count, dimension: dimension, storage: storage)
    }

    public func row(_ i: Int) -> ArraySlice<Float> {
        storage[i * dimension ..< (i + 1) * dimension]
    }

    public mutating func setRow(_ i: Int, _ values: some Collection<Float>) {
        precondition(values.count == dimension)
        storage.replaceSubrange(i * dimension ..< (i + 1) * dimension, with: values)
    }

    /// Scales every row to unit length and returns the norms before scaling. FaceNet's norm
    /// before normalisation is a useful quality signal (blurred/small faces have small norms).
    @discardableResult
    public mutating func normalizeRows() -> [Float] {
        let d = dimension
        var norms = [Float](repeating: 0, count: count)
        storage.withUnsafeMutableBufferPointer { buf in
            for i in 0 ..< count {
                let p = buf.baseAddress! + i * d
                let n = dotProduct(p, p, d).squareRoot()
                norms[i] = n
                if n > 0 {
                    let inv = 1 / n
                    for j in 0 ..< d { p[j] *= inv }
                }
            }
        }
        return norms
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> EmbeddingMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * dimension)
        for i in indices { out.append(contentsOf: row(i)) }
        return EmbeddingMatrix(count: indices.count, dimension: dimension, storage: out)
    }

    /// The unit-length mean of the rows at `indices`; nil when there are none or they cancel out.
    public func normalizedMean(of indices: [Int]) -> [Float]? {
        var sum = [Float](repeating: 0, count: dimension)
        for i in indices { for (j, v) in row(i).enumerated() { sum[j] += v } }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? sum.map { $0 / length } : nil
    }

    public func dot(_ i: Int, _ j: Int) -> Float {
        storage.withUnsafeBufferPointer { b in
            dotProduct(b.baseAddress! + i * dimension, b.baseAddress! + j * dimension, dimension)
        }
    }
}
