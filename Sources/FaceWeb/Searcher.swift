import FacePipeline
import FaceStore
import FaceVision
import Foundation

/// Runs "who is this?" for uploads. The models load on the first search (seconds), not at start-up, and
/// searches run one at a time: OpenCV networks must not run concurrently on one instance. The assigned
/// faces' embeddings stay in memory between searches until the library's assignments change.
actor Searcher {
    private let store: any FaceStore
    private let models: ModelStore
    private var analyzer: FaceAnalyzer?
    private let corpus = SearchCorpus()

    init(store: any FaceStore, models: ModelStore) {
        self.store = store
        self.models = models
    }

    func search(imageData: Data) async throws -> [SearchedFace] {
        guard !imageData.isEmpty else { throw WebError.badRequest("no photo uploaded: choose a file first") }
        let image = try Image(data: imageData)
        let analyzer = try self.analyzer ?? FaceAnalyzer(models: models)
        self.analyzer = analyzer
        return try await PersonSearch(store: store, corpus: corpus).search(image, analyzer: analyzer)
    }
}
