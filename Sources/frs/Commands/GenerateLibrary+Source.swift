import ArgumentParser
import FacePipeline
import FaceStore
import FaceVision
import Foundation

/// The real library `frs generate-library` copies from: its embedded photo faces whose thumbnail
/// and photo are still on disk, with what a worker would store for them.
struct SourceLibrary: Sendable {
    struct Face: Sendable {
        /// Unit length.
        var embedding: [Float]
        var box: BoundingBox
        var score: Double?
        var landmarks: [Float]?
        var faceSize: Int?
        var quality: Double?
        var frameCut: Double?
        var thumbnail: URL
        /// Index into `photos`.
        var photo: Int
        /// The source library's person, so that bases can be spread over real identities.
        var person: Int64?
    }

    struct Photo: Sendable {
        var path: String
        var fileExtension: String
        var size: Int64
        var width: Int?
        var height: Int?
    }

    var faces: [Face]
    var photos: [Photo]
    /// Faces left out: a video frame, no box, no thumbnail file, or a photo that is gone.
    var skipped: Int

    /// Reads the library at `location` without migrating it: the source is someone's real library.
    static func load(_ location: String, dataDirectory: DataDirectory) async throws -> SourceLibrary {
        if let path = try DatabaseLocation(location).sqlitePath, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no source library at \(path)")
        }
        let source = try await withFaceStore(location, migrate: false) { store in
            guard try await store.schemaVersion() > 0 else {
                throw ValidationError("\(maskedURL(location)) is not an frs library")
            }
            var embeddings: [Int64: StoredEmbedding] = [:]
            for embedding in try await store.embeddings(model: FaceNet.defaultModelTag) { embeddings[embedding.faceId] = embedding }
            var library = SourceLibrary(faces: [], photos: [], skipped: 0)
            // nil: the photo is gone, so its faces cannot be shown and are left out.
            var photoIndex: [String: Int?] = [:]
            try await store.forEachFacePage { page in
                for face in page {
                    guard let embedding = embeddings[face.faceId] else { continue }
                    guard face.frameNumber == nil, let box = face.box, let name = face.thumbnailName,
                          let thumbnail = dataDirectory.thumbnailURL(named: name),
                          FileManager.default.fileExists(atPath: thumbnail.path) else {
                        library.skipped += 1
                        continue
                    }
                    if photoIndex[face.mediaPath] == nil {
                        photoIndex[face.mediaPath] = try await library.addPhoto(face.mediaPath, store: store)
                    }
                    guard let photo = photoIndex[face.mediaPath] ?? nil else {
                        library.skipped += 1
                        continue
                    }
                    library.faces.append(Face(embedding: Self.normalized(embedding.vector), box: box, score: embedding.score,
                                              landmarks: embedding.landmarks, faceSize: embedding.faceSize,
                                              quality: embedding.quality, frameCut: embedding.frameCut, thumbnail: thumbnail, photo: photo,
                                              person: face.personId))
                }
            }
            return library
        }
        guard !source.faces.isEmpty else {
            throw ValidationError("""
                \(maskedURL(location)) has no photo faces embedded with \(FaceNet.defaultModelTag) whose thumbnails are in \
                \(dataDirectory.thumbnails.path): run `frs run PHOTOS` on it first, or give --source-data
                """)
        }
        return source
    }

    /// Records a photo of the source and returns its index; nil when its file is gone.
    private mutating func addPhoto(_ path: String, store: any FaceStore) async throws -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let file = try await store.mediaFile(path: path)
        // `frs add` records no width and height for photos; their headers have them.
        let header = file?.width == nil ? Image.dimensions(ofFileAt: URL(fileURLWithPath: path)) : nil
        photos.append(Photo(path: path, fileExtension: (path as NSString).pathExtension.lowercased(),
                            size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                            width: file?.width ?? header?.width, height: file?.height ?? header?.height))
        return photos.count - 1
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
