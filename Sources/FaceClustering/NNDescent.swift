/// Approximate k-nearest-neighbour graph by NN-descent (Dong, Moses & Li 2011): "a neighbour of
/// my neighbour is probably my neighbour". Each round, every node compares itself with the
/// neighbours (forward and reverse) of its neighbours, restricted to pairs where at least one
/// hop is new since the last round. Cost is about n * (2k)^2 dot products per round instead of n^2.
///
/// This is the "pull" variant: a node only updates its *own* heap, so rounds run in parallel
/// without locks and the result is deterministic for a given seed. Reverse-neighbour lists
/// give back most of what the classic symmetric "push" update would find.
public enum NNDescent {
    public struct Parameters: Sendable {
        public var k: Int
        public var maxRounds: Int = 12
        /// Stop when fewer than `delta * n * k` heap updates happen in a round.
        public var delta: Double = 0.001
        /// Reverse neighbours kept per node (sampled), bounding the join cost on hubs.
        public var maxReverse: Int
        public var seed: UInt64 = 1
        /// Random-projection trees used to seed the graph (0: random start only).
        public var trees: Int = 40
        public var leafSize: Int = 32
        public init(k: Int, maxRounds: Int = 12, delta: Double = 0.001, maxReverse: Int? = nil, seed: UInt64 = 1,
                    trees: Int = 40, leafSize: Int = 32) {
            self.k = k; self.maxRounds = maxRounds; self.delta = delta
            self.maxReverse = maxReverse ?? k; self.seed = seed; self.trees = trees; self.leafSize = leafSize
        }
    }

