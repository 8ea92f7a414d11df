/// "Who is this face?" search: one query against every stored face, returning the best
/// similarity per person label.
///
/// A float32 scan of 1M x 512 reads 2 GB per query (~100+ ms at memory bandwidth), and even an
/// int8 copy is 512 MB, so the fast path is an inverted file (IVF): spherical k-means splits the
/// stored faces into `lists` cells; a query scans only the `probes` cells whose centroids are
/// most similar, using int8 codes (a quarter of the bytes), then re-ranks the best `rerank`
/// candidates with the exact float32 vectors. `exactMatches` is the full float32 scan, kept as
/// the reference and for small collections.
///
/// Benchmark-only: frs's own search (`PersonSearch`) scans the assigned faces exactly, which a
/// library of photos stays small enough for; `cluster-bench match` measures this index against that
/// scan (docs/benchmarks.md: 4.5 ms instead of 121 ms per query at 1M faces) for when one is not.
public struct FaceMatchIndex: Sendable {
    public struct Match: Sendable, Equatable {
        public let label: Int
        public let similarity: Float
        /// Row of the best stored face of that label.
        public let row: Int
    }

    public let vectors: EmbeddingMatrix
    public let labels: [Int]
    let centroids: EmbeddingMatrix
    /// Rows grouped by cell: cell c holds `order[listStart[c] ..< listStart[c+1]]`.
    let listStart: [Int]
    let order: [Int32]
    /// int8 codes in `order` sequence (row-major, dimension bytes each) and their scales.
    let codes: [Int8]
    let scales: [Float]

    /// - Parameters:
    ///   - lists: number of IVF cells; default about 1 per 1,000 faces (min 1).
    ///   - trainingSample: faces used to train the k-means (all when fewer).
    public init(vectors: EmbeddingMatrix, labels: [Int], lists: Int? = nil, trainingSample: Int = 65_536,
                iterations: Int = 8, seed: UInt64 = 7) {
        precondition(labels.count == vectors.count)
        self.vectors = vectors
        self.labels = labels
        let n = vectors.count, d = vectors.dimension
        let nlist = max(1, min(n, lists ?? n / 1000))
        var rng = SeededRandom(seed: seed)
        var pick = Array(0 ..< n)
        let ts = min(n, max(trainingSample, nlist))
        for i in 0 ..< ts { pick.swapAt(i, i + rng.nextInt(n - i)) }
        let train = vectors.subset(Array(pick[0 ..< ts]))
        var cents = train.subset(Array(0 ..< nlist))
        for _ in 0 ..< iterations {
            let assign = ExactNeighbors.search(queries: train, database: cents, k: 1).indices
            var sums = [Float](repeating: 0, count: nlist * d)
            var counts = [Int](repeating: 0, count: nlist)
            for i in 0 ..< ts {
                let c = Int(assign[i]); counts[c] += 1
                for (j, v) in train.row(i).enumerated() { sums[c * d + j] += v }
            }
            for c in 0 ..< nlist where counts[c] == 0 {
                // Re-seed an empty cell with a random training face.
                let r = rng.nextInt(ts)
                for (j, v) in train.row(r).enumerated() { sums[c * d + j] = v }
            }
            cents = EmbeddingMatrix(count: nlist, dimension: d, storage: sums)
            cents.normalizeRows()
        }
        centroids = cents
        let assign = ExactNeighbors.search(queries: vectors, database: cents, k: 1).indices
        var start = [Int](repeating: 0, count: nlist + 1)
        for a in assign { start[Int(a) + 1] += 1 }
        for c in 0 ..< nlist { start[c + 1] += start[c] }
        var fill = start
        var ord = [Int32](repeating: 0, count: n)
        for i in 0 ..< n { let c = Int(assign[i]); ord[fill[c]] = Int32(i); fill[c] += 1 }
        listStart = start
        order = ord
        var cds = [Int8](repeating: 0, count: n * d)
        var scl = [Float](repeating: 0, count: n)
        vectors.storage.withUnsafeBufferPointer { vb in
            for (pos, row) in ord.enumerated() {
                let p = vb.baseAddress! + Int(row) * d
                scl[pos] = Self.quantize(p, d, into: &cds, at: pos * d)
            }
        }
        codes = cds
        scales = scl
    }

    /// Symmetric per-vector int8 quantisation; returns the scale (value = code * scale).
    static func quantize(_ p: UnsafePointer<Float>, _ d: Int, into out: inout [Int8], at offset: Int) -> Float {
        var mx: Float = 0
        for j in 0 ..< d { mx = max(mx, abs(p[j])) }
        let scale = mx > 0 ? mx / 127 : 1
        for j in 0 ..< d { out[offset + j] = Int8((p[j] / scale).rounded()) }
        return scale
    }

