import FaceVision

/// Groups unassigned faces into suggested new persons, greedily: the lowest remaining face id is a seed,
/// and every remaining face at least `threshold` similar to it joins the seed's group.
///
/// Greedy leader grouping needs no tuning beyond the threshold, is deterministic (the same faces give the
/// same suggestions, so an accept button never acts on a group the user did not see) and costs one pass
/// per group. It is a suggestion list only; real clustering (`frs recluster`) is done elsewhere.
public enum FaceGrouping {
    /// Stricter than `FaceNet.samePersonThreshold`: a suggestion should be obviously one person.
    public static let suggestionThreshold: Float = 0.6

    /// Groups of at least `minimumSize` face ids, largest first (then by smallest id).
    public static func groups(_ faces: [(id: Int64, vector: [Float])], threshold: Float = suggestionThreshold,
                              minimumSize: Int = 2) -> [[Int64]] {
        var remaining = faces.sorted { $0.id < $1.id }
        var groups: [[Int64]] = []
        while let seed = remaining.first {
            var members: [Int64] = []
            remaining.removeAll { face in
                let joins = face.id == seed.id || cosineSimilarity(seed.vector, face.vector) >= threshold
                if joins { members.append(face.id) }
                return joins
            }
            if members.count >= minimumSize { groups.append(members) }
        }
        return groups.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }
}
