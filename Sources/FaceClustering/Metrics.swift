import Foundation

/// External clustering quality against ground-truth identities, as in docs/clustering.md:
/// BCubed (Bagga & Baldwin 1998; per-item precision/recall averaged over items) and pairwise
/// (over all item pairs) precision, recall and F1. An unassigned item (label < 0) counts as its
/// own singleton cluster, so leaving faces out costs recall instead of being free.
public struct ClusteringScores: Sendable, Equatable, CustomStringConvertible {
    public var bcubedPrecision: Double
    public var bcubedRecall: Double
    public var bcubedF: Double
    public var pairwisePrecision: Double
    public var pairwiseRecall: Double
    public var pairwiseF: Double
    public var clusterCount: Int
    public var unassignedShare: Double

    public var description: String {
        String(format: "BCubed F %.3f (P %.3f R %.3f)  pairwise F %.3f  clusters %d  unassigned %.1f %%",
               bcubedF, bcubedPrecision, bcubedRecall, pairwiseF, clusterCount, unassignedShare * 100)
    }
}

public enum ClusteringMetrics {
    /// `predicted` and `truth` are per item; only items where `scored` is true (default all)
    /// count, and clusters are restricted to those items.
    public static func evaluate(predicted: [Int], truth: [Int], scored: [Bool]? = nil) -> ClusteringScores {
        precondition(predicted.count == truth.count)
        let items = (0 ..< predicted.count).filter { scored?[$0] ?? true }
        // Singletons for unassigned items: give each a unique negative id.
        let pred = items.map { predicted[$0] >= 0 ? predicted[$0] : -1 - $0 }
        let gold = items.map { truth[$0] }
        var predSize: [Int: Int] = [:], goldSize: [Int: Int] = [:]
        var joint: [Pair: Int] = [:]
        for (p, g) in zip(pred, gold) {
            predSize[p, default: 0] += 1; goldSize[g, default: 0] += 1; joint[Pair(p, g), default: 0] += 1
        }
        var bp = 0.0, br = 0.0
        for (p, g) in zip(pred, gold) {
            let both = Double(joint[Pair(p, g)]!)
            bp += both / Double(predSize[p]!); br += both / Double(goldSize[g]!)
        }
        let n = Double(max(1, items.count))
        bp /= n; br /= n
        func pairs(_ c: Int) -> Double { Double(c) * Double(c - 1) / 2 }
        let tp = joint.values.reduce(0.0) { $0 + pairs($1) }
        let predPairs = predSize.values.reduce(0.0) { $0 + pairs($1) }
        let goldPairs = goldSize.values.reduce(0.0) { $0 + pairs($1) }
        // With no predicted pairs precision is vacuously 1 (nothing wrongly joined).
        let pp = predPairs > 0 ? tp / predPairs : 1
        let pr = goldPairs > 0 ? tp / goldPairs : 1
        let clusters = Set(items.compactMap { predicted[$0] >= 0 ? predicted[$0] : nil }).count
        let unassigned = Double(items.filter { predicted[$0] < 0 }.count) / n
        return ClusteringScores(bcubedPrecision: bp, bcubedRecall: br, bcubedF: f1(bp, br),
                                pairwisePrecision: pp, pairwiseRecall: pr, pairwiseF: f1(pp, pr),
                                clusterCount: clusters, unassignedShare: unassigned)
    }

    static func f1(_ p: Double, _ r: Double) -> Double { p + r > 0 ? 2 * p * r / (p + r) : 0 }

    private struct Pair: Hashable {
        let a: Int, b: Int
        init(_ a: Int, _ b: Int) { self.a = a; self.b = b }
    }
}
