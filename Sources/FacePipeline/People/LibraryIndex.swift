import FaceClustering
import FaceStore
import Foundation

/// The embedded faces of a library, grouped by person, kept in memory between requests: what review
/// queues, "likely wrong" views and merge suggestions rank with, so that a page costs a few index-only
/// aggregates and arithmetic on faces already in memory.
///
/// It follows the store's `AssignmentVersion`. When only assignments changed (a user accepted faces,
/// a recognition run moved some), it reads just the history rows since (`assignments(after:)`) and
/// moves those faces: milliseconds, even at 100,000 faces. When faces came or got embedded, it reads
/// every embedding again; while that runs, requests are answered from the snapshot before (each page
/// checks its faces against the database, so a stale snapshot never shows a face where it is not).
public actor LibraryIndex {
    /// One version of the library's embeddings. Immutable, so requests share it without copies.
    public final class Snapshot: Sendable {
        public let version: AssignmentVersion
        let faceIds: [Int64]
        let personIds: [Int64?]
        let mediaItemIds: [Int64]
        /// Unit length (as stored), one per face.
        let vectors: [[Float]]
        let rowOfFace: [Int64: Int]
        /// Row indices per person, and of the unassigned faces.
        let rowsByPerson: [Int64: [Int]]
        let unassignedRows: [Int]
        /// Per person: the sum of its faces' vectors (its centre, unnormalised).
        let sums: [Int64: [Float]]
        /// Per face, the persons it must not go to ("not this person").
        let rejected: [Int64: Set<Int64>]

        init(version: AssignmentVersion, faceIds: [Int64], personIds: [Int64?], mediaItemIds: [Int64], vectors: [[Float]],
             rejected: [Int64: Set<Int64>]) {
            self.version = version
            self.faceIds = faceIds
            self.personIds = personIds
            self.mediaItemIds = mediaItemIds
            self.vectors = vectors
            self.rejected = rejected
            rowOfFace = Dictionary(uniqueKeysWithValues: faceIds.enumerated().map { ($1, $0) })
            var byPerson: [Int64: [Int]] = [:]
            var unassigned: [Int] = []
            for (row, person) in personIds.enumerated() {
                if let person { byPerson[person, default: []].append(row) } else { unassigned.append(row) }
            }
            rowsByPerson = byPerson
            unassignedRows = unassigned
            var sums: [Int64: [Float]] = [:]
            for (person, rows) in byPerson {
                var sum = [Float](repeating: 0, count: vectors[rows[0]].count)
                for row in rows where vectors[row].count == sum.count {
                    for d in sum.indices { sum[d] += vectors[row][d] }
                }
                sums[person] = sum
            }
            self.sums = sums
        }

        convenience init(version: AssignmentVersion, faces: [StoredEmbedding], rejected: [Int64: Set<Int64>]) {
            self.init(version: version, faceIds: faces.map(\.faceId), personIds: faces.map(\.personId),
                      mediaItemIds: faces.map(\.mediaItemId), vectors: faces.map(\.vector), rejected: rejected)
        }

        /// This snapshot with the history rows since applied: each face where the last row put it, and
        /// "not this person" as `reject` rows record it and a user's move back forgets it.
        func applying(_ moves: [FaceAssignment], version: AssignmentVersion) -> Snapshot {
            var personIds = self.personIds
            var rejected = self.rejected
            for move in moves {
                guard let row = rowOfFace[move.faceId] else { continue }
                personIds[row] = move.toPersonId
                if move.reason == .reject, let from = move.fromPersonId { rejected[move.faceId, default: []].insert(from) }
                if move.reason == .user, let to = move.toPersonId { rejected[move.faceId]?.remove(to) }
            }
            return Snapshot(version: version, faceIds: faceIds, personIds: personIds, mediaItemIds: mediaItemIds,
                            vectors: vectors, rejected: rejected)
        }

        /// The person's centre as a unit vector, nil when it has no embedded face.
        func centre(of person: Int64, without row: Int? = nil) -> [Float]? {
            guard var sum = sums[person] else { return nil }
            if let row, vectors[row].count == sum.count { for d in sum.indices { sum[d] -= vectors[row][d] } }
            let norm = sqrt(dotProduct(sum, sum))
            guard norm > 1e-6 else { return nil }
            return sum.map { $0 / norm }
        }

        /// The media items a person has a face in (two faces of one photo are two people).
        func mediaItems(of person: Int64) -> Set<Int64> {
            Set((rowsByPerson[person] ?? []).map { mediaItemIds[$0] })
        }
    }

    /// More history rows than this since the snapshot (a full recluster) are read as a new snapshot.
    static let maxMoves = 20_000

    private var snapshot: Snapshot?
    private var model: String?
    private var loading: Task<Snapshot, any Error>?

    public init() {}

    /// The snapshot for `model`, brought up to date with the store (see the type's notes).
    public func snapshot(of store: any FaceStore, model: String) async throws -> Snapshot {
        let version = try await store.assignmentVersion()
        guard let current = snapshot, self.model == model else { return try await reload(store, model: model, version: version) }
        if current.version == version { return current }
        let sameFaces = version.lastFace == current.version.lastFace
            && version.facesWithoutEmbedding == current.version.facesWithoutEmbedding
            && version.lastAssignment >= current.version.lastAssignment
        if sameFaces, let browsing = store as? any FaceBrowsing {
            let moves = try await browsing.assignments(after: current.version.lastAssignment, limit: Self.maxMoves + 1)
            if moves.count <= Self.maxMoves {
                // Moves that landed after `version` was read are applied too; the next call re-applies none twice
                // because the version then names the last of them.
                var applied = version
                applied.lastAssignment = max(version.lastAssignment, moves.last?.id ?? version.lastAssignment)
                let updated = current.applying(moves, version: applied)
                snapshot = updated
                return updated
            }
        }
        // New or newly embedded faces: read them all again. A small library is read in a moment; a large
        // one is answered from the old snapshot until the read is done.
        if loading == nil { Task { _ = try? await reload(store, model: model, version: version) } }
        await waitBriefly { [self] in await snapshot?.version == version }
        return snapshot ?? current
    }

    /// How long a request waits for a background read before it is answered with what is there.
    static let patience: Duration = .milliseconds(250)

    /// Waits until `done` or `patience` has passed, whichever comes first.
    private func waitBriefly(until done: () async -> Bool) async {
        let deadline = ContinuousClock.now + Self.patience
        while !(await done()), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Reads every embedding; concurrent callers wait for the one read in progress.
    private func reload(_ store: any FaceStore, model: String, version: AssignmentVersion) async throws -> Snapshot {
        if let loading { return try await loading.value }
        let task = Task { () throws -> Snapshot in
            let faces = try await store.embeddings(model: model)
            let rejected = try await store.rejections().reduce(into: [Int64: Set<Int64>]()) { $0[$1.faceId, default: []].insert($1.personId) }
            return Snapshot(version: version, faces: faces, rejected: rejected)
        }
        loading = task
        defer { loading = nil }
        let loaded = try await task.value
        snapshot = loaded
        self.model = model
        return loaded
    }

    // MARK: Merge candidates

    /// Two persons whose centres are alike, and whether each is the other's nearest.
    struct MergeCandidate: Sendable {
        var pair: PersonPair
        var similarity: Float
        var mutual: Bool
    }

    private var candidates: (version: AssignmentVersion, list: [MergeCandidate])?
    private var findingCandidates: Task<[MergeCandidate], Never>?

    /// The pairs of persons whose centres are at least `minimum` alike, most alike first, never two
    /// persons seen in one photo. Finding them compares every person with every other (5,000 persons:
    /// a second), so after a change they are found again in the background and a request that does
    /// not get them within `patience` is answered with the pairs before (the caller checks persons
    /// that are gone). The caller filters what is about persons' rows (names, hidden, "different").
    func mergeCandidates(of store: any FaceStore, model: String, minimum: Float) async throws -> [MergeCandidate] {
        let snapshot = try await snapshot(of: store, model: model)
        if let current = candidates {
            guard current.version != snapshot.version else { return current.list }
            if findingCandidates == nil { Task { _ = await findCandidates(snapshot, minimum: minimum) } }
            await waitBriefly { [self] in await candidates?.version == snapshot.version }
            return candidates?.list ?? current.list
        }
        return await findCandidates(snapshot, minimum: minimum)
    }

    private func findCandidates(_ snapshot: Snapshot, minimum: Float) async -> [MergeCandidate] {
        if let findingCandidates { return await findingCandidates.value }
        let task = Task.detached(priority: .utility) { Self.candidates(in: snapshot, minimum: minimum) }
        findingCandidates = task
        defer { findingCandidates = nil }
        let list = await task.value
        candidates = (snapshot.version, list)
        return list
    }

    /// Each person's 10 nearest persons by centre (exact), kept when alike enough and never in one photo together.
    static func candidates(in snapshot: Snapshot, minimum: Float) -> [MergeCandidate] {
        let ids = snapshot.sums.keys.sorted()
        guard ids.count >= 2, let dimension = snapshot.sums[ids[0]]?.count else { return [] }
        var matrix = EmbeddingMatrix(rows: ids.map { snapshot.centre(of: $0) ?? [Float](repeating: 0, count: dimension) })
        _ = matrix.normalizeRows()
        let graph = ExactNeighbors.graph(matrix, k: min(10, ids.count - 1))
        var found: [PersonPair: MergeCandidate] = [:]
        for i in 0..<ids.count {
            for (slot, (neighbour, similarity)) in zip(graph.neighbors(of: i), graph.neighborSimilarities(of: i)).enumerated() {
                let j = Int(neighbour)
                guard j >= 0, j != i, similarity >= minimum else { continue }
                let pair = PersonPair(ids[i], ids[j])
                guard found[pair] == nil, snapshot.mediaItems(of: pair.first).isDisjoint(with: snapshot.mediaItems(of: pair.second)) else { continue }
                let mutual = slot == 0 && graph.neighbors(of: j).first.map { Int($0) == i } == true
                found[pair] = MergeCandidate(pair: pair, similarity: similarity, mutual: mutual)
            }
        }
        return found.values.sorted {
            $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.pair.first, $0.pair.second) < ($1.pair.first, $1.pair.second)
        }
    }

    // MARK: Suggestions

    /// The last suggestions made (clustering every unassigned face is the slow part) and for which version.
    private var suggestions: (version: AssignmentVersion, model: String, groups: [Recognizer.Suggestion])?
    private var suggesting: Task<[Recognizer.Suggestion], any Error>?

    /// The suggested groups. The first time they are made while the caller waits; after a change
    /// they are made again in the background, and a request that does not get them within `patience`
    /// is answered with the groups before (the page leaves out their faces that found a person since),
    /// so that a page of a large library never waits for clustering.
    func suggestions(of store: any FaceStore, model: String,
                     compute: @escaping @Sendable () async throws -> [Recognizer.Suggestion]) async throws -> [Recognizer.Suggestion] {
        let version = try await store.assignmentVersion()
        if let current = suggestions, current.model == model {
            guard current.version != version else { return current.groups }
            if suggesting == nil { Task { _ = try? await makeSuggestions(version: version, model: model, compute: compute) } }
            await waitBriefly { [self] in await suggestions?.version == version }
            return suggestions?.groups ?? current.groups
        }
        return try await makeSuggestions(version: version, model: model, compute: compute)
    }

    private func makeSuggestions(version: AssignmentVersion, model: String,
                                 compute: @escaping @Sendable () async throws -> [Recognizer.Suggestion]) async throws -> [Recognizer.Suggestion] {
        if let suggesting { return try await suggesting.value }
        let task = Task { try await compute() }
        suggesting = task
        defer { suggesting = nil }
        let groups = try await task.value
        suggestions = (version, model, groups)
        return groups
    }
}
