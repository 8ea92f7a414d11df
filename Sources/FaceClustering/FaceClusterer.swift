/// Public entry point: groups faces into persons.
///
/// Semantics of `cluster(_:)`:
///  - Faces whose `quality` is below `options.minQuality` are excluded up front: they get
///    label -1 and do not influence anyone else.
///  - Faces sharing a `groupId` (same photo) never share a cluster.
///  - Faces with a `fixedPerson` are anchors: they stay with their person, a cluster never holds
///    anchors of two persons, and a cluster holding anchors of person P reports P in
///    `clusterPersons` — its new faces should be added to P. A person's anchors may end up in
///    several clusters (each then points at P); existing persons are never merged or split.
///  - A face never ends with a person it has a cannot-link to (`rejectedPersons`: the user said
///    "not this person").
///  - Faces with `eligible` false (below the quality gate) are excluded like low-quality ones.
///  - A new cluster (no anchor) must be coherent (`ClusteringOptions.coherence`): members far
///    from its centre are dropped, and a cluster whose members stay far from it is dissolved.
///  - A new cluster centred where blurred faces collapse (`ClusteringOptions.blur`, with the
///    direction estimated from `qualities`) is dissolved: it is blur, not a person.
///  - A new cluster needs `minClusterSize` faces that are not cut by the photo's edge (`cut`):
///    half faces look alike, and bystanders at the edges of photos chain into false persons.
///  - Clusters smaller than `minClusterSize` are dissolved into -1, unless they hold an anchor.
public struct FaceCollection: Sendable {
    /// Unit-length embeddings, one row per face.
    public var embeddings: EmbeddingMatrix
    /// Photo id per face (cannot-link); nil when unknown.
    public var groupIds: [Int]?
    /// Embedding norm before normalisation (FaceNet: below ~17 is a poor face); nil: unknown (not
    /// filtered, and no blur direction).
    public var qualities: [Float]?
    /// Known person per face (anchors), nil for faces to be clustered.
    public var fixedPersons: [Int?]?
    /// Per face, whether it passed the quality gate (`QualityGate`); nil: all did.
    public var eligible: [Bool]?
    /// Per face, the persons (as in `fixedPersons`) it must never join; nil: none.
    public var rejectedPersons: [Set<Int>]?
    /// Per face, whether the photo's edge cuts it (`QualityGate.isCut`); nil: none is.
    public var cut: [Bool]?

    public init(embeddings: EmbeddingMatrix, groupIds: [Int]? = nil, qualities: [Float]? = nil,
                fixedPersons: [Int?]? = nil, eligible: [Bool]? = nil, rejectedPersons: [Set<Int>]? = nil, cut: [Bool]? = nil) {
        precondition(groupIds == nil || groupIds!.count == embeddings.count)
        precondition(qualities == nil || qualities!.count == embeddings.count)
        precondition(fixedPersons == nil || fixedPersons!.count == embeddings.count)
        precondition(eligible == nil || eligible!.count == embeddings.count)
        precondition(rejectedPersons == nil || rejectedPersons!.count == embeddings.count)
        precondition(cut == nil || cut!.count == embeddings.count)
        self.embeddings = embeddings; self.groupIds = groupIds
        self.qualities = qualities; self.fixedPersons = fixedPersons
        self.eligible = eligible; self.rejectedPersons = rejectedPersons; self.cut = cut
    }

    /// From raw model outputs: normalises the rows and keeps their norms as qualities.
    public init(unnormalized: EmbeddingMatrix, groupIds: [Int]? = nil, fixedPersons: [Int?]? = nil) {
        var m = unnormalized
        let norms = m.normalizeRows()
        self.init(embeddings: m, groupIds: groupIds, qualities: norms, fixedPersons: fixedPersons)
    }
}

public enum ClusteringMethod: Sendable, Equatable {
    case cohortChineseWhispers(ChineseWhispersParameters)
    case rankOrder(RankOrderParameters)
    case dbscan(DBSCANParameters)
    case umapDBSCAN(UMAPParameters, DBSCANParameters)

    /// The best method measured on LFW with parameters from docs/clustering.md: approximate
    /// rank-order, BCubed F 0.971 on the LFW dev file (cohort-normalised Chinese whispers reaches
    /// 0.973 only with a labelled impostor cohort; with the label-free cohort a product can
    /// build it scores 0.963). See README.md for the table.
    public static let `default` = ClusteringMethod.rankOrder(RankOrderParameters())
    /// What the original system ran.
    public static let originalSystem = ClusteringMethod.umapDBSCAN(
        UMAPParameters(neighbors: 15, components: 10, minDist: 0.0), DBSCANParameters(eps: 0.35, minSamples: 3))
}

