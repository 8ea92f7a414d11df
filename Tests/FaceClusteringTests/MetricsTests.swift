import Testing
@testable import FaceClustering

@Suite struct MetricsTests {
    /// truth [0,0,0,1,1], predicted [0,0,1,1,-1] (face 4 unassigned = its own singleton).
    /// BCubed precision per item 1, 1, 1/2, 1/2, 1 -> 0.8; recall 2/3, 2/3, 1/3, 1/2, 1/2 -> 8/15.
    /// Pairs predicted {01, 23}, true {01, 02, 12, 34}: precision 1/2, recall 1/4.
    @Test func handComputedExample() {
        let s = ClusteringMetrics.evaluate(predicted: [0, 0, 1, 1, -1], truth: [0, 0, 0, 1, 1])
        #expect(abs(s.bcubedPrecision - 0.8) < 1e-12)
        #expect(abs(s.bcubedRecall - 8.0 / 15) < 1e-12)
        #expect(abs(s.bcubedF - 2 * 0.8 * (8.0 / 15) / (0.8 + 8.0 / 15)) < 1e-12)
        #expect(abs(s.pairwisePrecision - 0.5) < 1e-12)
        #expect(abs(s.pairwiseRecall - 0.25) < 1e-12)
        #expect(abs(s.pairwiseF - 1.0 / 3) < 1e-12)
        #expect(s.clusterCount == 2)
        #expect(abs(s.unassignedShare - 0.2) < 1e-12)
    }

    @Test func perfectAndAllSingletons() {
        let perfect = ClusteringMetrics.evaluate(predicted: [5, 5, 9], truth: [1, 1, 2])
        #expect(perfect.bcubedF == 1 && perfect.pairwiseF == 1)
        // Two -1 faces of one person are two singletons, not one cluster.
        let none = ClusteringMetrics.evaluate(predicted: [-1, -1], truth: [0, 0])
        #expect(none.bcubedPrecision == 1 && none.bcubedRecall == 0.5)
        #expect(none.pairwiseRecall == 0)
    }

    /// Only scored items count, and clusters are cut to scored members: the unscored face 2
    /// (a background face) does not make cluster 0 impure.
    @Test func unscoredItemsAreIgnored() {
        let s = ClusteringMetrics.evaluate(predicted: [0, 0, 0], truth: [1, 1, 2], scored: [true, true, false])
        #expect(s.bcubedF == 1 && s.pairwiseF == 1)
    }
}
