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
        let gate = QualityGate(minSize: 40, minDetectorScore: 0.9, minNorm: 19, minFrontality: 0, maxFrameCut: 0.05)
        let good = FaceSignals(size: 80, detectorScore: 0.99, norm: 22, frontality: 0.7)
        #expect(gate.admits(good))
        #expect(gate.admits(FaceSignals()), "unknown signals (older rows) are not held against a face")
        var small = good; small.size = 39
        var unsure = good; unsure.detectorScore = 0.8
        var blurred = good; blurred.norm = 18.9
        var turned = good; turned.frontality = -0.2
        var cut = good; cut.frameCut = 0.1
        #expect(gate.rejection(small) == "smaller than 40 px")
        #expect(gate.rejection(unsure)?.contains("detector score") == true)
        #expect(gate.rejection(blurred)?.contains("embedding norm below 19") == true)
        #expect(gate.rejection(turned) == "turned away")
        #expect([small, unsure, blurred, turned].allSatisfy(QualityGate.open.admits))
        #expect(gate.forJoining.admits(turned), "a turned face may join a person")
        #expect(![small, unsure, blurred].contains(where: gate.forJoining.admits))
        #expect(gate.admits(cut) && gate.isCut(cut) && !gate.isCut(good) && !gate.isCut(FaceSignals()),
                "a face cut by the photo's edge is clustered, but counts for no new person")
        #expect(!QualityGate.open.isCut(cut))
    }

    @Test func blurDirectionNeedsEnoughBlurredFacesInEnoughPhotos() {
        // Blurred faces: the first axis plus a different direction each; clear faces elsewhere.
        let dimension = 8
        func unit(_ v: [Float]) -> [Float] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        func blurred(_ i: Int) -> [Float] { unit((0 ..< dimension).map { $0 == 0 ? 1 : ($0 == 1 + i % (dimension - 1) ? 0.8 : 0) }) }
        let rows = (0 ..< 60).map(blurred) + (0 ..< 10).map { _ in unit([0, 0, 0, 0, 0, 0, 1, 1]) }
        let norms = [Float](repeating: 12, count: 60) + [Float](repeating: 23, count: 10)
        let rule = BlurRule.default
        let direction = rule.direction(EmbeddingMatrix(rows: rows), norms: norms, groups: Array(0 ..< 70))
        let found = try! #require(direction)
        #expect(found[0] > 0.9, "the direction the blurred faces share, not the clear faces'")
        #expect(rule.direction(EmbeddingMatrix(rows: Array(rows[11...])), norms: Array(norms[11...]), groups: Array(0 ..< 59)) == nil,
                "49 blurred faces, not enough")
        #expect(rule.direction(EmbeddingMatrix(rows: rows), norms: norms, groups: (0 ..< 70).map { $0 % 19 }) == nil,
                "blurred faces from 19 photos only")
        #expect(rule.direction(EmbeddingMatrix(rows: rows), norms: [Float](repeating: 0, count: 70), groups: nil) == nil,
                "unknown norms are no sample")
        #expect(rule.isBlur(EmbeddingMatrix(rows: [blurred(1), blurred(2), blurred(3)]), direction: found))
        #expect(!rule.isBlur(EmbeddingMatrix(rows: [unit([0, 0, 0, 0, 0, 0, 1, 1])]), direction: found))
    }

    @Test func clustererDissolvesNewClustersOfBlurButNotAnchoredOnes() {
        func unit(_ v: [Float]) -> [Float] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        // 60 blurred faces (below the gate) around axis 0; a tight trio of clear-enough faces near it;
        // a trio near it too but holding an anchor (a user's person); a clear trio elsewhere.
        var rows: [[Float]] = [], norms: [Float] = [], eligible: [Bool] = [], persons: [Int?] = []
        func add(_ v: [Float], norm: Float, eligible e: Bool, person: Int? = nil) {
            rows.append(unit(v)); norms.append(norm); eligible.append(e); persons.append(person)
        }
        for i in 0 ..< 60 { add((0 ..< 16).map { $0 == 0 ? 1 : ($0 == 1 + i % 15 ? 0.9 : 0) }, norm: 12, eligible: false) }
        for i in 0 ..< 3 { add([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, Float(i) * 0.05], norm: 18, eligible: true) }
        for i in 0 ..< 3 { add([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, Float(i) * 0.05], norm: 18, eligible: true, person: i == 0 ? 0 : nil) }
        for i in 0 ..< 3 { add([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, Float(i) * 0.05], norm: 23, eligible: true) }
        let faces = FaceCollection(embeddings: EmbeddingMatrix(rows: rows), groupIds: Array(rows.indices), qualities: norms,
                                   fixedPersons: persons, eligible: eligible)
        let result = FaceClusterer().cluster(faces)
        #expect(result.labels[60 ..< 63].allSatisfy { $0 == -1 }, "a new cluster of blur is not made")
        #expect(result.assignments[63 ..< 66].allSatisfy { $0 == .person(0) }, "a user's person keeps growing")
        #expect(Set(result.labels[66 ..< 69]).count == 1 && result.labels[66] >= 0, "a clear new person is made")
        var open = ClusteringOptions()
        open.blur = nil
        #expect(FaceClusterer(options: open).cluster(faces).labels[60] >= 0, "without the rule the blur trio is a person")
    }

    /// Unit vectors on a great circle, `degrees` apart: neighbours are similar, the ends are not.
    static func arc(_ count: Int, degrees: Float, dimension: Int = 8) -> EmbeddingMatrix {
        EmbeddingMatrix(rows: (0 ..< count).map { i in
            let angle = Float(i) * degrees * .pi / 180
            return [cos(angle), sin(angle)] + [Float](repeating: 0, count: dimension - 2)
        })
    }

    @Test func coherenceKeepsAPersonDropsAnOutlierAndDissolvesAChain() {
        let rule = CoherenceRule(minMemberSimilarity: 0.55, minMeanSimilarity: 0.7, minPairSimilarityAtMinimumSize: 0.7)
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

    @Test func aGroupOfTheSmallestSizeNeedsEveryPairAlike() {
        // A like B (0.84), B like C, A unlike C (0.42): close enough to the centre on average, but a chain.
        let three = Self.arc(3, degrees: 32.5)
        #expect(three.dot(0, 2) < 0.45 && three.dot(0, 1) > 0.8)
        #expect(CoherenceRule.default.coherentCore(three, minSize: 3) == nil)
        #expect(CoherenceRule.default.coherentCore(three, minSize: 2) == [0, 1, 2], "above the smallest size the mean decides")
        #expect(CoherenceRule.default.coherentCore(Self.arc(3, degrees: 25), minSize: 3) == [0, 1, 2], "every pair 0.64 or more")
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
