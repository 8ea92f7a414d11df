/// DBSCAN (Ester et al. 1996) over precomputed neighbourhoods. A face is a core point when its
/// neighbourhood (itself included, as scikit-learn counts) has at least `minSamples` faces;
/// clusters are the connected core points plus the border points they reach; the rest is noise.
/// The original system ran it on cosine distance with eps 0.35, min_samples 3.
public struct DBSCANParameters: Sendable, Equatable {
    public var eps: Float
    public var minSamples: Int
    public init(eps: Float = 0.35, minSamples: Int = 3) { self.eps = eps; self.minSamples = minSamples }
}

public enum DBSCAN {
    /// `neighbors[i]`: the other points within eps of i. Returns labels, -1 for noise.
    /// Deterministic: clusters are grown from the lowest-index unvisited core point and a
    /// border point belongs to the first cluster that reaches it.
    public static func labels(neighbors: [[Int32]], minSamples: Int) -> [Int] {
        let n = neighbors.count
        var label = [Int](repeating: -1, count: n)
        let isCore = neighbors.map { $0.count + 1 >= minSamples }
        var next = 0
        var queue: [Int] = []
        for s in 0 ..< n where isCore[s] && label[s] < 0 {
            label[s] = next
            queue.removeAll(keepingCapacity: true)
            queue.append(s)
            var head = 0
            while head < queue.count {
                let p = queue[head]; head += 1
                guard isCore[p] else { continue }
                for q32 in neighbors[p] {
                    let q = Int(q32)
                    if label[q] < 0 { label[q] = next; queue.append(q) }
                }
            }
            next += 1
        }
        return label
    }

    /// DBSCAN on cosine distance (1 - dot) of unit vectors.
    public static func cosine(_ m: EmbeddingMatrix, parameters p: DBSCANParameters) -> [Int] {
        labels(neighbors: ExactNeighbors.radiusNeighbors(m, minSimilarity: 1 - p.eps), minSamples: p.minSamples)
    }

    /// DBSCAN on Euclidean distance of low-dimensional points (e.g. a UMAP layout).
    public static func euclidean(points: [Float], dimension d: Int, parameters p: DBSCANParameters) -> [Int] {
        let n = points.count / d
        let eps2 = p.eps * p.eps
        let lists = UnsafeMutablePointer<[Int32]>.allocate(capacity: n)
        lists.initialize(repeating: [], count: n)
        defer { lists.deinitialize(count: n); lists.deallocate() }
        let lp = SharedPointer(lists)
        points.withUnsafeBufferPointer { pb in
            let x = SharedPointer(UnsafeMutablePointer(mutating: pb.baseAddress!))
            Parallel.forRanges(n) { range in
                for i in range {
                    for j in 0 ..< n where j != i {
                        var s: Float = 0
                        for t in 0 ..< d { let v = x[i * d + t] - x[j * d + t]; s += v * v }
                        if s <= eps2 { lp[i].append(Int32(j)) }
                    }
                }
            }
        }
        return labels(neighbors: Array(UnsafeBufferPointer(start: lists, count: n)), minSamples: p.minSamples)
    }
}
