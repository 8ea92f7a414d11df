/// Random-projection forest used to seed NN-descent (as pynndescent does). Each tree splits
/// the points recursively by the hyperplane that bisects two random members (angular split),
/// so leaves hold points that are close in angle; all pairs inside a leaf are scored.
/// NN-descent alone starts from random neighbours, and on face data — tight identity clusters
/// with nearly unrelated neighbours around them — a random start rarely lands in the right
/// cluster, so the "neighbour of my neighbour" step has nothing to follow.
enum RPForest {
    /// Pushes leaf-mates into the per-node heaps (storage `ids`/`sims`, k per node, `sizes`).
    static func seed(_ m: EmbeddingMatrix, trees: Int, leafSize: Int, seed: UInt64,
                     ids: SharedPointer<Int32>, sims: SharedPointer<Float>, sizes: SharedPointer<Int>, k: Int) {
        let n = m.count, d = m.dimension
        // Splitting runs on a random 128-d projection (angles are roughly preserved, Johnson-
        // Lindenstrauss): walking 512-d rows in random order for every level of every tree is
        // memory-bound, and the split only needs to be roughly right.
        let pd = min(128, d)
        var rng0 = SeededRandom(seed: seed ^ 0x7072_6F6A)
        let directions = EmbeddingMatrix(count: pd, dimension: d, storage: (0 ..< pd * d).map { _ in rng0.nextGaussian() })
        var projected = [Float](repeating: 0, count: n * pd)
        projected.withUnsafeMutableBufferPointer { pb in
            let pp = SharedPointer(pb.baseAddress!)
            SimilarityTiles.forEachTile(queries: m, database: directions) { rows, cols, tile in
                for r in rows { for c in cols { pp[r * pd + c] = tile[(r - rows.lowerBound) * cols.count + c - cols.lowerBound] } }
            }
        }
        debugLog("rp projection done")
        m.storage.withUnsafeBufferPointer { xb in
        projected.withUnsafeBufferPointer { pb in
            let x = SharedPointer(UnsafeMutablePointer(mutating: xb.baseAddress!))
            let px = SharedPointer(UnsafeMutablePointer(mutating: pb.baseAddress!))
            // Trees are independent: build them in parallel, then score leaves tree by tree.
            let forest = UnsafeMutablePointer<[[Int]]>.allocate(capacity: trees)
            forest.initialize(repeating: [], count: trees)
            defer { forest.deinitialize(count: trees); forest.deallocate() }
            let fp = SharedPointer(forest)
            Parallel.forEach(trees) { t in
                var rng = SeededRandom(seed: seed &+ UInt64(t) &* 0x51_7CC1)
                fp[t] = buildLeaves(px, n: n, d: pd, leafSize: leafSize, rng: &rng)
            }
            debugLog("rp forest built")
            for t in 0 ..< trees {
                // Leaves are disjoint, so each worker owns the heaps of its leaves' members.
                let lv = forest[t]
                Parallel.forRanges(lv.count, minChunk: 16) { range in
                    // Gather each leaf into a contiguous block and score it with the tiled
                    // kernel (leaf x leaf similarities in one pass).
                    var block = [Float](repeating: 0, count: 0)
                    var gram = [Float](repeating: 0, count: 0)
                    for li in range {
                        let leaf = lv[li], L = leaf.count
                        if block.count < L * d { block = .init(repeating: 0, count: L * d) }
                        if gram.count < L * L { gram = .init(repeating: 0, count: L * L) }
                        block.withUnsafeMutableBufferPointer { bb in
                            gram.withUnsafeMutableBufferPointer { gb in
                                for (r, a) in leaf.enumerated() {
                                    (bb.baseAddress! + r * d).update(from: x.base + a * d, count: d)
                                }
                                similarityTile(bb.baseAddress!, rows: L, bb.baseAddress!, cols: L, dimension: d,
                                               gb.baseAddress!, ld: L)
                                for (r, a) in leaf.enumerated() {
                                    var heap = TopK(resuming: sims.base + a * k, ids: ids.base + a * k, k: k, size: sizes[a])
                                    for (c, b) in leaf.enumerated() where b != a {
                                        let s = gb[r * L + c]
                                        if s >= heap.threshold && !heap.contains(Int32(b)) { heap.push(s, Int32(b)) }
                                    }
                                    sizes[a] = heap.size
                                }
                            }
                        }
                    }
                }
            }
        }
        }
    }

    private static func buildLeaves(_ x: SharedPointer<Float>, n: Int, d: Int, leafSize: Int,
                                    rng: inout SeededRandom) -> [[Int]] {
        var leaves: [[Int]] = []
        var stack: [[Int]] = [Array(0 ..< n)]
        var normal = [Float](repeating: 0, count: d)
        while let set = stack.popLast() {
            if set.count <= leafSize { leaves.append(set); continue }
            let a = set[rng.nextInt(set.count)]
            var b = set[rng.nextInt(set.count)]
            if a == b { b = set[(set.firstIndex(of: a)! + 1) % set.count] }
            for j in 0 ..< d { normal[j] = x[a * d + j] - x[b * d + j] }
            var left: [Int] = [], right: [Int] = []
            normal.withUnsafeBufferPointer { nb in
                for i in set {
                    let s = dotProduct(x.base + i * d, nb.baseAddress!, d)
                    if s > 0 || (s == 0 && rng.nextInt(2) == 0) { left.append(i) } else { right.append(i) }
                }
            }
            if left.isEmpty || right.isEmpty {
                // Degenerate split (duplicates): halve at random.
                var all = set
                for i in stride(from: all.count - 1, to: 0, by: -1) { all.swapAt(i, rng.nextInt(i + 1)) }
                left = Array(all[0 ..< all.count / 2]); right = Array(all[(all.count / 2)...])
            }
            stack.append(left); stack.append(right)
        }
        return leaves
    }
}
