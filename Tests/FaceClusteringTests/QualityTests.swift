import Foundation
import Testing
@testable import FaceClustering

@Suite("Quality gate and coherence")
struct QualityTests {
    @Test func frontalityFromLandmarks() {
        // Eyes at x 40 and 80; nose midway, towards one eye, in line with it, beyond it.
        func landmarks(nose: Float) -> [Float] { [40, 50, 80, 50, nose, 70, 45, 90, 75, 90] }
        #expect(FaceSignals.frontality(landmarks: landmarks(nose: 60)) == 1)
        #expect(abs(FaceSignals.frontality(landmarks: landmarks(nose: 70))! - 1.0 / 3.0) < 1e-6)
        #expect(FaceSignals.frontality(landmarks: landmarks(nose: 80)) == 0)
        #expect(FaceSignals.frontality(landmarks: landmarks(nose: 90))! < 0)
        #expect(FaceSignals.frontality(landmarks: nil) == nil)
        #expect(FaceSignals.frontality(landmarks: [1, 2, 3]) == nil)
        #expect(FaceSignals.frontality(landmarks: [50, 50, 50, 50, 50, 70, 45, 90, 75, 90]) == nil, "eyes on top of each other")
    }

    @Test func gateRejectsEachWeakSignalAndSaysWhy() {
        let gate = QualityGate(minSize: 40, minDetectorScore: 0.9, minNorm: 19, minFrontality: 0)
        let good = FaceSignals(size: 80, detectorScore: 0.99, norm: 22, frontality: 0.7)
        #expect(gate.admits(good))
        #expect(gate.admits(FaceSignals()), "unknown signals (older rows) are not held against a face")
        var small = good; small.size = 39
        var unsure = good; unsure.detectorScore = 0.8
        var blurred = good; blurred.norm = 18.9
        var turned = good; turned.frontality = -0.2
        #expect(gate.rejection(small) == "smaller than 40 px")
        #expect(gate.rejection(unsure)?.contains("detector score") == true)
        #expect(gate.rejection(blurred)?.contains("embedding norm below 19") == true)
        #expect(gate.rejection(turned) == "turned away")
        #expect([small, unsure, blurred, turned].allSatisfy(QualityGate.open.admits))
    }

    /// Unit vectors on a great circle, `degrees` apart: neighbours are similar, the ends are not.
    static func arc(_ count: Int, degrees: Float, dimension: Int = 8) -> EmbeddingMatrix {
        EmbeddingMatrix(rows: (0 ..< count).map { i in
            let angle = Float(i) * degrees * .pi / 180
            return [cos(angle), sin(angle)] + [Float](repeating: 0, count: dimension - 2)
        })
    }

    @Test func coherenceKeepsAPersonDropsAnOutlierAndDissolvesAChain() {
        let rule = CoherenceRule(minMemberSimilarity: 0.55, minMeanSimilarity: 0.7)
        let person = Blobs(sizes: [6], seed: 3).matrix
        #expect(rule.coherentCore(person, minSize: 3) == Array(0 ..< 6))

        var withStranger = Blobs(sizes: [6], seed: 3)
        withStranger.addOutliers(1)
        #expect(rule.coherentCore(withStranger.matrix, minSize: 3) == Array(0 ..< 6), "the stranger is dropped")

        // Neighbours 0.77 similar (40 degrees), like look-alikes linked pairwise; the ends are opposite.
        let chain = Self.arc(7, degrees: 40)
        #expect(chain.dot(0, 1) > 0.75)
        #expect(rule.coherentCore(chain, minSize: 3) == nil)
        #expect(rule.coherentCore(Self.arc(3, degrees: 40), minSize: 3) == nil, "no three of them make a person either")
        #expect(rule.coherentCore(Self.arc(3, degrees: 20), minSize: 3) == [0, 1, 2], "three faces 0.94 alike do")
    }

    @Test func clustererDissolvesIncoherentNewClustersButNotPersons() {
        // The chain is linked by single linkage (DBSCAN eps 0.25: similarity 0.75 < the 0.77 step).
        let chain = Self.arc(7, degrees: 40)
        let method = ClusteringMethod.dbscan(DBSCANParameters(eps: 0.25, minSamples: 1))
        let open = FaceClusterer(options: ClusteringOptions(method: method, coherence: nil)).cluster(FaceCollection(embeddings: chain))
        #expect(Set(open.labels) == [0], "without the rule the chain is one cluster")
        let ruled = FaceClusterer(options: ClusteringOptions(method: method)).cluster(FaceCollection(embeddings: chain))
        #expect(ruled.labels.allSatisfy { $0 == -1 })
        // Around an anchor it is a known person's cluster: the rule does not apply.
        let anchored = FaceClusterer(options: ClusteringOptions(method: method))
            .cluster(FaceCollection(embeddings: chain, fixedPersons: [5, nil, nil, nil, nil, nil, nil]))
        #expect(anchored.assignments.allSatisfy { $0 == .person(5) })
    }

    @Test(arguments: ["rank-order", "cohort CW", "DBSCAN"])
    func rejectedFacesNeverJoinThatPerson(name: String) {
        let method: ClusteringMethod = switch name {
        case "rank-order": .default
        case "cohort CW": .cohortChineseWhispers(ChineseWhispersParameters())
        default: .dbscan(DBSCANParameters(eps: 0.35, minSamples: 2))
        }
        let blobs = Blobs(sizes: [8], seed: 21)
        var persons = [Int?](repeating: nil, count: 8)
        persons[0] = 7; persons[1] = 7
        var rejected = [Set<Int>](repeating: [], count: 8)
        rejected[4] = [7]
        var eligible = [Bool](repeating: true, count: 8)
        eligible[5] = false
        let result = FaceClusterer(options: ClusteringOptions(method: method))
            .cluster(FaceCollection(embeddings: blobs.matrix, fixedPersons: persons, eligible: eligible, rejectedPersons: rejected))
        #expect(result.assignments[4] == .unassigned, "the user said face 4 is not person 7")
        #expect(result.assignments[5] == .unassigned, "a face below the gate is never clustered")
        for i in [2, 3, 6, 7] { #expect(result.assignments[i] == .person(7)) }
    }
}
