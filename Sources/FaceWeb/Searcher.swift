import FacePipeline
import FaceStore
import FaceVision
import Foundation

/// Runs "who is this?" for uploads. The models load on the first search (seconds), not at start-up.
/// Each search, decoding included, runs through the server's `ImageWorkQueue`, so only its bounded
/// number of photos are ever decoded at once; OpenCV networks must not run concurrently on one instance
/// anyway. The assigned faces' embeddings stay in memory between searches until the assignments change.
actor Searcher {
    private let store: any FaceStore
    private let models: ModelStore
    private let flip: Bool
    private let work: ImageWorkQueue
    private var analyzer: FaceAnalyzer?
    private let corpus = SearchCorpus()

    init(store: any FaceStore, models: ModelStore, flip: Bool, work: ImageWorkQueue) {
        self.store = store
        self.models = models
        self.flip = flip
        self.work = work
    }

    nonisolated func search(imageData: Data) async throws -> [SearchedFace] {
        guard !imageData.isEmpty else { throw WebError.badRequest("no photo uploaded: choose a file first") }
        return try await work.run { try await self.decodeAndSearch(imageData) }
    }

    private func decodeAndSearch(_ imageData: Data) async throws -> [SearchedFace] {
        let image = try Image(data: imageData)
        let analyzer = try self.analyzer ?? FaceAnalyzer(models: models, flip: flip)
        self.analyzer = analyzer
        return try await PersonSearch(store: store, corpus: corpus).search(image, analyzer: analyzer)
    }
}
