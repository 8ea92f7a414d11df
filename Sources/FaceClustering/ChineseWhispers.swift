/// Cohort-normalised Chinese whispers on the k-NN graph — the best method measured in
/// docs/clustering.md (BCubed F 0.977 on LFW dev with k 10, cohort k 3, alpha 1, threshold 0.58,
/// with a labelled cohort). With the label-free cohort built here, 0.60 is the better threshold
/// on the LFW file (0.963 vs 0.960 at 0.58).
///
/// Graph: each face links to its `neighbors` nearest faces; an edge survives when its cohort
/// normalised weight exceeds `threshold`; edges are symmetric (union of both directions).
/// Chinese whispers (Biemann 2006): every face starts in its own class and repeatedly adopts
/// the class with the largest total edge weight among its neighbours. The visiting order is a
/// seeded shuffle per sweep, so results are reproducible.
///
/// Constraints are enforced *during* propagation, so they never need repair afterwards:
///  - a face never adopts a class that already holds a face from its own photo;
///  - anchors (faces of known persons) start in one class per person and never move, so
///    persons are never merged or split, and new faces can join them.
public struct ChineseWhispersParameters: Sendable, Equatable {
    public var neighbors: Int = 10
    public var threshold: Float = 0.60
    public var cohort: CohortParameters? = CohortParameters()
    public var maxSweeps: Int = 50
    public init(neighbors: Int = 10, threshold: Float = 0.60, cohort: CohortParameters? = CohortParameters(),
                maxSweeps: Int = 50) {
        self.neighbors = neighbors; self.threshold = threshold; self.cohort = cohort; self.maxSweeps = maxSweeps
    }
}

enum ChineseWhispers {
    static func cluster(_ problem: ClusteringProblem, graph: NeighborGraph,
                        parameters p: ChineseWhispersParameters) -> [Int] {
        let n = problem.count
        let (r, rMean): ([Float], Float) = p.cohort.map { Cohort.scores(problem, parameters: $0) }
            ?? (.init(repeating: 0, count: n), 0)
        debugLog("cohort done")
        let alpha = p.cohort?.alpha ?? 0
        let k = min(p.neighbors, graph.k)

        // Symmetric weighted adjacency in CSR form. Collect (i, j) with i < j, dedupe.
        var pairs: [(Int32, Int32, Float)] = []
        pairs.reserveCapacity(n * k)
        for i in 0 ..< n {
            for s in 0 ..< k {
                let j = Int(graph.indices[i * graph.k + s])
                if j < 0 { continue }
                let w = graph.similarities[i * graph.k + s] - alpha * ((r[i] + r[j]) / 2 - rMean)
                if w > p.threshold {
                    pairs.append(i < j ? (Int32(i), Int32(j), w) : (Int32(j), Int32(i), w))
                }
            }
        }
        pairs.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var start = [Int](repeating: 0, count: n + 1)
        var uniq: [(Int32, Int32, Float)] = []
        for e in pairs where uniq.last.map({ $0.0 != e.0 || $0.1 != e.1 }) ?? true { uniq.append(e) }
        for e in uniq { start[Int(e.0) + 1] += 1; start[Int(e.1) + 1] += 1 }
        for i in 0 ..< n { start[i + 1] += start[i] }
        var adj = [Int32](repeating: 0, count: start[n]), wt = [Float](repeating: 0, count: start[n])
        var fill = start
        for e in uniq {
            adj[fill[Int(e.0)]] = e.1; wt[fill[Int(e.0)]] = e.2; fill[Int(e.0)] += 1
            adj[fill[Int(e.1)]] = e.0; wt[fill[Int(e.1)]] = e.2; fill[Int(e.1)] += 1
        }

        // Initial classes: own index, or one shared class per known person.
        var label = Array(0 ..< n)
        var personClass: [Int: Int] = [:]
        for i in 0 ..< n { if let q = problem.persons[i] { label[i] = personClass[q, default: i]; personClass[q] = label[i] } }
        let mates = problem.groupMates()

        debugLog("graph built: \(uniq.count) edges")
        var rng = SeededRandom(seed: problem.seed)
        var order = (0 ..< n).filter { problem.persons[$0] == nil }
        var candLabels: [Int] = [], candWeights: [Float] = []
        for _ in 0 ..< p.maxSweeps {
            // Fisher-Yates with the seeded generator (Array.shuffle's algorithm is not specified).
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
            var changed = 0
            for i in order {
                candLabels.removeAll(keepingCapacity: true); candWeights.removeAll(keepingCapacity: true)
                for e in start[i] ..< start[i + 1] {
                    let l = label[Int(adj[e])]
                    if let pos = candLabels.firstIndex(of: l) { candWeights[pos] += wt[e] } else {
                        candLabels.append(l); candWeights.append(wt[e])
                    }
                }
                var best = label[i], bestW: Float = -1
                if let pos = candLabels.firstIndex(of: best) { bestW = candWeights[pos] }
                for (l, w) in zip(candLabels, candWeights) where l != label[i] {
                    if w > bestW || (w == bestW && l < best) {
                        // Cannot-link: a class already holding a photo mate is off limits.
                        if mates[i].contains(where: { label[$0] == l }) { continue }
                        best = l; bestW = w
                    }
                }
                if best != label[i] { label[i] = best; changed += 1 }
            }
            if changed == 0 { break }
        }
        debugLog("chinese whispers done")
        return label
    }
}
