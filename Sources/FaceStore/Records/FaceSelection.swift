/// Which faces `FaceStore.faceLocations` pages through.
public enum FaceSelection: Sendable, Equatable {
    case all
    /// Faces with no embedding yet (the embedding backlog).
    case withoutEmbedding
    /// Faces whose embedding carries this model tag (to re-embed them with another model).
    case embedded(model: String)

    /// The operation name errors report.
    var operation: String {
        switch self {
        case .all: "faces"
        case .withoutEmbedding: "facesWithoutEmbedding"
        case .embedded: "facesEmbedded"
        }
    }
}
