import FaceClustering
import FaceStore
import FaceVision
import Foundation
import Logging

/// Turns embedded faces into persons: new faces join known persons they clearly match
/// (`match`), the rest are clustered into new persons once a group is large enough (`cluster`),
/// and `recluster(full:)` re-examines what the machine decided. Persons a user named and faces a
/// user confirmed are never moved, renamed, merged away or deleted; they may only gain faces.
public struct Recognizer: Sendable {
    public struct Options: Sendable {
        /// A face joins a person when its score for that person reaches this. The score is the
        /// mean of its two best similarities to the person's faces (one when the person has one).
        /// Calibrated on LFW (docs/recognition.md): with the margin below, 0.3 % of automatic
        /// assignments were wrong and 95 % of faces whose person was known were assigned.
        public var matchThreshold: Float = 0.60
        /// ...and beats the second-best person by at least this much.
        public var matchMargin: Float = 0.05
        /// Faces below the gate (small, blurred, turned away) are neither matched nor clustered,
        /// and a person's portrait is never one of them while it has a face above.
        public var gate: QualityGate = .default
        public var clustering = ClusteringOptions()
        /// After clustering, a face left over (above the gate, or below it only for its pose) joins the
        /// person whose centre is clearly the nearest; nil: left-over faces wait for the user.
        public var join: JoinRule? = .default
        /// Only embeddings of this model are matched and clustered (`Settings.embeddingModel`):
        /// vectors of different models are never compared.
        public var embeddingModel = FaceNet.defaultModelTag
        public var actor = "frs"
        public var dryRun = false
        public init() {}
    }

    public struct Summary: Sendable, Equatable {
        public var matched = 0
        public var clustered = 0
        public var newPersons = 0
        public var grownPersons = 0
        public var removedPersons = 0
        public var unassigned = 0
        public init() {}
    }

    let store: any FaceStore
    let options: Options
    let logger: Logger

    public init(store: any FaceStore, options: Options = Options(), logger: Logger = Logger(label: "frs.recognize")) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// Matching, then clustering of what is left, then portraits of the persons that changed.
    /// One recognition run at a time per library (see `exclusively`).
    public func run() async throws -> Summary {
        try await exclusively { try await matchAndCluster() }
    }

    /// Re-examines unassigned faces against persons and each other. With `full`, persons the
    /// machine made are rebuilt from scratch too: their unconfirmed faces are freed and clustered
    /// again with everything else; a new cluster that holds most of an old machine person's faces
    /// keeps that person's id and number, and machine persons that no cluster continues are removed.
    /// Either way, machine-made persons that are not coherent are dissolved first (`dissolveIncoherent`).
    public func recluster(full: Bool) async throws -> Summary {
        try await exclusively {
            let dissolved = try await dissolveIncoherent()
            var summary = try await full ? rebuild() : matchAndCluster()
            summary.removedPersons += dissolved
            return summary
        }
    }

    /// Runs `body` under the library's recognition lock: two runs that read the same unassigned
    /// faces and both wrote persons for them would leave duplicates and empty persons. A dry run
    /// writes nothing (not even the lock file) and reads without waiting.
    private func exclusively(_ body: @Sendable () async throws -> Summary) async throws -> Summary {
        guard !options.dryRun else { return try await body() }
        let logger = self.logger
        return try await store.withRecognitionLock(waiting: {
            logger.notice("waiting for the recognition run already going on this library (frs cluster, recluster, run or automate) to finish")
        }) {
            logger.debug("recognition lock taken")
            return try await body()
        }
    }

    private func matchAndCluster() async throws -> Summary {
        var summary = Summary()
        var touched = Set<Int64>()
        let faces = try await store.embeddings(model: options.embeddingModel)
        let rejected = try await store.rejectedPersons()
        let matches = match(faces, rejected: rejected)
        try await apply(matches.map { ($0.face, $0.person) }, reason: .match, touched: &touched, summary: &summary)
        summary.matched = matches.count

        let updated = Self.assigning(faces, Dictionary(uniqueKeysWithValues: matches.map { ($0.face, $0.person) }))
        let placed = try await cluster(updated, rejected: rejected, touched: &touched, summary: &summary)
        try await joinLeftovers(Self.assigning(updated, placed), rejected: rejected, touched: &touched, summary: &summary)
        try await finish(touched: touched, summary: &summary)
        return summary
    }

