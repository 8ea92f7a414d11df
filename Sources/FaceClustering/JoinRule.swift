/// How a face that clustering left over may still join a person: when the person's centre (the
/// normalised mean of its faces above the gate) is clearly the nearest. Clustering needs a group of
/// look-alike faces to make a person; a single face of a person who already exists does not form one,
/// nor does a face the gate keeps out of clustering because it is turned away. Measured on LFW dev
/// (docs/recognition.md): 99 labelled faces of people who had a person were left over; this rule gave
/// most of them their person and raised BCubed F from 0.964 to 0.972.
public struct JoinRule: Sendable, Equatable {
    /// The face's similarity to the person's centre must reach this...
    public var minSimilarity: Float
    /// ...and beat the next-nearest person's centre by this much...
    public var minMargin: Float
    /// ...and the mean of its two best similarities to the person's own faces must reach this: a centre
    /// of a few faces is near many faces (in a library with one person, a margin says nothing), and on
    /// WIDER FACE's crowds two strangers joined the one person made of strangers without this.
    public var minFaceSimilarity: Float

    public static let `default` = JoinRule(minSimilarity: 0.55, minMargin: 0.1, minFaceSimilarity: 0.55)

    public init(minSimilarity: Float, minMargin: Float, minFaceSimilarity: Float) {
        self.minSimilarity = minSimilarity; self.minMargin = minMargin; self.minFaceSimilarity = minFaceSimilarity
    }

    /// Whether a face whose similarities to the chosen person's faces are `similarities` may join it.
    public func looksLikeFaces(_ similarities: [Float]) -> Bool {
        let best = similarities.sorted(by: >).prefix(2)
        return !best.isEmpty && best.reduce(0, +) / Float(best.count) >= minFaceSimilarity
    }

    /// Unit-length centres of the rows grouped by `owners` (rows with a nil owner are left out), and
    /// the owner of each centre.
    public static func centres<Owner: Hashable & Comparable>(_ rows: EmbeddingMatrix, owners: [Owner?]) -> (EmbeddingMatrix, [Owner]) {
        precondition(owners.count == rows.count)
        var sums: [Owner: [Float]] = [:]
        for (i, owner) in owners.enumerated() {
            guard let owner else { continue }
            var sum = sums[owner] ?? [Float](repeating: 0, count: rows.dimension)
            for (j, v) in rows.row(i).enumerated() { sum[j] += v }
            sums[owner] = sum
        }
        let ordered = sums.keys.sorted()
        var matrix = EmbeddingMatrix(rows: ordered.map { sums[$0]! })
        _ = matrix.normalizeRows()
        return (matrix, ordered)
    }

    /// For each query (unit rows), the centre it joins, or nil when none is clearly the nearest.
    /// `refused(query, centre)` says the face may never join that centre's person (the user said
    /// "not this person", or a birth date rules it out); such centres are passed over, not counted
    /// as the runner-up.
    public func choose(queries: EmbeddingMatrix, centres: EmbeddingMatrix, refused: (Int, Int) -> Bool = { _, _ in false }) -> [Int?] {
        guard queries.count > 0, centres.count > 0 else { return .init(repeating: nil, count: queries.count) }
        let k = min(centres.count, 8)
        let graph = ExactNeighbors.search(queries: queries, database: centres, k: k)
        return (0 ..< queries.count).map { q in
            var best: (centre: Int, similarity: Float)?
            var second: Float = -1
            for (row, similarity) in zip(graph.neighbors(of: q), graph.neighborSimilarities(of: q)) where row >= 0 {
                guard !refused(q, Int(row)) else { continue }
                if best == nil { best = (Int(row), similarity) } else { second = similarity; break }
            }
            guard let best, best.similarity >= minSimilarity, best.similarity - second >= minMargin else { return nil }
            return best.centre
        }
    }
}
