import FaceClustering
import FaceStore

extension FaceSignals {
    /// What the quality gate reads from a stored face.
    public init(_ face: StoredEmbedding) {
        self.init(size: face.faceSize.map(Float.init), detectorScore: face.score.map(Float.init),
                  norm: face.quality.map(Float.init), frontality: Self.frontality(landmarks: face.landmarks),
                  frameCut: face.frameCut.map(Float.init))
    }

    public init(_ face: StoredFace) {
        self.init(size: face.faceSize.map(Float.init), detectorScore: face.score.map(Float.init),
                  norm: face.quality.map(Float.init), frontality: Self.frontality(landmarks: face.landmarks),
                  frameCut: face.frameCut.map(Float.init))
    }
}

extension FaceStore {
    /// The persons each face must never be given to by machine: the user's "not this person"
    /// (`rejections`) and every person born after the face's photo was taken (`BirthDateRule`).
    /// The one place matching, clustering, full reclusters and suggestions learn what is ruled out,
    /// so whatever proposes faces for a person reads it here.
    func rejectedPersons() async throws -> [Int64: Set<Int64>] {
        var result: [Int64: Set<Int64>] = [:]
        for rejection in try await rejections() { result[rejection.faceId, default: []].insert(rejection.personId) }
        for (face, persons) in try await bornAfterPhoto() { result[face, default: []].formUnion(persons) }
        return result
    }

    /// Per face, the persons born after its photo was taken. The capture times are read only when
    /// some person has a birth date.
    func bornAfterPhoto() async throws -> [Int64: Set<Int64>] {
        let born = try await allPersons().compactMap { person in person.birthDate.map { (person.id, $0) } }
        guard !born.isEmpty else { return [:] }
        var result: [Int64: Set<Int64>] = [:]
        for (face, captured) in try await captureTimes() {
            let refused = born.filter { !BirthDateRule.allows(captured: captured, birthDate: $0.1) }.map(\.0)
            if !refused.isEmpty { result[face] = Set(refused) }
        }
        return result
    }
}