    private func rebuild() async throws -> Summary {
        var summary = Summary()
        var touched = Set<Int64>()
        let persons = try await store.persons(includeHidden: true)
        let machineMade = Set(persons.filter { !$0.person.isUserNamed }.map(\.person.id))
        var faces = try await store.embeddings(model: options.embeddingModel)
        // Who each freed face belonged to, to keep person ids stable.
        var previous: [Int64: Int64] = [:]
        for index in faces.indices {
            guard let person = faces[index].personId, machineMade.contains(person), !faces[index].isUserVerified else { continue }
            previous[faces[index].faceId] = person
            faces[index].personId = nil
        }
        let rejected = try await store.rejectedPersons()
        let placed = try await cluster(faces, rejected: rejected, previousOwners: previous, machineMade: machineMade,
                                       touched: &touched, summary: &summary)
        try await joinLeftovers(Self.assigning(faces, placed), rejected: rejected, touched: &touched, summary: &summary)
        try await finish(touched: touched, summary: &summary)
        return summary
    }

    // MARK: Matching

    struct Match: Equatable {
        var face: Int64
        var person: Int64
        var score: Float
    }

    /// Unassigned faces that clearly belong to one known person. Two faces of one photo never go
    /// to the same person, and neither does a face whose photo already shows that person, nor a
    /// face the user took away from that person. Only faces above the gate match or are matched.
    func match(_ faces: [StoredEmbedding], rejected: [Int64: Set<Int64>] = [:]) -> [Match] {
        let known = faces.filter { $0.personId != nil && admits($0) }
        let candidates = faces.filter { $0.personId == nil && admits($0) }
        guard !known.isEmpty, !candidates.isEmpty else { return [] }
        let database = EmbeddingMatrix(rows: known.map(\.vector))
        let queries = EmbeddingMatrix(rows: candidates.map(\.vector))
        let k = min(known.count, 32)
        let graph = ExactNeighbors.search(queries: queries, database: database, k: k)

        var proposals: [Match] = []
        for (q, face) in candidates.enumerated() {
            var best: [Int64: [Float]] = [:]
            let refused = rejected[face.faceId] ?? []
            for (row, similarity) in zip(graph.neighbors(of: q), graph.neighborSimilarities(of: q)) where row >= 0 {
                let person = known[Int(row)].personId!
                if !refused.contains(person) { best[person, default: []].append(similarity) }
            }
            let scores = best.map { person, sims -> (Int64, Float) in
                let top = sims.sorted(by: >).prefix(2)
                return (person, top.reduce(0, +) / Float(top.count))
            }.sorted { $0.1 > $1.1 }
            guard let first = scores.first, first.1 >= options.matchThreshold else { continue }
            let second = scores.count > 1 ? scores[1].1 : -1
            guard first.1 - second >= options.matchMargin else { continue }
            proposals.append(Match(face: face.faceId, person: first.0, score: first.1))
        }

        // Strongest first; one face per person per photo.
        var taken = Set<PhotoPerson>()
        for face in known { taken.insert(PhotoPerson(item: face.mediaItemId, person: face.personId!)) }
        let itemOf = Dictionary(uniqueKeysWithValues: candidates.map { ($0.faceId, $0.mediaItemId) })
        return proposals.sorted { $0.score > $1.score }.filter { match in
            taken.insert(PhotoPerson(item: itemOf[match.face]!, person: match.person)).inserted
        }
    }

    /// Faces still unassigned after clustering that clearly belong to one person (`JoinRule`): the
    /// person's centre, made of its faces above the gate, is near and clearly nearer than any other's.
    /// A turned face may join this way (never seed a person); a face may not join a person it was
    /// taken away from, nor one already in its photo. Clustering's new persons have no ids in a dry run,
    /// so a dry run leaves this step out.
    func joins(_ faces: [StoredEmbedding], rejected: [Int64: Set<Int64>], rule: JoinRule) -> [Match] {
        let known = faces.filter { $0.personId != nil && admits($0) }
        let floor = options.gate.forJoining
        let candidates = faces.filter { $0.personId == nil && floor.admits(FaceSignals($0)) }
        guard !known.isEmpty, !candidates.isEmpty else { return [] }
        let (centres, persons) = JoinRule.centres(EmbeddingMatrix(rows: known.map(\.vector)), owners: known.map(\.personId))
        let choices = rule.choose(queries: EmbeddingMatrix(rows: candidates.map(\.vector)), centres: centres) { q, c in
            rejected[candidates[q].faceId]?.contains(persons[c]) == true
        }
        let faceVectors = Dictionary(grouping: known, by: { $0.personId! }).mapValues { $0.map(\.vector) }
        let proposals = zip(candidates, choices).compactMap { face, choice -> (match: Match, item: Int64)? in
            guard let choice, rule.looksLikeFaces(faceVectors[persons[choice]]!.map { dotProduct(face.vector, $0) }) else { return nil }
            let match = Match(face: face.faceId, person: persons[choice], score: dotProduct(face.vector, Array(centres.row(choice))))
            return (match, face.mediaItemId)
        }
        var taken = Set(faces.compactMap { face in face.personId.map { PhotoPerson(item: face.mediaItemId, person: $0) } })
        return proposals.sorted { ($0.match.score, $1.match.face) > ($1.match.score, $0.match.face) }
            .filter { taken.insert(PhotoPerson(item: $0.item, person: $0.match.person)).inserted }
            .map(\.match)
    }

