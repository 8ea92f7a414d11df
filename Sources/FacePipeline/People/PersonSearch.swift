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

    public init(store: any FaceStore) { self.store = store }

    public func search(_ image: Image, analyzer: FaceAnalyzer, limit: Int = 5) async throws -> [SearchedFace] {
        let detected = try analyzer.faces(in: image)
        guard !detected.isEmpty else { return [] }
        let queries = try analyzer.embeddings(of: detected, in: image)
        let stored = try await store.embeddings(model: FaceNet.modelTag).compactMap { stored in
            stored.personId.map { (face: stored.faceId, person: $0, vector: stored.vector) }
        }
        var names: [Int64: String] = [:]
        for summary in try await store.persons(includeHidden: true) {
            names[summary.person.id] = PersonRow.displayName(summary.person)
        }
        return zip(detected, queries).enumerated().map { index, pair in
            let (face, query) = pair
            return SearchedFace(index: index, box: [face.box.x, face.box.y, face.box.maxX, face.box.maxY],
                                detectionScore: face.score,
                                matches: Self.rank(query.vector, among: stored, names: names, limit: limit))
        }
    }

    /// Persons ranked by score, best first, at most `limit`.
    public static func rank(_ query: [Float], among stored: [(face: Int64, person: Int64, vector: [Float])],
                            names: [Int64: String], limit: Int) -> [PersonMatch] {
        var byPerson: [Int64: [(face: Int64, similarity: Float)]] = [:]
        for candidate in stored where candidate.vector.count == query.count {
            byPerson[candidate.person, default: []].append((candidate.face, cosineSimilarity(query, candidate.vector)))
        }
        let matches = byPerson.map { person, similarities -> PersonMatch in
            let top = similarities.sorted { $0.similarity > $1.similarity }.prefix(topK)
            let score = top.map(\.similarity).reduce(0, +) / Float(top.count)
            return PersonMatch(personId: person, name: names[person] ?? "Person \(person)", score: score,
                               bestFaceId: top[top.startIndex].face, isMatch: score >= FaceNet.samePersonThreshold)
        }
        return Array(matches.sorted { $0.score != $1.score ? $0.score > $1.score : $0.personId < $1.personId }.prefix(limit))
    }
}
