import Testing
@testable import FaceClustering

/// Reference kNN: plain loops, sorted by (similarity desc, index asc).
func naiveKNN(_ m: EmbeddingMatrix, k: Int) -> [[(Int32, Float)]] {
    (0 ..< m.count).map { i in
        var all: [(Int32, Float)] = []
        for j in 0 ..< m.count where j != i {
            var s: Float = 0
            for t in 0 ..< m.dimension { s += m.storage[i * m.dimension + t] * m.storage[j * m.dimension + t] }
            all.append((Int32(j), s))
        }
        all.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return Array(all.prefix(k))
    }
}

@Suite struct NeighborTests {
    @Test(arguments: [512, 70])
    func exactKNNMatchesNaive(dimension: Int) {
        var rng = SeededRandom(seed: 5)
        var m = EmbeddingMatrix(count: 301, dimension: dimension,
                                storage: (0 ..< 301 * dimension).map { _ in rng.nextGaussian() })
        m.normalizeRows()
        let g = ExactNeighbors.graph(m, k: 7)
        let ref = naiveKNN(m, k: 7)
        for i in 0 ..< m.count {
            #expect(Array(g.neighbors(of: i)) == ref[i].map(\.0), "row \(i)")
            for (s, r) in zip(g.neighborSimilarities(of: i), ref[i]) { #expect(abs(s - r.1) < 1e-5) }
        }
    }

    @Test func kLargerThanCollectionPads() {
        let m = EmbeddingMatrix(rows: [[1, 0], [0, 1], [0.6, 0.8]])
        let g = ExactNeighbors.graph(m, k: 4)
        #expect(Array(g.neighbors(of: 0)) == [2, 1, -1, -1])
        #expect(g.neighborSimilarities(of: 0).last == -.infinity)
    }

    @Test func nnDescentFindsClusterMates() {
        let blobs = Blobs(sizes: Array(repeating: 8, count: 60))
        let g = NNDescent.graph(blobs.matrix, parameters: .init(k: 7))
        for i in 0 ..< blobs.matrix.count {
            let mates = Set((0 ..< blobs.matrix.count).filter { $0 != i && blobs.truth[$0] == blobs.truth[i] }.map(Int32.init))
            #expect(Set(g.neighbors(of: i)) == mates, "row \(i)")
        }
    }

    @Test func nnDescentIsDeterministic() {
        let blobs = Blobs(sizes: Array(repeating: 5, count: 40), seed: 3)
        let a = NNDescent.graph(blobs.matrix, parameters: .init(k: 6, seed: 11))
        let b = NNDescent.graph(blobs.matrix, parameters: .init(k: 6, seed: 11))
        #expect(a == b)
    }

    @Test func radiusNeighborsMatchesThreshold() {
        let blobs = Blobs(sizes: [4, 4], seed: 2)
        let lists = ExactNeighbors.radiusNeighbors(blobs.matrix, minSimilarity: 0.5)
        for i in 0 ..< 8 {
            #expect(Set(lists[i]) == Set((0 ..< 8).filter { $0 != i && blobs.truth[$0] == blobs.truth[i] }.map(Int32.init)))
        }
    }

    @Test func matchIndexAgreesWithExactSearch() {
        let blobs = Blobs(sizes: Array(repeating: 6, count: 300), noise: 0.03, seed: 8)
        let index = FaceMatchIndex(vectors: blobs.matrix, labels: blobs.truth, lists: 30)
        var rng = SeededRandom(seed: 4)
        for _ in 0 ..< 50 {
            let q = Array(blobs.matrix.row(rng.nextInt(blobs.matrix.count))).map { $0 + 0.01 * rng.nextGaussian() }
            let exact = index.exactMatches(q, topLabels: 3)
            let approx = index.matches(q, topLabels: 3, probes: 6)
            #expect(exact.first?.label == approx.first?.label)
            // Re-ranking uses the float32 vectors, so the reported similarity is exact.
            #expect(abs((exact.first?.similarity ?? 0) - (approx.first?.similarity ?? 1)) < 1e-5)
        }
    }
}
