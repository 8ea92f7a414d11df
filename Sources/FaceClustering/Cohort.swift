/// Cohort normalisation (a hubness correction in the spirit of CSLS): faces that look like many
/// people (blurred, small, generic) have high similarity to everyone, so raw similarity
/// over-links them. For each face we estimate that tendency as r_i = mean similarity to its k
/// most similar *impostors* and subtract it from the edge weight:
///     w_ij = s_ij - alpha * ((r_i + r_j) / 2 - mean(r)).
///
/// A product has no identity labels, so the impostor cohort is built from the collection:
///  - faces in the same photo as face i (certainly other people), and
///  - a fixed, seeded random sample of the collection, minus faces more similar to i than
///    `likelySameAbove` (those are probably i's own person; 0.5 is above the 99.9th impostor
///    percentile of FaceNet on LFW).
public struct CohortParameters: Sendable, Equatable {
    public var k: Int = 3
    public var alpha: Float = 1.0
    public var sampleSize: Int = 1000
    public var likelySameAbove: Float = 0.5
    /// Optional fixed cohort of faces known to be other people (e.g. a shipped set of distinct
    /// identities); replaces the random sample. Photo mates are still added.
    public var external: EmbeddingMatrix? = nil
    public init(k: Int = 3, alpha: Float = 1.0, sampleSize: Int = 1000, likelySameAbove: Float = 0.5,
                external: EmbeddingMatrix? = nil) {
        self.k = k; self.alpha = alpha; self.sampleSize = sampleSize; self.likelySameAbove = likelySameAbove
        self.external = external
    }
}

enum Cohort {
    /// Returns r_i per face and their mean. Faces with no cohort get the mean (no correction).
    static func scores(_ problem: ClusteringProblem, parameters p: CohortParameters) -> (r: [Float], mean: Float) {
        let m = problem.embeddings, n = m.count, k = p.k
        guard n > 1, k > 0 else { return (.init(repeating: 0, count: n), 0) }
        // Seeded sample without replacement (partial Fisher-Yates).
        var rng = SeededRandom(seed: problem.seed ^ 0xC0_4027)
        var order = Array(0 ..< n)
        let s = min(p.sampleSize, n)
        for i in 0 ..< s { order.swapAt(i, i + rng.nextInt(n - i)) }
        // With an external cohort, row ids are offset past n so they never equal a face index.
        let sample = p.external.map { e in Array(n ..< n + e.count) } ?? Array(order[0 ..< s])
        let sampleMatrix = p.external ?? m.subset(sample)

        var topSims = [Float](repeating: -.infinity, count: n * k)
        var topIds = [Int32](repeating: -1, count: n * k)
        var sizes = [Int](repeating: 0, count: n)
        let limit = p.likelySameAbove
        topSims.withUnsafeMutableBufferPointer { sb in
            topIds.withUnsafeMutableBufferPointer { ib in
                sizes.withUnsafeMutableBufferPointer { zb in
                    let sp = SharedPointer(sb.baseAddress!), ip = SharedPointer(ib.baseAddress!)
                    let zp = SharedPointer(zb.baseAddress!)
                    SimilarityTiles.forEachTile(queries: m, database: sampleMatrix) { rows, cols, tile in
                        for r in rows {
                            var heap = TopK(resuming: sp.base + r * k, ids: ip.base + r * k, k: k, size: zp[r])
                            let row = tile + (r - rows.lowerBound) * cols.count
                            for c in cols {
                                let v = row[c - cols.lowerBound]
                                if v < limit && sample[c] != r && v >= heap.threshold { heap.push(v, Int32(sample[c])) }
                            }
                            zp[r] = heap.size
                        }
                    }
                }
            }
        }
        // Add photo mates: known impostors regardless of how similar they look.
        let mates = problem.groupMates()
        var r = [Float](repeating: .nan, count: n)
        topSims.withUnsafeMutableBufferPointer { sb in
            topIds.withUnsafeMutableBufferPointer { ib in
                for i in 0 ..< n {
                    var heap = TopK(resuming: sb.baseAddress! + i * k, ids: ib.baseAddress! + i * k, k: k, size: sizes[i])
                    for j in mates[i] where !heap.contains(Int32(j)) { heap.push(m.dot(i, j), Int32(j)) }
                    if heap.size > 0 {
                        var sum: Float = 0
                        for t in 0 ..< heap.size { sum += sb[i * k + t] }
                        r[i] = sum / Float(heap.size)
                    }
                }
            }
        }
        let known = r.filter { !$0.isNaN }
        let mean = known.isEmpty ? 0 : known.reduce(0, +) / Float(known.count)
        return (r.map { $0.isNaN ? mean : $0 }, mean)
    }
}