    public static func graph(_ m: EmbeddingMatrix, parameters p: Parameters) -> NeighborGraph {
        let n = m.count, k = min(p.k, max(0, n - 1))
        if k == 0 { return NeighborGraph(count: n, k: p.k, indices: .init(repeating: -1, count: n * p.k),
                                         similarities: .init(repeating: -.infinity, count: n * p.k)) }
        let d = m.dimension
        var ids = [Int32](repeating: -1, count: n * k)
        var sims = [Float](repeating: -.infinity, count: n * k)
        // isNew[i*k+j]: slot j of node i was filled in the previous round.
        var isNew = [Bool](repeating: true, count: n * k)

        m.storage.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!
            ids.withUnsafeMutableBufferPointer { ib in
                sims.withUnsafeMutableBufferPointer { sb in
                    let ip = SharedPointer(ib.baseAddress!), sp = SharedPointer(sb.baseAddress!)
                    let xp = SharedPointer(UnsafeMutablePointer(mutating: x))
                    var sizes = [Int](repeating: 0, count: n)
                    sizes.withUnsafeMutableBufferPointer { zb in
                        let zp = SharedPointer(zb.baseAddress!)
                        if p.trees > 0 {
                            RPForest.seed(m, trees: p.trees, leafSize: p.leafSize, seed: p.seed,
                                          ids: ip, sims: sp, sizes: zp, k: k)
                        }
                        // Top up with random neighbours (one seeded stream per node, so the
                        // parallel fill is deterministic), then deterministically for tiny n.
                        Parallel.forRanges(n) { range in
                            for i in range {
                                var rng = SeededRandom(seed: p.seed &* 0x9E37_79B9 &+ UInt64(i))
                                var heap = TopK(resuming: sp.base + i * k, ids: ip.base + i * k, k: k, size: zp[i])
                                var tries = 0
                                while heap.size < k && tries < 10 * k {
                                    tries += 1
                                    let j = rng.nextInt(n)
                                    if j == i || heap.contains(Int32(j)) { continue }
                                    heap.push(dotProduct(xp.base + i * d, xp.base + j * d, d), Int32(j))
                                }
                                var j = 0
                                while heap.size < k && j < n {
                                    if j != i && !heap.contains(Int32(j)) {
                                        heap.push(dotProduct(xp.base + i * d, xp.base + j * d, d), Int32(j))
                                    }
                                    j += 1
                                }
                                zp[i] = heap.size
                            }
                        }
                    }
                }
            }

            if debugTiming { debugLog("nndescent init done") }
            var rng = SeededRandom(seed: p.seed)
            for _ in 0 ..< p.maxRounds {
                // Adjacency for this round: forward lists are the heaps; reverse lists are
                // built sequentially with reservoir sampling (deterministic with the seed).
                var revStart = [Int](repeating: 0, count: n + 1)
                var revCount = [Int](repeating: 0, count: n)
                var rev = [Int32](repeating: -1, count: n * p.maxReverse)
                var revNew = [Bool](repeating: false, count: n * p.maxReverse)
                for i in 0 ..< n {
                    for s in 0 ..< k {
                        let j = Int(ids[i * k + s])
                        if j < 0 { continue }
                        revCount[j] += 1
                        let c = revCount[j]
                        if c <= p.maxReverse {
                            rev[j * p.maxReverse + c - 1] = Int32(i); revNew[j * p.maxReverse + c - 1] = isNew[i * k + s]
                        } else {
                            let r = rng.nextInt(c)
                            if r < p.maxReverse {
                                rev[j * p.maxReverse + r] = Int32(i); revNew[j * p.maxReverse + r] = isNew[i * k + s]
                            }
                        }
                    }
                }
                for i in 0 ..< n { revStart[i + 1] = min(revCount[i], p.maxReverse) }

                let oldIds = ids, oldNew = isNew
                var updates = [Int](repeating: 0, count: n)
                let mr = p.maxReverse
                oldIds.withUnsafeBufferPointer { oib in
                oldNew.withUnsafeBufferPointer { onb in
                rev.withUnsafeBufferPointer { rb in
                revNew.withUnsafeBufferPointer { rnb in
                revStart.withUnsafeBufferPointer { rsb in
                ids.withUnsafeMutableBufferPointer { ib in
                sims.withUnsafeMutableBufferPointer { sb in
                isNew.withUnsafeMutableBufferPointer { nb in
                updates.withUnsafeMutableBufferPointer { ub in
                    let oi = SharedPointer(UnsafeMutablePointer(mutating: oib.baseAddress!))
                    let on = SharedPointer(UnsafeMutablePointer(mutating: onb.baseAddress!))
                    let rv = SharedPointer(UnsafeMutablePointer(mutating: rb.baseAddress!))
                    let rn = SharedPointer(UnsafeMutablePointer(mutating: rnb.baseAddress!))
                    let rc = SharedPointer(UnsafeMutablePointer(mutating: rsb.baseAddress!))
                    let ip = SharedPointer(ib.baseAddress!), sp = SharedPointer(sb.baseAddress!)
                    let np = SharedPointer(nb.baseAddress!), up = SharedPointer(ub.baseAddress!)
                    let xp = SharedPointer(UnsafeMutablePointer(mutating: x))
                    Parallel.forRanges(n, minChunk: 256) { range in
                        // Visit stamps avoid a Set per node.
                        var stamp = [Int32](repeating: -1, count: n)
                        var hood: [(Int32, Bool)] = []
                        var hood2: [(Int32, Bool)] = []
                        for u in range {
                            hood.removeAll(keepingCapacity: true)
                            for s in 0 ..< k where oi[u * k + s] >= 0 { hood.append((oi[u * k + s], on[u * k + s])) }
                            for s in 0 ..< rc[u + 1] { hood.append((rv[u * mr + s], rn[u * mr + s])) }
                            var heap = TopK(resuming: sp.base + u * k, ids: ip.base + u * k, k: k, size: k)
                            // Stamp current members and self so they are never re-scored.
                            stamp[u] = Int32(u)
                            for s in 0 ..< k { let j = Int(ip[u * k + s]); if j >= 0 { stamp[j] = Int32(u) } }
                            var changed = 0
                            for (v, vNew) in hood {
                                let vi = Int(v)
                                hood2.removeAll(keepingCapacity: true)
                                for s in 0 ..< k where oi[vi * k + s] >= 0 { hood2.append((oi[vi * k + s], on[vi * k + s])) }
                                for s in 0 ..< rc[vi + 1] { hood2.append((rv[vi * mr + s], rn[vi * mr + s])) }
                                for (w, wNew) in hood2 where vNew || wNew {
                                    let wi = Int(w)
                                    if stamp[wi] == Int32(u) { continue }
                                    stamp[wi] = Int32(u)
                                    let s = dotProduct(xp.base + u * d, xp.base + wi * d, d)
                                    if s > heap.threshold { heap.push(s, w); changed += 1 }
                                }
                            }
                            up[u] = changed
                            // Mark which slots are new for the next round.
                            for s in 0 ..< k {
                                let j = ip[u * k + s]
                                var wasThere = false
                                for t in 0 ..< k where oi[u * k + t] == j { wasThere = true; break }
                                np[u * k + s] = !wasThere
                            }
                        }
                    }
                }}}}}}}}}
                let total = updates.reduce(0, +)
                if debugTiming { debugLog("nndescent round: \(total) updates") }
                if Double(total) < p.delta * Double(n * k) { break }
            }
        }
        // Sort each row best-first and pad to the requested k.
        var outIds = [Int32](repeating: -1, count: n * p.k)
        var outSims = [Float](repeating: -.infinity, count: n * p.k)
        for i in 0 ..< n {
            var row = (0 ..< k).map { (sims[i * k + $0], ids[i * k + $0]) }.filter { $0.1 >= 0 }
            row.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            for (j, e) in row.enumerated() { outSims[i * p.k + j] = e.0; outIds[i * p.k + j] = e.1 }
        }
        return NeighborGraph(count: n, k: p.k, indices: outIds, similarities: outSims)
    }
}

/// Chooses exact search for small collections and NN-descent above `exactLimit` faces, where
/// the n^2 cost of exact search starts to dominate (measured: see README/bench).
public enum NeighborSearch: Sendable, Equatable {
    case exact
    case approximate
    case automatic(exactLimit: Int)

    public static let `default` = NeighborSearch.automatic(exactLimit: 20_000)

    public func graph(_ m: EmbeddingMatrix, k: Int, seed: UInt64) -> NeighborGraph {
        switch self {
        case .exact: return ExactNeighbors.graph(m, k: k)
        case .approximate: return NNDescent.graph(m, parameters: .init(k: k, seed: seed))
        case .automatic(let limit):
            return m.count <= limit ? ExactNeighbors.graph(m, k: k)
                : NNDescent.graph(m, parameters: .init(k: k, seed: seed))
        }
    }
}
