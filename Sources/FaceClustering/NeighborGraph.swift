/// k nearest neighbours of every row, stored flat: row i's neighbours are
/// `indices[i*k ..< (i+1)*k]`, most similar first. Self is never included. Rows with fewer than
/// k other rows available are padded with index -1 and similarity -infinity.
public struct NeighborGraph: Sendable, Equatable {
    public let count: Int
    public let k: Int
    public var indices: [Int32]
    public var similarities: [Float]

    public init(count: Int, k: Int, indices: [Int32], similarities: [Float]) {
        precondition(indices.count == count * k && similarities.count == count * k)
        self.count = count
        self.k = k
        self.indices = indices
        self.similarities = similarities
    }

    public func neighbors(of i: Int) -> ArraySlice<Int32> { indices[i * k ..< (i + 1) * k] }
    public func neighborSimilarities(of i: Int) -> ArraySlice<Float> { similarities[i * k ..< (i + 1) * k] }

    /// The same graph cut to its first `k2` neighbours per row.
    public func truncated(to k2: Int) -> NeighborGraph {
        if k2 >= k { return self }
        var idx = [Int32](), sim = [Float]()
        idx.reserveCapacity(count * k2); sim.reserveCapacity(count * k2)
        for i in 0 ..< count {
            idx.append(contentsOf: indices[i * k ..< i * k + k2])
            sim.append(contentsOf: similarities[i * k ..< i * k + k2])
        }
        return NeighborGraph(count: count, k: k2, indices: idx, similarities: sim)
    }
}

/// Bounded "keep the k best" heap over caller-owned storage (a min-heap on similarity, so the
/// root is the current worst kept candidate and most candidates are rejected by one compare).
/// Ties are broken by index so that results do not depend on visiting order.
struct TopK {
    let sims: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int32>
    let k: Int
    var size = 0

    init(sims: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<Int32>, k: Int) {
        self.sims = sims; self.ids = ids; self.k = k
    }

    /// Resumes a heap previously laid out by this type (e.g. by an earlier tile).
    init(resuming sims: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<Int32>, k: Int, size: Int) {
        self.sims = sims; self.ids = ids; self.k = k; self.size = size
    }

    /// a is worse than b: lower similarity, or equal similarity and larger index.
    @inline(__always) private func worse(_ sa: Float, _ ia: Int32, _ sb: Float, _ ib: Int32) -> Bool {
        sa < sb || (sa == sb && ia > ib)
    }

    @inline(__always) var threshold: Float { size < k ? -.infinity : sims[0] }

    @inline(__always) mutating func push(_ s: Float, _ id: Int32) {
        if size < k {
            var i = size
            size += 1
            while i > 0 {
                let p = (i - 1) / 2
                if worse(s, id, sims[p], ids[p]) { sims[i] = sims[p]; ids[i] = ids[p]; i = p } else { break }
            }
            sims[i] = s; ids[i] = id
        } else if worse(sims[0], ids[0], s, id) {
            siftDown(s, id)
        }
    }

    @inline(__always) private mutating func siftDown(_ s: Float, _ id: Int32) {
        var i = 0
        while true {
            let l = 2 * i + 1
            if l >= size { break }
            var c = l
            if l + 1 < size && worse(sims[l + 1], ids[l + 1], sims[l], ids[l]) { c = l + 1 }
            if worse(sims[c], ids[c], s, id) { sims[i] = sims[c]; ids[i] = ids[c]; i = c } else { break }
        }
        sims[i] = s; ids[i] = id
    }

    func contains(_ id: Int32) -> Bool {
        for i in 0 ..< size where ids[i] == id { return true }
        return false
    }

    /// Sorts the kept entries best first (destroys the heap order) and pads to k.
    mutating func finish() {
        var pairs = (0 ..< size).map { (sims[$0], ids[$0]) }
        pairs.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (j, p) in pairs.enumerated() { sims[j] = p.0; ids[j] = p.1 }
        for j in size ..< k { sims[j] = -.infinity; ids[j] = -1 }
    }
}