public struct ClusteringOptions: Sendable, Equatable {
    public var method: ClusteringMethod = .default
    public var minClusterSize: Int = 3
    /// Faces with quality below this are left unassigned; nil disables the filter.
    public var minQuality: Float? = nil
    public var neighborSearch: NeighborSearch = .default
    public var seed: UInt64 = 42
    /// What a new cluster must satisfy to become a person; nil accepts any.
    public var coherence: CoherenceRule? = .default
    /// New clusters made of blur are not made; nil makes them.
    public var blur: BlurRule? = .default
    public init(method: ClusteringMethod = .default, minClusterSize: Int = 3, minQuality: Float? = nil,
                neighborSearch: NeighborSearch = .default, seed: UInt64 = 42, coherence: CoherenceRule? = .default,
                blur: BlurRule? = .default) {
        self.method = method; self.minClusterSize = minClusterSize; self.minQuality = minQuality
        self.neighborSearch = neighborSearch; self.seed = seed; self.coherence = coherence; self.blur = blur
    }
}

public enum ClusterAssignment: Sendable, Equatable, Hashable {
    case unassigned
    /// A new person: cluster id in 0..<clusterCount.
    case newCluster(Int)
    /// An existing person (the face was an anchor, or its cluster joined that person).
    case person(Int)
}

public struct ClusteringResult: Sendable, Equatable {
    /// Per face: cluster id in 0..<clusterCount, or -1 (unassigned, filtered out or too small).
    /// Anchors carry the id of the cluster they ended in.
    public let labels: [Int]
    /// Per cluster: the existing person it belongs to, nil for a new person.
    public let clusterPersons: [Int?]

    public var clusterCount: Int { clusterPersons.count }

    public var assignments: [ClusterAssignment] {
        labels.map { l in
            if l < 0 { return .unassigned }
            if let p = clusterPersons[l] { return .person(p) }
            return .newCluster(l)
        }
    }
}

public struct FaceClusterer: Sendable {
    public var options: ClusteringOptions
    public init(options: ClusteringOptions = ClusteringOptions()) { self.options = options }

    public func cluster(_ faces: FaceCollection) -> ClusteringResult {
        let n = faces.embeddings.count
        // Quality filter: cluster only the faces that pass, then map back.
        var kept = Array(0 ..< n)
        if let minQ = options.minQuality, let q = faces.qualities { kept = kept.filter { q[$0] >= minQ } }
        if let eligible = faces.eligible { kept = kept.filter { eligible[$0] } }
        let sub = kept.count == n ? faces.embeddings : faces.embeddings.subset(kept)
        let problem = ClusteringProblem(
            embeddings: sub,
            groups: faces.groupIds.map { g in kept.map { g[$0] } },
            persons: faces.fixedPersons.map { f in kept.map { f[$0] } } ?? .init(repeating: nil, count: kept.count),
            seed: options.seed, neighborSearch: options.neighborSearch)

        var labels = Self.rawLabels(problem, method: options.method)
        if let rejected = faces.rejectedPersons {
            labels = Postprocess.enforceRejections(labels, rejected: kept.map { rejected[$0] }, persons: problem.persons)
        }
        if let rule = options.coherence {
            labels = rule.apply(labels, embeddings: sub, persons: problem.persons, minSize: options.minClusterSize)
        }
        // The direction comes from every face, the blurred ones the gate keeps out included.
        if let rule = options.blur, let q = faces.qualities,
           let direction = rule.direction(faces.embeddings, norms: q, groups: faces.groupIds) {
            labels = rule.apply(labels, embeddings: sub, persons: problem.persons, direction: direction)
        }
        labels = Postprocess.applyMinimumSize(labels, minSize: options.minClusterSize, persons: problem.persons,
                                              counted: faces.cut.map { cut in kept.map { !cut[$0] } })
        labels = Postprocess.compact(labels)

        var full = [Int](repeating: -1, count: n)
        for (s, i) in kept.enumerated() { full[i] = labels[s] }
        let count = (labels.max() ?? -1) + 1
        var persons = [Int?](repeating: nil, count: count)
        for (s, l) in labels.enumerated() where l >= 0 {
            if let p = problem.persons[s] { persons[l] = p }
        }
        return ClusteringResult(labels: full, clusterPersons: persons)
    }

    /// Labels before size filtering: any integers, -1 for noise. Constraints already hold.
    static func rawLabels(_ problem: ClusteringProblem, method: ClusteringMethod) -> [Int] {
        switch method {
        case .cohortChineseWhispers(let p):
            let g = problem.neighborSearch.graph(problem.embeddings, k: p.neighbors, seed: problem.seed)
            debugLog("neighbour graph done")
            return ChineseWhispers.cluster(problem, graph: g, parameters: p)
        case .rankOrder(let p):
            let g = problem.neighborSearch.graph(problem.embeddings, k: p.neighbors, seed: problem.seed)
            debugLog("neighbour graph done")
            return RankOrder.cluster(problem, graph: g, parameters: p)
        case .dbscan(let p):
            let l = DBSCAN.cosine(problem.embeddings, parameters: p)
            return Postprocess.resolveAnchors(Postprocess.enforceCannotLink(l, problem: problem), persons: problem.persons)
        case .umapDBSCAN(let u, let p):
            var up = u
            up.seed = problem.seed
            let y = UMAP.embed(problem.embeddings, parameters: up, neighborSearch: problem.neighborSearch)
            let l = DBSCAN.euclidean(points: y, dimension: u.components, parameters: p)
            return Postprocess.resolveAnchors(Postprocess.enforceCannotLink(l, problem: problem), persons: problem.persons)
        }
    }
}