    /// `faces` as clustering left them (its placements applied).
    private func joinLeftovers(_ faces: [StoredEmbedding], rejected: [Int64: Set<Int64>], touched: inout Set<Int64>,
                               summary: inout Summary) async throws {
        guard let rule = options.join, !options.dryRun else { return }
        let joined = joins(faces, rejected: rejected, rule: rule)
        guard !joined.isEmpty else { return }
        try await apply(joined.map { ($0.face, $0.person) }, reason: .match, touched: &touched, summary: &summary)
        summary.matched += joined.count
        summary.unassigned = max(0, summary.unassigned - joined.count)
    }

    /// `faces` with the placements (face id -> person id) applied.
    static func assigning(_ faces: [StoredEmbedding], _ placements: [Int64: Int64]) -> [StoredEmbedding] {
        guard !placements.isEmpty else { return faces }
        return faces.map { face in
            var face = face
            if let person = placements[face.faceId] { face.personId = person }
            return face
        }
    }

    private struct PhotoPerson: Hashable {
        var item: Int64
        var person: Int64
    }

    func admits(_ face: StoredEmbedding) -> Bool { options.gate.admits(FaceSignals(face)) }

    // MARK: Clustering

    /// Clusters unassigned faces, with every assigned face as an anchor of its person. A cluster
    /// around anchors of one person adds its new faces to that person; other clusters of at least
    /// the minimum size become new persons (or, in a full recluster, continue the old machine person
    /// that most of their faces came from).
    /// Returns where the faces went (face id -> person id; none in a dry run).
    private func cluster(_ faces: [StoredEmbedding], rejected: [Int64: Set<Int64>], previousOwners: [Int64: Int64] = [:],
                         machineMade: Set<Int64> = [], touched: inout Set<Int64>, summary: inout Summary) async throws -> [Int64: Int64] {
        guard faces.contains(where: { $0.personId == nil }) else { return [:] }
        let (collection, personIds) = Self.collection(faces, rejected: rejected, gate: options.gate)
        let result = FaceClusterer(options: options.clustering).cluster(collection)

        var toKnown: [(Int64, Int64)] = []
        var newClusters: [Int: [Int64]] = [:]
        for (index, face) in faces.enumerated() where face.personId == nil {
            switch result.assignments[index] {
            case .person(let p): toKnown.append((face.faceId, personIds[p]))
            case .newCluster(let c): newClusters[c, default: []].append(face.faceId)
            case .unassigned: break
            }
        }
        try await apply(toKnown, reason: previousOwners.isEmpty ? .cluster : .recluster,
                        touched: &touched, summary: &summary)
        summary.clustered += toKnown.count

        // New clusters: continue an old machine person where one dominates, else make a new one.
        var continued = Set<Int64>()
        var moves: [(Int64, Int64)] = []
        var placedNew = 0
        for (_, cluster) in newClusters.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
            var members = cluster
            var votes: [Int64: Int] = [:]
            for face in members { if let old = previousOwners[face] { votes[old, default: 0] += 1 } }
            let person: Int64
            if let (old, count) = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), count * 2 > members.count,
               !continued.contains(old) {
                person = old
                continued.insert(old)
                // A face the user took away from the old person stays out of it.
                members.removeAll { rejected[$0]?.contains(old) == true }
            } else if options.dryRun {
                summary.newPersons += 1
                summary.clustered += members.count
                placedNew += members.count
                continue
            } else {
                person = try await store.createPerson(name: nil).id
                summary.newPersons += 1
            }
            moves += members.map { ($0, person) }
            summary.clustered += members.count
            placedNew += members.count
        }
        let placedCount = toKnown.count + placedNew
        summary.unassigned = faces.filter { $0.personId == nil }.count - placedCount
        // Faces freed by a full recluster that landed nowhere are unassigned now.
        let placed = Set(moves.map(\.0) + toKnown.map(\.0))
        let freed = previousOwners.keys.filter { !placed.contains($0) }.sorted()
        if !options.dryRun {
            try await apply(moves, reason: previousOwners.isEmpty ? .cluster : .recluster, touched: &touched, summary: &summary)
            if !freed.isEmpty { try await store.assign(faces: freed, to: nil, reason: .recluster, actor: options.actor) }
            for person in machineMade.subtracting(continued) where !(try await hasFaces(person)) {
                try await store.deletePerson(person, actor: options.actor)
                summary.removedPersons += 1
            }
        }
        return Dictionary(toKnown + moves) { _, last in last }
    }

    /// What the clusterer sees: assigned faces are anchors of their person (`personIds` maps the
    /// collection's person numbers back), photos are cannot-link groups, the gate, the norms (for
    /// the blur direction; an unknown norm is 0, outside every sample) and the rejections come along.
    static func collection(_ faces: [StoredEmbedding], rejected: [Int64: Set<Int64>],
                           gate: QualityGate) -> (FaceCollection, personIds: [Int64]) {
        var items: [Int64: Int] = [:]
        let groupIds = faces.map { face in items[face.mediaItemId] ?? { items[face.mediaItemId] = items.count; return items.count - 1 }() }
        let personIds = Array(Set(faces.compactMap(\.personId))).sorted()
        let personIndex = Dictionary(uniqueKeysWithValues: personIds.enumerated().map { ($1, $0) })
        let signals = faces.map { FaceSignals($0) }
        let collection = FaceCollection(
            embeddings: EmbeddingMatrix(rows: faces.map(\.vector)), groupIds: groupIds,
            qualities: faces.map { Float($0.quality ?? 0) },
            fixedPersons: faces.map { $0.personId.flatMap { personIndex[$0] } },
            eligible: signals.map(gate.admits),
            rejectedPersons: faces.map { face in Set((rejected[face.faceId] ?? []).compactMap { personIndex[$0] }) },
            cut: signals.map(gate.isCut))
        return (collection, personIds)
    }

    // MARK: Coherence

    /// Removes machine-made persons that would not be made today: fewer than the minimum number
    /// of faces above the gate and not cut by their photo's edge, or those faces not coherent (`ClusteringOptions.coherence`) or
    /// centred where blurred faces collapse (`ClusteringOptions.blur`); their
    /// faces become unassigned. From a person that stays, faces below the gate or far from its
    /// centre are freed. A person a user named, or one holding a face a user confirmed, is the
    /// user's and is left as it is. Returns how many persons were removed.
    func dissolveIncoherent() async throws -> Int {
        let machineMade = Set(try await store.persons(includeHidden: true).filter { !$0.person.isUserNamed }.map(\.person.id))
        guard !machineMade.isEmpty else { return 0 }
        let all = try await store.embeddings(model: options.embeddingModel)
        let blur = options.clustering.blur.flatMap { rule in Self.blurDirection(all, rule: rule).map { (rule, $0) } }
        let faces = all.filter { $0.personId.map(machineMade.contains) ?? false }
        let minSize = options.clustering.minClusterSize
        var removed = 0
        for (person, members) in Dictionary(grouping: faces, by: { $0.personId! }).sorted(by: { $0.key < $1.key })
        where !members.contains(where: \.isUserVerified) {
            let eligible = members.filter(admits)
            var keep = Set<Int64>()
            if eligible.filter({ !options.gate.isCut(FaceSignals($0)) }).count >= minSize {
                let rows = EmbeddingMatrix(rows: eligible.map(\.vector))
                let core = options.clustering.coherence.map { $0.coherentCore(rows, minSize: minSize) } ?? Array(eligible.indices)
                keep = Set((core ?? []).map { eligible[$0].faceId })
                if let (rule, direction) = blur, let core, rule.isBlur(rows.subset(core), direction: direction) { keep = [] }
            }
            // A turned face that joined by a clear match (`joins`) stays while it is near the remaining centre.
            if let rule = options.join, !keep.isEmpty {
                let core = members.filter { keep.contains($0.faceId) }
                let (centre, _) = JoinRule.centres(EmbeddingMatrix(rows: core.map(\.vector)), owners: core.map(\.personId))
                let floor = options.gate.forJoining
                let centreVector = Array(centre.row(0))
                for face in members where !keep.contains(face.faceId) && !admits(face) && floor.admits(FaceSignals(face))
                    && dotProduct(face.vector, centreVector) >= rule.minSimilarity
                    && rule.looksLikeFaces(core.map { dotProduct(face.vector, $0.vector) }) {
                    keep.insert(face.faceId)
                }
            }
            let freed = members.map(\.faceId).filter { !keep.contains($0) }.sorted()
            guard !freed.isEmpty else { continue }
            if options.dryRun {
                if keep.isEmpty { removed += 1 }
                continue
            }
            try await store.assign(faces: freed, to: nil, reason: .recluster, actor: options.actor)
            if keep.isEmpty, !(try await hasFaces(person)) {
                try await store.deletePerson(person, actor: options.actor)
                removed += 1
            } else if let face = Portrait.choose(from: try await store.faces(person: person), gate: options.gate) {
                try await store.setPortrait(person: person, face: face)
            }
        }
        if removed > 0 { logger.info("dissolved incoherent persons", metadata: ["persons": "\(removed)"]) }
        return removed
    }

    /// The library's blur direction (`BlurRule.direction`), from every embedded face.
    static func blurDirection(_ faces: [StoredEmbedding], rule: BlurRule) -> [Float]? {
        rule.direction(EmbeddingMatrix(rows: faces.map(\.vector)), norms: faces.map { Float($0.quality ?? 0) },
                       groups: faces.map { Int(truncatingIfNeeded: $0.mediaItemId) })
    }

    private func hasFaces(_ person: Int64) async throws -> Bool { !(try await store.faces(person: person)).isEmpty }

    /// Writes assignments grouped by person (one transaction per person), with history.
    private func apply(_ assignments: [(Int64, Int64)], reason: AssignmentReason, touched: inout Set<Int64>,
                       summary: inout Summary) async throws {
        guard !options.dryRun else { return }
        for (person, faces) in Dictionary(grouping: assignments, by: \.1) {
            try await store.assign(faces: faces.map(\.0).sorted(), to: person, reason: reason, actor: options.actor)
            touched.insert(person)
        }
    }

    // MARK: Portraits and summary

    private func finish(touched: Set<Int64>, summary: inout Summary) async throws {
        if !options.dryRun {
            for person in touched.sorted() {
                if let face = try await Portrait.choose(from: store.faces(person: person), gate: options.gate) {
                    try await store.setPortrait(person: person, face: face)
                }
            }
        }
        summary.grownPersons = max(0, touched.count - summary.newPersons)
        logger.info("recognition done", metadata: [
            "matched": "\(summary.matched)", "clustered": "\(summary.clustered)", "new_persons": "\(summary.newPersons)",
            "grown_persons": "\(summary.grownPersons)", "unassigned": "\(summary.unassigned)",
        ])
    }
}

