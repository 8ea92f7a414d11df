import Foundation

/// A face with the file it was found in: what people pages, `frs people show` and `frs faces list` need.
public struct FaceDetail: Sendable, Equatable {
    public var face: StoredFace
    public var mediaFileId: Int64
    public var mediaPath: String
    /// When the photo or video was taken; nil when unknown.
    public var capturedAt: CaptureTime? = nil
}

/// Which faces `faceDetails(filter:)` returns.
public enum FaceFilter: Sendable, Equatable {
    case person(Int64)
    case unassigned
    case all
}

/// Read-only look-ups for browsing and editing persons, next to `FaceStore` so that the people code never
/// writes SQL. Kept as its own protocol (both stores conform) so the core storage protocol stays small.
public protocol FaceBrowsing: FaceStore {
    /// The faces with these ids that exist, by id; missing ids are simply absent.
    func faceDetails(ids: [Int64]) async throws -> [FaceDetail]
    /// Faces by id after `after` (keyset paging: the last id of the previous page, 0 for the first),
    /// without their embeddings (listings never need them).
    func faceDetails(filter: FaceFilter, after: Int64, limit: Int) async throws -> [FaceDetail]
    /// The faces found in these media files (every frame of a video), by id.
    func faceDetails(mediaFiles: [Int64]) async throws -> [FaceDetail]
    /// One page of persons in `query.order`, without `photoCount` (see `PersonSummary.photoCount`).
    /// Reads an index for each order: as fast at 5,000 persons as at 5.
    func persons(_ query: PersonQuery) async throws -> [PersonSummary]
    /// These persons (those that exist), with their face and photo counts, by id.
    func personSummaries(ids: [Int64]) async throws -> [PersonSummary]
    /// How many persons `query` would list over all its pages (its `after` and `limit` aside).
    func personCount(_ query: PersonQuery) async throws -> Int
    /// One page of the photos and videos in which every person of `query` has a face.
    func mediaFiles(_ query: MediaQuery) async throws -> [MediaFile]
    /// Records that two persons are different people (merge suggestions never pair them again);
    /// recording it twice is not an error. Merging moves a source's pairs to the target.
    func markDifferent(_ a: Int64, _ b: Int64, actor: String) async throws
    /// History rows after `id`, oldest first, at most `limit`: what changed since a snapshot of the
    /// assignments was taken (`AssignmentVersion.lastAssignment`).
    func assignments(after id: Int64, limit: Int) async throws -> [FaceAssignment]
    /// Every pair marked different.
    func personDistinctions() async throws -> Set<PersonPair>
    func faceCount(filter: FaceFilter) async throws -> Int
    func mediaFile(id: Int64) async throws -> MediaFile?
    /// When a media item was last finished by a worker; nil when none has been.
    func lastCompletedAt() async throws -> Date?
}

extension FaceBrowsing {
    public func faceDetails(filter: FaceFilter, limit: Int) async throws -> [FaceDetail] {
        try await faceDetails(filter: filter, after: 0, limit: limit)
    }
}

extension FaceStoreError {
    /// The store cannot browse (a third-party `FaceStore`); says what to use instead.
    static func notBrowsable(_ backend: StoreBackend) -> FaceStoreError {
        FaceStoreError(.invalidArgument, operation: "open", backend: backend,
                       detail: "this store does not support browsing faces; use SQLiteStore or PostgresStore")
    }
}

/// The browsing interface of a store opened with `openFaceStore`.
public func browsing(_ store: any FaceStore) throws -> any FaceBrowsing {
    guard let browsable = store as? any FaceBrowsing else { throw FaceStoreError.notBrowsable(store.backend) }
    return browsable
}
