/// What the clustering algorithms know about a collection besides the vectors.
/// Built once by `FaceClusterer` (after the quality filter) and shared by every method.
struct ClusteringProblem: Sendable {
    let embeddings: EmbeddingMatrix
    /// Photo id per face; faces with the same photo id are different people (cannot-link).
    let groups: [Int]?
    /// Person id per face for faces already assigned by the user (anchors), nil for new faces.
    let persons: [Int?]
    let seed: UInt64
    let neighborSearch: NeighborSearch

    var count: Int { embeddings.count }

    /// Faces sharing a photo with each face (excluding itself). Empty lists when no groups.
    func groupMates() -> [[Int]] {
        guard let groups else { return .init(repeating: [], count: count) }
        var byGroup: [Int: [Int]] = [:]
        for (i, g) in groups.enumerated() { byGroup[g, default: []].append(i) }
        var mates = [[Int]](repeating: [], count: count)
        for members in byGroup.values where members.count > 1 {
            for i in members { mates[i] = members.filter { $0 != i } }
        }
        return mates
    }

}

enum Postprocess {
    /// Renumbers clusters 0..<m in order of first appearance; -1 stays -1.
    static func compact(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { l in
            if l < 0 { return -1 }
            if let m = map[l] { return m }
            let m = map.count
            map[l] = m
            return m
        }
    }

    /// For methods that cannot honour cannot-link while clustering (DBSCAN, UMAP+DBSCAN): in
    /// each cluster, of several faces from one photo keep the one most similar to the cluster
    /// centroid and unassign the others.
    static func enforceCannotLink(_ labels: [Int], problem: ClusteringProblem) -> [Int] {
        guard let groups = problem.groups else { return labels }
        var out = labels
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() where l >= 0 { members[l, default: []].append(i) }
        let m = problem.embeddings, d = m.dimension
        for (_, faces) in members {
            var byGroup: [Int: [Int]] = [:]
            for i in faces { byGroup[groups[i], default: []].append(i) }
            guard byGroup.values.contains(where: { $0.count > 1 }) else { continue }
            var centroid = [Float](repeating: 0, count: d)
            for i in faces { for (j, v) in m.row(i).enumerated() { centroid[j] += v } }
            func score(_ i: Int) -> Float { zip(m.row(i), centroid).reduce(0) { $0 + $1.0 * $1.1 } }
            for (_, same) in byGroup where same.count > 1 {
                let keep = same.max { (score($0), -$0) < (score($1), -$1) }!
                for i in same where i != keep { out[i] = -1 }
            }
        }
        return out
    }

    /// Unassigns every face that ended in a cluster of a person it was rejected from.
    static func enforceRejections(_ labels: [Int], rejected: [Set<Int>], persons: [Int?]) -> [Int] {
        var personOf: [Int: Int] = [:]
        for (i, l) in labels.enumerated() where l >= 0 { if let p = persons[i] { personOf[l] = p } }
        return labels.enumerated().map { i, l in
            guard l >= 0, persons[i] == nil, let p = personOf[l], rejected[i].contains(p) else { return l }
            return -1
        }
    }

    /// Unassigns clusters with fewer than `minSize` faces, except clusters holding an anchor
    /// (a new face that matches a known person is worth reporting even alone).
    /// `counted`: which faces count towards the size (nil: all); a face that does not count may still
    /// belong to a cluster that is large enough without it.
    static func applyMinimumSize(_ labels: [Int], minSize: Int, persons: [Int?], counted: [Bool]? = nil) -> [Int] {
        var size: [Int: Int] = [:], anchored = Set<Int>()
        for (i, l) in labels.enumerated() where l >= 0 {
            if counted?[i] ?? true { size[l, default: 0] += 1 }
            if persons[i] != nil { anchored.insert(l) }
        }
        return labels.map { l in l >= 0 && (size[l, default: 0] >= minSize || anchored.contains(l)) ? l : -1 }
    }

    /// The members of each cluster that holds no anchor (a new person's), by label.
    static func newClusters(_ labels: [Int], persons: [Int?]) -> [Int: [Int]] {
        var members: [Int: [Int]] = [:], anchored = Set<Int>()
        for (i, l) in labels.enumerated() where l >= 0 {
            members[l, default: []].append(i)
            if persons[i] != nil { anchored.insert(l) }
        }
        return members.filter { !anchored.contains($0.key) }
    }

    /// Generic anchor handling for methods that ignore anchors while clustering: a cluster whose
    /// anchors all belong to one person keeps them; in a cluster mixing persons the new faces
    /// are unassigned (conservative) and each anchor goes back to its own person's cluster.
    /// Anchors that ended unassigned are also gathered into their person's cluster.
    static func resolveAnchors(_ labels: [Int], persons: [Int?]) -> [Int] {
        guard persons.contains(where: { $0 != nil }) else { return labels }
        var out = labels
        var personsIn: [Int: Set<Int>] = [:]
        for (i, l) in labels.enumerated() where l >= 0 {
            if let p = persons[i] { personsIn[l, default: []].insert(p) }
        }
        let base = (labels.max() ?? 0) + 1
        var personLabel: [Int: Int] = [:]
        // Home cluster per person: the first single-person cluster holding it, else a fresh id.
        for (i, l) in labels.enumerated() {
            guard let p = persons[i] else { continue }
            if l >= 0, personsIn[l]!.count == 1, personLabel[p] == nil { personLabel[p] = l }
        }
        for (i, l) in labels.enumerated() {
            if let p = persons[i] {
                if l < 0 || personsIn[l]!.count > 1 {
                    if personLabel[p] == nil { personLabel[p] = base + personLabel.count }
                    out[i] = personLabel[p]!
                }
            } else if l >= 0, (personsIn[l]?.count ?? 0) > 1 {
                out[i] = -1
            }
        }
        return out
    }
}