/// Chooses the face that shows a person best: among the faces nearest the person's centre (the
/// more typical half), the one with the best quality (embedding norm, which drops with blur),
/// size and detector score. Only faces above the gate are candidates, and of those the ones the
/// photo's edge does not cut; a person made by hand of faces that are all below it still gets the best of those.
enum Portrait {
    static func choose(from faces: [StoredFace], gate: QualityGate) -> Int64? {
        let admitted = faces.filter { gate.admits(FaceSignals($0)) }
        let whole = admitted.filter { !gate.isCut(FaceSignals($0)) }
        let candidates = !whole.isEmpty ? whole : admitted.isEmpty ? faces : admitted
        let embedded = candidates.filter { ($0.embedding?.count ?? 0) > 0 }
        guard !embedded.isEmpty else { return candidates.first?.id }
        let dimension = embedded[0].embedding!.count
        var centre = [Float](repeating: 0, count: dimension)
        for face in embedded { for i in 0..<dimension { centre[i] += face.embedding![i] } }
        let norm = centre.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let typicality = embedded.map { face in zip(face.embedding!, centre).reduce(0) { $0 + $1.0 * $1.1 } / max(norm, 1e-6) }
        let median = typicality.sorted()[typicality.count / 2]
        return zip(embedded, typicality).filter { $0.1 >= median }.max { a, b in
            quality(a.0) < quality(b.0)
        }?.0.id
    }

    static func quality(_ face: StoredFace) -> Double {
        (face.quality ?? 10) * Double(max(face.faceSize ?? 40, 1)).squareRoot() * (face.score ?? 0.9)
    }
}
