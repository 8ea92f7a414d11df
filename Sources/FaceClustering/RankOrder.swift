/// Approximate rank-order clustering (Otto, Wang & Jain, "Clustering millions of faces by
/// identity", TPAMI 2018). Two faces are linked when they share their nearest neighbours:
///     d(a,b) = |{ first O_a(b) entries of a's list } \ b's list|
///     D(a,b) = (d(a,b) + d(b,a)) / min(O_a(b), O_b(a))
/// where lists hold the face itself followed by its top-k neighbours and O_a(b) is b's rank in
/// a's list. Only mutual top-k pairs get a distance. Pairs with D < `maxDistance` and cosine
/// similarity > `minSimilarity` are merged transitively.
/// Measured in docs/clustering.md: k 15, D < 0.25, similarity > 0.525 gave BCubed F 0.968.
public struct RankOrderParameters: Sendable, Equatable {
    public var neighbors: Int = 15
    public var maxDistance: Float = 0.25
    public var minSimilarity: Float = 0.525
    public init(neighbors: Int = 15, maxDistance: Float = 0.25, minSimilarity: Float = 0.525) {
        self.neighbors = neighbors; self.maxDistance = maxDistance; self.minSimilarity = minSimilarity
    }
}

enum RankOrder {
    static func cluster(_ problem: ClusteringProblem, graph: NeighborGraph, parameters p: RankOrderParameters) -> [Int] {
        let n = problem.count, k = min(p.neighbors, graph.k), gk = graph.k
        // list(i)[0] = i, list(i)[1...k] = neighbours.
        @Sendable func entry(_ i: Int, _ pos: Int) -> Int32 { pos == 0 ? Int32(i) : graph.indices[i * gk + pos - 1] }
        @Sendable func rank(of b: Int32, in a: Int) -> Int? {
            for pos in 0 ... k where entry(a, pos) == b { return pos }
            return nil
        }

        // Candidate links per node, computed in parallel (each node writes only its own slots).
        var linkDist = [Float](repeating: .infinity, count: n * k)
        linkDist.withUnsafeMutableBufferPointer { lb in
            let lp = SharedPointer(lb.baseAddress!)
            Parallel.forRanges(n, minChunk: 256) { range in
                for a in range {
                    for oa in 1 ... k {
                        let b32 = entry(a, oa)
                        if b32 < 0 { break }
                        let b = Int(b32)
                        guard let ob = rank(of: Int32(a), in: b) else { continue }
                        if graph.similarities[a * gk + oa - 1] <= p.minSimilarity { continue }
                        var dab = 0, dba = 0
                        for pos in 0 ..< oa where rank(of: entry(a, pos), in: b) == nil { dab += 1 }
                        for pos in 0 ..< ob where rank(of: entry(b, pos), in: a) == nil { dba += 1 }
                        lp[a * k + oa - 1] = Float(dab + dba) / Float(min(oa, ob))
                    }
                }
            }
        }

        // Merge in order of increasing distance, then decreasing similarity, so that when a
        // cannot-link blocks a merge the strongest links have already been made.
        var links: [(Float, Float, Int32, Int32)] = []
        for a in 0 ..< n {
            for s in 0 ..< k where linkDist[a * k + s] < p.maxDistance {
                links.append((linkDist[a * k + s], graph.similarities[a * gk + s], Int32(a), graph.indices[a * gk + s]))
            }
        }
        links.sort { ($0.0, -$0.1, $0.2, $0.3) < ($1.0, -$1.1, $1.2, $1.3) }
        var uf = ConstrainedUnionFind(count: n, groups: problem.groups, persons: problem.persons)
        uniteAnchors(&uf, problem)
        for l in links { uf.unionIfAllowed(Int(l.2), Int(l.3)) }
        debugLog("rank-order links: \(links.count)")
        return uf.labels()
    }

    /// Pre-merges anchors of the same person (they are one person by the user's word).
    static func uniteAnchors(_ uf: inout ConstrainedUnionFind, _ problem: ClusteringProblem) {
        var first: [Int: Int] = [:]
        for i in 0 ..< problem.count {
            guard let q = problem.persons[i] else { continue }
            if let f = first[q] { uf.unionIfAllowed(f, i) } else { first[q] = i }
        }
    }
}
