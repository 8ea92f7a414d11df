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

    /// The new persons clustering would make from the unassigned faces above the gate, with the
    /// same method, anchors and rules as `run`, but from `minimumSize` faces on (a user can accept a
    /// pair that the machine would wait on). Faces that would join a known person are left out:
    /// the next run assigns them. Most confident first (mean similarity, then size).
    public func suggestions(minimumSize: Int = 2) async throws -> [Suggestion] {
        let faces = try await store.embeddings(model: options.embeddingModel)
        guard faces.contains(where: { $0.personId == nil && admits($0) }) else { return [] }
        let (collection, _) = Self.collection(faces, rejected: try await store.rejectedPersons(), admits: admits)
        var clustering = options.clustering
        clustering.minClusterSize = minimumSize
        let result = FaceClusterer(options: clustering).cluster(collection)
        var groups: [Int: [Int]] = [:]
        for (index, assignment) in result.assignments.enumerated() {
            if case .newCluster(let c) = assignment { groups[c, default: []].append(index) }
        }
        return groups.values.map { members in
            var total: Float = 0, pairs = 0
            for a in members.indices { for b in members.indices where b > a {
                total += collection.embeddings.dot(members[a], members[b])
                pairs += 1
            } }
            return Suggestion(faces: members.map { faces[$0].faceId }, meanSimilarity: pairs == 0 ? 1 : total / Float(pairs))
        }.sorted { ($0.meanSimilarity, $0.faces.count, -$0.faces[0]) > ($1.meanSimilarity, $1.faces.count, -$1.faces[0]) }
    }
}