    /// Approximate search: scans `probes` cells with int8 codes and re-ranks `rerank` candidates
    /// exactly. Returns up to `topLabels` labels, best first.
    public func matches(_ query: [Float], topLabels: Int = 5, probes: Int = 32, rerank: Int = 256) -> [Match] {
        let d = vectors.dimension
        precondition(query.count == d)
        let nlist = centroids.count
        let np = min(probes, nlist)
        // Nearest cells by centroid similarity.
        var cellHeapS = [Float](repeating: 0, count: np), cellHeapI = [Int32](repeating: 0, count: np)
        var candS = [Float](repeating: 0, count: rerank), candI = [Int32](repeating: 0, count: rerank)
        var candSize = 0
        query.withUnsafeBufferPointer { qb in
            let q = qb.baseAddress!
            cellHeapS.withUnsafeMutableBufferPointer { hs in
                cellHeapI.withUnsafeMutableBufferPointer { hi in
                    var heap = TopK(sims: hs.baseAddress!, ids: hi.baseAddress!, k: np)
                    centroids.storage.withUnsafeBufferPointer { cb in
                        for c in 0 ..< nlist { heap.push(dotProduct(q, cb.baseAddress! + c * d, d), Int32(c)) }
                    }
                }
            }
            candS.withUnsafeMutableBufferPointer { cs in
                candI.withUnsafeMutableBufferPointer { ci in
                    var heap = TopK(sims: cs.baseAddress!, ids: ci.baseAddress!, k: rerank)
                    codes.withUnsafeBufferPointer { cb in
                        for cell in cellHeapI {
                            for pos in listStart[Int(cell)] ..< listStart[Int(cell) + 1] {
                                let s = int8Dot(q, cb.baseAddress! + pos * d, d) * scales[pos]
                                if s >= heap.threshold { heap.push(s, Int32(pos)) }
                            }
                        }
                    }
                    candSize = heap.size
                }
            }
        }
        // Exact re-rank, then best per label.
        var best: [Int: Match] = [:]
        query.withUnsafeBufferPointer { qb in
            vectors.storage.withUnsafeBufferPointer { vb in
                for c in 0 ..< candSize {
                    let row = Int(order[Int(candI[c])])
                    let s = dotProduct(qb.baseAddress!, vb.baseAddress! + row * d, d)
                    let l = labels[row]
                    if best[l].map({ s > $0.similarity }) ?? true { best[l] = Match(label: l, similarity: s, row: row) }
                }
            }
        }
        return Array(best.values.sorted { ($0.similarity, -$0.label) > ($1.similarity, -$1.label) }.prefix(topLabels))
    }

    /// Exact search: float32 scan of every stored face, split across cores.
    public func exactMatches(_ query: [Float], topLabels: Int = 5) -> [Match] {
        Self.exactMatches(query, vectors: vectors, labels: labels, topLabels: topLabels)
    }

    public static func exactMatches(_ query: [Float], vectors: EmbeddingMatrix, labels: [Int], topLabels: Int = 5) -> [Match] {
        let n = vectors.count, d = vectors.dimension
        var sims = [Float](repeating: 0, count: n)
        query.withUnsafeBufferPointer { qb in
            vectors.storage.withUnsafeBufferPointer { vb in
                sims.withUnsafeMutableBufferPointer { sb in
                    let q = SharedPointer(UnsafeMutablePointer(mutating: qb.baseAddress!))
                    let v = SharedPointer(UnsafeMutablePointer(mutating: vb.baseAddress!))
                    let s = SharedPointer(sb.baseAddress!)
                    Parallel.forRanges(n, minChunk: 4096, perWorker: 2) { range in
                        for i in range { s[i] = dotProduct(q.base, v.base + i * d, d) }
                    }
                }
            }
        }
        var best: [Int: Match] = [:]
        for i in 0 ..< n {
            let l = labels[i]
            if best[l].map({ sims[i] > $0.similarity }) ?? true { best[l] = Match(label: l, similarity: sims[i], row: i) }
        }
        return Array(best.values.sorted { ($0.similarity, -$0.label) > ($1.similarity, -$1.label) }.prefix(topLabels))
    }
}

/// Float query against int8 codes: widen 16 codes to float and FMA. Memory-bound, which is the
/// point: a quarter of the bytes of a float32 scan.
@inline(__always)
func int8Dot(_ q: UnsafePointer<Float>, _ c: UnsafePointer<Int8>, _ d: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var i = 0
    while i + 32 <= d {
        let c0 = UnsafeRawPointer(c + i).loadUnaligned(as: SIMD16<Int8>.self)
        let c1 = UnsafeRawPointer(c + i + 16).loadUnaligned(as: SIMD16<Int8>.self)
        acc0 = acc0.addingProduct(load16(q, i), SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: c0)))
        acc1 = acc1.addingProduct(load16(q, i + 16), SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: c1)))
        i += 32
    }
    var s = (acc0 + acc1).sum()
    while i < d { s += q[i] * Float(c[i]); i += 1 }
    return s
}
