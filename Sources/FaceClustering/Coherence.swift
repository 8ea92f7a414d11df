/// What makes a group of faces one person rather than a chain of look-alikes: every member is
/// close to the centre of the *other* members (the normalised mean of their embeddings; leaving
/// the member out matters in small groups, where it would pull the centre towards itself).
/// Chains of strangers, which link pairwise through look-alike neighbours, have members far from
/// the rest. Measured on LFW and WIDER FACE (docs/recognition.md).
public struct CoherenceRule: Sendable, Equatable {
    /// A member less similar than this to the centre of the others is dropped from the group.
    public var minMemberSimilarity: Float
    /// A group whose members' mean similarity to the centre of the others stays below this is dissolved.
    public var minMeanSimilarity: Float
    /// A group of the smallest size a person may have stands on few links, and a chain of three (A like B,
    /// B like C, A unlike C) passes the mean: every pair in it must be at least this alike. On LFW the last
    /// person made only of bystanders (two photos of one woman and a different man: pairs 0.82, 0.54, 0.44)
    /// and WIDER's one person (three different children) fail it at 0.45-0.55; BCubed F went 0.9757 -> 0.9754.
    public var minPairSimilarityAtMinimumSize: Float

    public static let `default` = CoherenceRule(minMemberSimilarity: 0.35, minMeanSimilarity: 0.5, minPairSimilarityAtMinimumSize: 0.5)

    public init(minMemberSimilarity: Float, minMeanSimilarity: Float, minPairSimilarityAtMinimumSize: Float) {
        self.minMemberSimilarity = minMemberSimilarity; self.minMeanSimilarity = minMeanSimilarity
        self.minPairSimilarityAtMinimumSize = minPairSimilarityAtMinimumSize
    }

    /// Similarity of each (unit) row to the normalised mean of the other rows; 1 for a single row.
    public static func centreSimilarities(_ rows: EmbeddingMatrix) -> [Float] {
        guard rows.count > 1 else { return .init(repeating: 1, count: rows.count) }
        var sum = [Float](repeating: 0, count: rows.dimension)
        for i in 0 ..< rows.count { for (j, v) in rows.row(i).enumerated() { sum[j] += v } }
        let sumSquared = sum.reduce(0) { $0 + $1 * $1 }
        return (0 ..< rows.count).map { i in
            // (S - x)·x / |S - x| with |x| = 1: |S - x|^2 = |S|^2 - 2 S·x + 1.
            let dot = zip(rows.row(i), sum).reduce(0) { $0 + $1.0 * $1.1 }
            let rest = max(sumSquared - 2 * dot + 1, 1e-12).squareRoot()
            return (dot - 1) / rest
        }
    }

    /// The members that remain once outliers are dropped (repeatedly: the centre moves), or nil
    /// when fewer than `minSize` remain or they are not coherent enough (with exactly `minSize`, every
    /// pair must reach `minPairSimilarityAtMinimumSize`).
    public func coherentCore(_ rows: EmbeddingMatrix, minSize: Int) -> [Int]? {
        var members = Array(0 ..< rows.count)
        while members.count >= max(minSize, 1) {
            let similarities = Self.centreSimilarities(rows.subset(members))
            let kept = zip(members, similarities).filter { $0.1 >= minMemberSimilarity }.map(\.0)
            if kept.count == members.count {
                let mean = similarities.reduce(0, +) / Float(similarities.count)
                guard mean >= minMeanSimilarity else { return nil }
                if members.count == minSize, !allPairs(members, in: rows, reach: minPairSimilarityAtMinimumSize) { return nil }
                return members
            }
            members = kept
        }
        return nil
    }

    private func allPairs(_ members: [Int], in rows: EmbeddingMatrix, reach bar: Float) -> Bool {
        for a in members.indices { for b in members.indices where b > a && rows.dot(members[a], members[b]) < bar { return false } }
        return true
    }

    /// Applies the rule to every new cluster (one without an anchor) in `labels`; dropped and
    /// dissolved faces get -1. Clusters around anchors belong to a known person and are kept.
    func apply(_ labels: [Int], embeddings: EmbeddingMatrix, persons: [Int?], minSize: Int) -> [Int] {
        var out = labels
        for faces in Postprocess.newClusters(labels, persons: persons).values where faces.count > 1 {
            let core = coherentCore(embeddings.subset(faces), minSize: minSize).map { Set($0.map { faces[$0] }) } ?? []
            for face in faces where !core.contains(face) { out[face] = -1 }
        }
        return out
    }
}
