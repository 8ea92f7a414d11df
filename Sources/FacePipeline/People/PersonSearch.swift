import FaceClustering
import FaceStore
import FaceVision
import Foundation

/// One person's similarity to a searched face.
public struct PersonMatch: Codable, Sendable, Equatable {
    public var personId: Int64
    public var name: String
    /// Mean of the person's top `PersonSearch.topK` face similarities (see `PersonSearch`).
    public var score: Float
    /// The person's face most similar to the searched face.
    public var bestFaceId: Int64
    /// `score >= FaceNet.samePersonThreshold`.
    public var isMatch: Bool
}

/// A face found in the searched photo, with the persons it most resembles.
public struct SearchedFace: Codable, Sendable, Equatable {
    public var index: Int
    /// [x1, y1, x2, y2] in the photo's pixels.
    public var box: [Float]
    public var detectionScore: Float
    public var matches: [PersonMatch]
}

/// "Who is this?": finds the faces in a photo and ranks the stored persons for each.
///
/// A person's score is the mean of the `topK` highest cosine similarities between the searched face
/// and that person's stored faces (fewer when the person has fewer faces). The best single face alone
/// lets one wrongly assigned face make a strong match; the mean of all faces punishes persons seen from
/// many angles. The top three keep both in check. Hidden persons take part: hiding is about listings.
public struct PersonSearch: Sendable {
    public static let topK = 3
    public let store: any FaceStore
    let corpus: SearchCorpus?

    /// `corpus` keeps the assigned faces between searches (a server); without one, every search
    /// reads them from the store.
    public init(store: any FaceStore, corpus: SearchCorpus? = nil) {
        self.store = store
        self.corpus = corpus
    }

    public func search(_ image: Image, analyzer: FaceAnalyzer, limit: Int = 5) async throws -> [SearchedFace] {
        let detected = try analyzer.faces(in: image)
        guard !detected.isEmpty else { return [] }
        let queries = try analyzer.embeddings(of: detected, in: image)
        // Stored faces of the query's model only: the search compares like with like.
        let model = try analyzer.embedder.modelTag
        let stored = if let corpus { try await corpus.assignedFaces(in: store, model: model) } else { try await SearchCorpus.load(from: store, model: model) }
        var names: [Int64: String] = [:]
        for person in try await store.allPersons() { names[person.id] = PersonRow.displayName(person) }
        return zip(detected, queries).enumerated().map { index, pair in
            let (face, query) = pair
            return SearchedFace(index: index, box: [face.box.x, face.box.y, face.box.maxX, face.box.maxY],
                                detectionScore: face.score,
                                matches: Self.rank(query.vector, among: stored, names: names, limit: limit))
        }
    }

    /// Persons ranked by score, best first, at most `limit`.
    static func rank(_ query: [Float], among corpus: SearchCorpus.Faces, names: [Int64: String], limit: Int) -> [PersonMatch] {
        // The `topK` best similarities per person, kept sorted, best first.
        var best: [Int64: [(similarity: Float, face: Int64)]] = [:]
        for (row, vector) in corpus.vectors.enumerated() where vector.count == query.count {
            let candidate = (similarity: dotProduct(vector, query), face: corpus.faceIds[row])
            best[corpus.personIds[row], default: []].insertKeepingBest(candidate, limit: topK)
        }
        let matches = best.map { person, top -> PersonMatch in
            let score = top.map(\.similarity).reduce(0, +) / Float(top.count)
            return PersonMatch(personId: person, name: names[person] ?? "Person \(person)", score: score,
                               bestFaceId: top[0].face, isMatch: score >= FaceNet.samePersonThreshold)
        }
        return Array(matches.sorted { $0.score != $1.score ? $0.score > $1.score : $0.personId < $1.personId }.prefix(limit))
    }
}

private extension Array where Element == (similarity: Float, face: Int64) {
    /// Inserts in descending order of similarity and drops what falls past `limit`.
    mutating func insertKeepingBest(_ element: Element, limit: Int) {
        if count == limit, let last, element.similarity <= last.similarity { return }
        let index = firstIndex { $0.similarity < element.similarity } ?? count
        insert(element, at: index)
        if count > limit { removeLast() }
    }
}

/// The embeddings of assigned faces, kept by a long-running server between searches. Before each
/// search it asks the store for its `AssignmentVersion` (four index-only aggregates) and reloads only when
/// that changed, whoever changed it: this server, `frs run` elsewhere, or another machine.
public actor SearchCorpus {
    /// Assigned faces: their ids, persons and (unit-length) embeddings, row by row.
    public struct Faces: Sendable {
        var faceIds: [Int64] = []
        var personIds: [Int64] = []
        /// The store's arrays themselves, not copies: a library's embeddings are held once.
        var vectors: [[Float]] = []
    }

    private var version: AssignmentVersion?
    private var model: String?
    /// Whether the last load held every assigned, embedded face: not while a model change is being
    /// re-embedded (in place, which leaves the version as it was), so those loads are not kept.
    private var complete = false
    private var faces = Faces()
    /// How many times the faces were read from the store (for tests and logs).
    public private(set) var loads = 0

    public init() {}

    public func assignedFaces(in store: any FaceStore, model: String) async throws -> Faces {
        // The version is read first: a change that lands during the load leaves an older version
        // behind, so the next search loads again rather than keeping stale faces.
        let current = try await store.assignmentVersion()
        if current != version || model != self.model || !complete {
            faces = try await Self.load(from: store, model: model)
            version = current
            self.model = model
            complete = faces.faceIds.count >= current.assignedFaces - current.assignedWithoutEmbedding
            loads += 1
        }
        return faces
    }

    static func load(from store: any FaceStore, model: String) async throws -> Faces {
        var faces = Faces()
        for stored in try await store.embeddings(model: model) {
            guard let person = stored.personId else { continue }
            faces.faceIds.append(stored.faceId)
            faces.personIds.append(person)
            faces.vectors.append(stored.vector)
        }
        return faces
    }
}
