import FaceClustering
import FaceStore
import FaceVision

extension Recognizer {
    /// A group of unassigned faces that look like one new person, and why.
    public struct Suggestion: Sendable, Equatable {
        public var faces: [Int64]
        /// Mean similarity of the group's faces to each other: how sure the grouping is.
        public var meanSimilarity: Float
    }

    /// A group smaller than clustering's minimum size has one or two links to stand on, so it must
    /// be this alike. Measured on LFW (3,048 photos, FaceNet): of the labelled pairs at 0.75 or more,
    /// 99.9 % are one person (3,971 pairs); at 0.70-0.75 98.6 %, at 0.65-0.70 93 %; and among the faces
    /// a run leaves unassigned, the pairs of mutual nearest neighbours below 0.65 were one person in 3
    /// of 40. With only the coherence rule (0.5 for a pair), 10 of the first 20 suggestions on an LFW
    /// library joined two different people; at 0.75 none does (docs/recognition.md).
    public static let smallGroupMinSimilarity: Float = 0.75

    /// The new persons clustering would make from the unassigned faces above the gate, with the
    /// same method, anchors and rules as `run`, but from `minimumSize` faces on (a user can accept a
    /// pair that the machine would wait on, when it is alike enough: `smallGroupMinSimilarity`).
    /// Faces that would join a known person are left out: the next run assigns them. Faces ruled out
    /// for a person (`rejectedPersons`: "not this person", born after the photo) never join it here
    /// either. Most confident first (mean similarity, then size).
    public func suggestions(minimumSize: Int = 2) async throws -> [Suggestion] {
        let faces = try await store.embeddings(model: options.embeddingModel)
        guard faces.contains(where: { $0.personId == nil && admits($0) }) else { return [] }
        let (collection, _) = Self.collection(faces, rejected: try await store.rejectedPersons(), gate: options.gate)
        var clustering = options.clustering
        clustering.minClusterSize = minimumSize
        let result = FaceClusterer(options: clustering).cluster(collection)
        var groups: [Int: [Int]] = [:]
        for (index, assignment) in result.assignments.enumerated() {
            if case .newCluster(let c) = assignment { groups[c, default: []].append(index) }
        }
        let minSize = options.clustering.minClusterSize
        return groups.values.compactMap { members -> Suggestion? in
            var total: Float = 0, pairs = 0, weakest: Float = 1
            for a in members.indices { for b in members.indices where b > a {
                let similarity = collection.embeddings.dot(members[a], members[b])
                total += similarity
                weakest = min(weakest, similarity)
                pairs += 1
            } }
            let mean = pairs == 0 ? 1 : total / Float(pairs)
            // What clustering would not make, the page does not offer: below the minimum size only very
            // alike groups, at it only groups whose every pair is alike (the coherence rule's pair bar).
            if members.count < minSize, mean < Self.smallGroupMinSimilarity { return nil }
            if members.count == minSize, let rule = options.clustering.coherence, weakest < rule.minPairSimilarityAtMinimumSize { return nil }
            return Suggestion(faces: members.map { faces[$0].faceId }, meanSimilarity: mean)
        }.sorted { ($0.meanSimilarity, $0.faces.count, -$0.faces[0]) > ($1.meanSimilarity, $1.faces.count, -$1.faces[0]) }
    }
}
