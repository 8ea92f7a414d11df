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
    /// Faces by id, without their embeddings (listings never need them).
    func faceDetails(filter: FaceFilter, limit: Int) async throws -> [FaceDetail]
    func faceCount(filter: FaceFilter) async throws -> Int
    func mediaFile(id: Int64) async throws -> MediaFile?
    /// When a media item was last finished by a worker; nil when none has been.
    func lastCompletedAt() async throws -> Date?
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
