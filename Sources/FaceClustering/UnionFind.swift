/// Disjoint sets with cannot-link checks: every set carries the photo ids of its members and
/// at most one known person; `unionIfAllowed` refuses a merge that would put two faces of one
/// photo, or two different persons, into one set.
struct ConstrainedUnionFind {
    private var parent: [Int32]
    private var size: [Int32]
    /// Keys per root; nil when no member has a key. Merged small-into-large.
    private var keys: [Set<Int>?]
    /// Known person per root.
    private var person: [Int?]

    init(count: Int, groups: [Int]?, persons: [Int?]) {
        parent = (0 ..< count).map { Int32($0) }
        size = .init(repeating: 1, count: count)
        keys = (0 ..< count).map { i in groups.map { [$0[i]] } }
        person = persons
    }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var c = x
        while Int(parent[c]) != r { let n = Int(parent[c]); parent[c] = Int32(r); c = n }
        return r
    }

    @discardableResult
    mutating func unionIfAllowed(_ a: Int, _ b: Int) -> Bool {
        var ra = find(a), rb = find(b)
        if ra == rb { return true }
        if let pa = person[ra], let pb = person[rb], pa != pb { return false }
        if let ka = keys[ra], let kb = keys[rb] {
            let (small, large) = ka.count < kb.count ? (ka, kb) : (kb, ka)
            if !small.isDisjoint(with: large) { return false }
        }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
        if person[ra] == nil { person[ra] = person[rb] }
        if let kb = keys[rb] {
            if keys[ra] == nil { keys[ra] = kb } else { keys[ra]!.formUnion(kb) }
            keys[rb] = nil
        }
        return true
    }

    mutating func labels() -> [Int] { (0 ..< parent.count).map { find($0) } }
}
