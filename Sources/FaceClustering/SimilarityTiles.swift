/// Blocked all-pairs similarity: the engine behind exact kNN, range search and cohort scoring.
/// Query rows are split into blocks processed in parallel; each block walks the database in
/// tiles small enough to stay in L2 (tileColumns x dimension floats), so each database row is
/// loaded from memory once per query block rather than once per query.
enum SimilarityTiles {
    static let queryBlock = 64
    static let tileColumns = 256

    /// Calls `visit(queryRows, databaseColumns, tile)` for every tile, where `tile` holds
    /// `queryRows.count x databaseColumns.count` similarities, row-major with leading dimension
    /// `databaseColumns.count`. Calls for the same query block happen on one thread, in order.
    static func forEachTile(queries: EmbeddingMatrix, database: EmbeddingMatrix,
                            visit: @Sendable (Range<Int>, Range<Int>, UnsafePointer<Float>) -> Void) {
        precondition(queries.dimension == database.dimension)
        let d = queries.dimension
        let nq = queries.count, nb = database.count
        let blocks = (nq + queryBlock - 1) / queryBlock
        queries.storage.withUnsafeBufferPointer { qbuf in
            database.storage.withUnsafeBufferPointer { bbuf in
                let qp = SharedPointer(UnsafeMutablePointer(mutating: qbuf.baseAddress!))
                let bp = SharedPointer(UnsafeMutablePointer(mutating: bbuf.baseAddress!))
                Parallel.forEach(blocks) { blk in
                    let r0 = blk * queryBlock, r1 = min(nq, r0 + queryBlock)
                    let tile = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * tileColumns)
                    defer { tile.deallocate() }
                    var c0 = 0
                    while c0 < nb {
                        let c1 = min(nb, c0 + tileColumns)
                        similarityTile(qp.base + r0 * d, rows: r1 - r0, bp.base + c0 * d, cols: c1 - c0,
                                       dimension: d, tile, ld: c1 - c0)
                        visit(r0 ..< r1, c0 ..< c1, tile)
                        c0 = c1
                    }
                }
            }
        }
    }
}

public enum ExactNeighbors {
    /// Exact k nearest neighbours (by dot product) of every row among the other rows.
    public static func graph(_ m: EmbeddingMatrix, k: Int) -> NeighborGraph {
        search(queries: m, database: m, k: k, excludeSameIndex: true)
    }

    /// Exact top-k database rows for every query row. With `excludeSameIndex`, query i never
    /// returns database row i (for self-joins).
    public static func search(queries: EmbeddingMatrix, database: EmbeddingMatrix, k: Int,
                              excludeSameIndex: Bool = false) -> NeighborGraph {
        let nq = queries.count
        var ids = [Int32](repeating: -1, count: nq * k)
        var sims = [Float](repeating: -.infinity, count: nq * k)
        var sizes = [Int](repeating: 0, count: nq)
        ids.withUnsafeMutableBufferPointer { ib in
            sims.withUnsafeMutableBufferPointer { sb in
                sizes.withUnsafeMutableBufferPointer { zb in
                    let ip = SharedPointer(ib.baseAddress!), sp = SharedPointer(sb.baseAddress!)
                    let zp = SharedPointer(zb.baseAddress!)
                    SimilarityTiles.forEachTile(queries: queries, database: database) { rows, cols, tile in
                        let ld = cols.count
                        for r in rows {
                            var heap = TopK(resuming: sp.base + r * k, ids: ip.base + r * k, k: k, size: zp[r])
                            let row = tile + (r - rows.lowerBound) * ld
                            var t = heap.threshold
                            for c in cols {
                                let s = row[c - cols.lowerBound]
                                // >= so that ties with the worst kept entry still reach the
                                // index tie-break inside push.
                                if s >= t && !(excludeSameIndex && c == r) {
                                    heap.push(s, Int32(c))
                                    t = heap.threshold
                                }
                            }
                            zp[r] = heap.size
                            if cols.upperBound == database.count { heap.finish() }
                        }
                    }
                }
            }
        }
        return NeighborGraph(count: nq, k: k, indices: ids, similarities: sims)
    }

    /// For every row, all other rows with similarity >= `minSimilarity` (sorted by index).
    /// Used by DBSCAN on cosine distance. Memory is proportional to the number of pairs found.
    public static func radiusNeighbors(_ m: EmbeddingMatrix, minSimilarity: Float) -> [[Int32]] {
        let n = m.count
        let lists = UnsafeMutablePointer<[Int32]>.allocate(capacity: n)
        lists.initialize(repeating: [], count: n)
        defer { lists.deinitialize(count: n); lists.deallocate() }
        let lp = SharedPointer(lists)
        SimilarityTiles.forEachTile(queries: m, database: m) { rows, cols, tile in
            let ld = cols.count
            for r in rows {
                let row = tile + (r - rows.lowerBound) * ld
                for c in cols where c != r && row[c - cols.lowerBound] >= minSimilarity {
                    lp[r].append(Int32(c))
                }
            }
        }
        return Array(UnsafeBufferPointer(start: lists, count: n))
    }
}
