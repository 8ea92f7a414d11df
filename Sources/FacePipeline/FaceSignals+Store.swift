import FaceClustering
import FaceStore

extension FaceSignals {
    /// What the quality gate reads from a stored face.
    public init(_ face: StoredEmbedding) {
        self.init(size: face.faceSize.map(Float.init), detectorScore: face.score.map(Float.init),
                  norm: face.quality.map(Float.init), frontality: Self.frontality(landmarks: face.landmarks))
    }

    public init(_ face: StoredFace) {
        self.init(size: face.faceSize.map(Float.init), detectorScore: face.score.map(Float.init),
                  norm: face.quality.map(Float.init), frontality: Self.frontality(landmarks: face.landmarks))
    }
}

extension FaceStore {
    /// Every rejection as the persons each face must not go to.
    func rejectedPersons() async throws -> [Int64: Set<Int64>] {
        var result: [Int64: Set<Int64>] = [:]
        for rejection in try await rejections() { result[rejection.faceId, default: []].insert(rejection.personId) }
        return result
    }
}
